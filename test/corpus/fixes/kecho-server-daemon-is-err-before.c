// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: Reject module insertion after kthread_run fail
 * source: github sysprog21/kecho pull request #13 (merged); before-code: sysprog21/kecho kecho_mod.c at bbf343c0321130903e2895e45c4b4b44f5b811f3, echo_server.c, echo_server.h (one file here)
 * file: kecho_mod.c (out-of-tree module sysprog21/kecho)
 * date: 2025-05-03
 * class: is-err, exit-before-stop
 * bug: kecho_init_module() tests kthread_run() with IS_ERR() but only logs the failure
 *      and returns 0: the module loads with the ERR_PTR in the global echo_server, and
 *      kecho_cleanup_module() passes it to send_sig() and kthread_stop() (the PR reports
 *      the NULL-pointer oops at rmmod). Also, in both files, echo_server_daemon() allows
 *      SIGTERM/SIGKILL and returns on a pending signal without being stopped: a signal
 *      from user space ends the thread, and the later kthread_stop() (no reference
 *      taken) uses a task that may be gone; not addressed by this fix.
 * expect: kthread-missing-is-err@kecho_init_module
 * expect: kthread-exit-before-stop@echo_server_daemon
 */
/* echo_server.h */
#include <linux/module.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#define MODULE_NAME "kecho"

struct echo_server_param {
    struct socket *listen_sock;
};

struct echo_service {
    bool is_stopped;
    struct list_head worker;
};

struct kecho {
    struct socket *sock;
    struct list_head list;
    struct work_struct kecho_work;
};

extern int echo_server_daemon(void *);

/* echo_server.c */
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/tcp.h>
#include <linux/types.h>

#define BUF_SIZE 4096

struct echo_service daemon = {.is_stopped = false};
extern struct workqueue_struct *kecho_wq;

static int get_request(struct socket *sock, unsigned char *buf, size_t size)
{
    struct msghdr msg;
    struct kvec vec;
    int length;

    /* kvec setting */
    vec.iov_len = size;
    vec.iov_base = buf;

    /* msghdr setting */
    msg.msg_name = 0;
    msg.msg_namelen = 0;
    msg.msg_control = NULL;
    msg.msg_controllen = 0;
    msg.msg_flags = 0;

    printk(MODULE_NAME ": start get response\n");
    /* get msg */
    length = kernel_recvmsg(sock, &msg, &vec, size, size, msg.msg_flags);
    printk(MODULE_NAME ": get request = %s\n", buf);

    return length;
}

static int send_request(struct socket *sock, unsigned char *buf, size_t size)
{
    int length;
    struct kvec vec;
    struct msghdr msg;

    msg.msg_name = NULL;
    msg.msg_namelen = 0;
    msg.msg_control = NULL;
    msg.msg_controllen = 0;
    msg.msg_flags = 0;

    vec.iov_base = buf;
    vec.iov_len = strlen(buf);

    printk(MODULE_NAME ": start send request.\n");

    length = kernel_sendmsg(sock, &msg, &vec, 1, size);

    printk(MODULE_NAME ": send request = %s\n", buf);

    return length;
}

static void echo_server_worker(struct work_struct *work)
{
    struct kecho *worker = container_of(work, struct kecho, kecho_work);
    unsigned char *buf;

    buf = kzalloc(BUF_SIZE, GFP_KERNEL);
    if (!buf) {
        printk(KERN_ERR MODULE_NAME ": kmalloc error....\n");
        return;
    }

    while (!daemon.is_stopped) {
        int res = get_request(worker->sock, buf, BUF_SIZE - 1);
        if (res <= 0) {
            if (res) {
                printk(KERN_ERR MODULE_NAME ": get request error = %d\n", res);
            }
            break;
        }

        res = send_request(worker->sock, buf, res);
        if (res < 0) {
            printk(KERN_ERR MODULE_NAME ": send request error = %d\n", res);
            break;
        }

        memset(buf, 0, res);
    }

    kernel_sock_shutdown(worker->sock, SHUT_RDWR);
    kfree(buf);
}

static struct work_struct *create_work(struct socket *sk)
{
    struct kecho *work;

    if (!(work = kmalloc(sizeof(struct kecho), GFP_KERNEL)))
        return NULL;

    work->sock = sk;

    INIT_WORK(&work->kecho_work, echo_server_worker);

    list_add(&work->list, &daemon.worker);

    return &work->kecho_work;
}

/* it would be better if we do this dynamically */
static void free_work(void)
{
    struct kecho *tar;
    struct kecho *l;

    list_for_each_entry_safe (tar, l, &daemon.worker, list) {
        kernel_sock_shutdown(tar->sock, SHUT_RDWR);
        flush_work(&tar->kecho_work);
        sock_release(tar->sock);
        kfree(tar);
    }
}

int echo_server_daemon(void *arg)
{
    struct echo_server_param *param = arg;
    struct socket *sock;
    struct work_struct *work;

    allow_signal(SIGKILL);
    allow_signal(SIGTERM);

    INIT_LIST_HEAD(&daemon.worker);

    while (!kthread_should_stop()) {
        /* using blocking I/O */
        int error = kernel_accept(param->listen_sock, &sock, 0);
        if (error < 0) {
            if (signal_pending(current))
                break;
            printk(KERN_ERR MODULE_NAME ": socket accept error = %d\n", error);
            continue;
        }

        if (unlikely(!(work = create_work(sock)))) {
            printk(KERN_ERR MODULE_NAME
                   ": create work error, connection closed\n");
            kernel_sock_shutdown(sock, SHUT_RDWR);
            sock_release(sock);
            continue;
        }

        /* start server worker */
        queue_work(kecho_wq, work);
    }

    printk(MODULE_NAME ": daemon shutdown in progress...\n");

    daemon.is_stopped = true;
    free_work();

    return 0;
}

/* kecho_mod.c */
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/init.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)
#define USE_SETSOCKET
#endif

#define DEFAULT_PORT 12345
#define DEFAULT_BACKLOG 128

MODULE_LICENSE("Dual MIT/GPL");
MODULE_AUTHOR("National Cheng Kung University, Taiwan");
MODULE_DESCRIPTION("Fast echo server in kernel");
MODULE_VERSION("0.1");

static ushort port = DEFAULT_PORT;
static ushort backlog = DEFAULT_BACKLOG;
static bool bench = false;
module_param(port, ushort, S_IRUGO);
module_param(backlog, ushort, S_IRUGO);
module_param(bench, bool, S_IRUGO);

struct echo_server_param param;
struct socket *listen_sock;
struct task_struct *echo_server;

static int open_listen(struct socket **);
static void close_listen(struct socket *);

struct workqueue_struct *kecho_wq;

static int kecho_init_module(void)
{
    int error = open_listen(&listen_sock);
    if (error < 0) {
        printk(KERN_ERR MODULE_NAME ": listen socket open error\n");
        return error;
    }

    param.listen_sock = listen_sock;

    /*
     * Create a dedicated workqueue instead of using system_wq
     * since the task could be a CPU-intensive work item
     * if its lifetime of connection is too long, e.g., using
     * `telnet` to communicate with kecho. Flag WQ_UNBOUND
     * fits this scenario. Note that the trade-off of this
     * flag is cache locality.
     *
     * You can specify module parameter "bench=1" if you won't
     * use telnet-like program to interact with the module.
     * This earns you better cache locality than using default
     * flag, `WQ_UNBOUND`. Note that your machine may going
     * unstable if you use telnet-like program along with
     * module parameter "bench=1" to interact with the module.
     * Since without `WQ_UNBOUND` flag specified, a
     * long-running task may delay other tasks in the kernel.
     */
    kecho_wq = alloc_workqueue(MODULE_NAME, bench ? 0 : WQ_UNBOUND, 0);
    echo_server = kthread_run(echo_server_daemon, &param, MODULE_NAME);
    if (IS_ERR(echo_server)) {
        printk(KERN_ERR MODULE_NAME ": cannot start server daemon\n");
        close_listen(listen_sock);
    }

    return 0;
}

static void kecho_cleanup_module(void)
{
    send_sig(SIGTERM, echo_server, 1);
    kthread_stop(echo_server);
    close_listen(listen_sock);
    destroy_workqueue(kecho_wq);
    printk(MODULE_NAME ": module successfully removed \n");
}

static int open_listen(struct socket **result)
{
    struct socket *sock;
    struct sockaddr_in addr;
    int error;
    int opt = 1;
    sockptr_t kopt = {.kernel = (char *) &opt, .is_kernel = 1};

    /* using IPv4, TCP/IP */
    error = sock_create(PF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
    if (error < 0) {
        printk(KERN_ERR MODULE_NAME ": socket create error = %d\n", error);
        return error;
    }
    printk(MODULE_NAME ": socket create ok....\n");

/* set tcp_nodelay */
#ifdef USE_SETSOCKET
    error =
        sock->ops->setsockopt(sock, SOL_TCP, TCP_NODELAY, kopt, sizeof(opt));
#else
    error = kernel_setsockopt(sock, SOL_TCP, TCP_NODELAY, (char *) &opt,
                              sizeof(opt));
#endif

    if (error < 0) {
        printk(KERN_ERR MODULE_NAME
               ": setsockopt tcp_nodelay setting error = %d\n",
               error);
        sock_release(sock);
        return error;
    }

#ifdef USE_SETSOCKET
    error = sock_setsockopt(sock, SOL_SOCKET, SO_REUSEPORT, kopt, sizeof(opt));
#else
    error = kernel_setsockopt(sock, SOL_SOCKET, SO_REUSEPORT, (char *) &opt,
                              sizeof(opt));
#endif

    if (error < 0) {
        printk(KERN_ERR MODULE_NAME
               ": setsockopt SO_REUSEPORT setting error = %d\n",
               error);
        sock_release(sock);
        return error;
    }
    printk(MODULE_NAME ": setsockopt ok....\n");

    /* set sockaddr_in */
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);

    /* bind */
    error = kernel_bind(sock, (struct sockaddr *) &addr, sizeof(addr));
    if (error < 0) {
        printk(KERN_ERR MODULE_NAME ": socket bind error = %d\n", error);
        sock_release(sock);
        return error;
    }
    printk(MODULE_NAME ": socket bind ok....\n");

    /* listen */
    error = kernel_listen(sock, backlog);
    if (error < 0) {
        printk(KERN_ERR MODULE_NAME ": socket listen error = %d\n", error);
        sock_release(sock);
        return error;
    }
    printk(MODULE_NAME ": socket listen ok....\n");

    *result = sock;
    return 0;
}

static void close_listen(struct socket *sock)
{
    kernel_sock_shutdown(sock, SHUT_RDWR);
    sock_release(sock);
}

module_init(kecho_init_module);
module_exit(kecho_cleanup_module);
