// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: correct
 * subject: drbd: drbd_thread, a kthread ended by a signal and a completion, never by kthread_stop()
 * source: linux-6.1 drivers/block/drbd/drbd_main.c
 * file: drivers/block/drbd/drbd_main.c
 * date: 2022-12-11
 * class: should-stop, exit-before-stop, never-woken, leak, stop-ordering, lost-wakeup
 * bug: none
 *      drbd never calls kthread_stop(): _drbd_thread_stop() sets t_state to EXITING, sends DRBD_SIGKILL
 *      (allowed by allow_kernel_signal() in drbd_thread_setup()) to end the worker's interruptible
 *      sleep, and waits for thi->stop, which the thread completes as the last thing before it returns.
 *      So the worker's loops on get_t_state() and its untimed schedule() need no stop test, and its
 *      return is not a use-after-free.  drbd_thread_start() tests IS_ERR() after kthread_create() and
 *      wakes the task once it is stored; the thread holds a module reference (try_module_get()) until
 *      it ends, so module exit cannot run while it does, and it is started from the management
 *      interface (genetlink upstream), not from module init.
 * expect: none
 */
/*
 * Stand-ins: struct drbd_resource and drbd_connection keep only the fields used; drbd_info/warn/err
 * print with pr_*(); drbd_destroy_resource/connection() just free; the worker's wait_for_work() and
 * drbd_worker() are cut to the thread-state logic (no TCP corking, barriers, timing details or
 * device cleanup; do_unqueued_work() is empty); the genetlink handlers that call conn_reconfig_start()/drbd_adm_del_resource() are
 * replaced by the setter of a module parameter "up".
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/kref.h>
#include <linux/cpumask.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/list.h>

/* ---- from drivers/block/drbd/drbd_int.h ---- */
#define DRBD_SIGKILL SIGHUP

#define drbd_err(obj, fmt, args...) pr_err("drbd: " fmt, ## args)
#define drbd_warn(obj, fmt, args...) pr_warn("drbd: " fmt, ## args)
#define drbd_info(obj, fmt, args...) pr_info("drbd: " fmt, ## args)

/**********************************************************************/
enum drbd_thread_state {
	NONE,
	RUNNING,
	EXITING,
	RESTARTING
};

struct drbd_thread {
	spinlock_t t_lock;
	struct task_struct *task;
	struct completion stop;
	enum drbd_thread_state t_state;
	int (*function) (struct drbd_thread *);
	struct drbd_resource *resource;
	struct drbd_connection *connection;
	int reset_cpu_mask;
	const char *name;
};

static inline enum drbd_thread_state get_t_state(struct drbd_thread *thi)
{
	/* THINK testing the t_state seems to be uncritical in all cases
	 * (but thread_{start,stop}), so we can read it *without* the lock.
	 *	--lge */

	smp_rmb();
	return thi->t_state;
}

struct drbd_work {
	struct list_head list;
	int (*cb)(struct drbd_work *, int cancel);
};

struct drbd_work_queue {
	struct list_head q;
	spinlock_t q_lock;  /* to protect the list. */
	wait_queue_head_t q_wait;
};

enum {
	DEVICE_WORK_PENDING,	/* tell worker that some device has pending work */
};

/* (stand-in) only the fields used here */
struct drbd_resource {
	char *name;
	struct kref kref;
	cpumask_var_t cpu_mask;
};

struct drbd_connection {
	struct drbd_resource *resource;
	struct kref kref;
	unsigned long flags;
	struct drbd_thread worker;
	struct drbd_work_queue sender_work;
};

static void _drbd_thread_stop(struct drbd_thread *thi, int restart, int wait);

static inline void drbd_thread_stop(struct drbd_thread *thi)
{
	_drbd_thread_stop(thi, false, true);
}

static void drbd_destroy_resource(struct kref *kref)
{
	struct drbd_resource *resource =
		container_of(kref, struct drbd_resource, kref);

	free_cpumask_var(resource->cpu_mask);
	kfree(resource);
}

static void drbd_destroy_connection(struct kref *kref)
{
	struct drbd_connection *connection =
		container_of(kref, struct drbd_connection, kref);

	kref_put(&connection->resource->kref, drbd_destroy_resource);
	kfree(connection);
}

static void drbd_thread_current_set_cpu(struct drbd_thread *thi);
static int drbd_worker(struct drbd_thread *thi);

/* ---- drivers/block/drbd/drbd_main.c ---- */
static int drbd_thread_setup(void *arg)
{
	struct drbd_thread *thi = (struct drbd_thread *) arg;
	struct drbd_resource *resource = thi->resource;
	unsigned long flags;
	int retval;

	snprintf(current->comm, sizeof(current->comm), "drbd_%c_%s",
		 thi->name[0],
		 resource->name);

	allow_kernel_signal(DRBD_SIGKILL);
	allow_kernel_signal(SIGXCPU);
restart:
	retval = thi->function(thi);

	spin_lock_irqsave(&thi->t_lock, flags);

	/* if the receiver has been "EXITING", the last thing it did
	 * was set the conn state to "StandAlone",
	 * if now a re-connect request comes in, conn state goes C_UNCONNECTED,
	 * and receiver thread will be "started".
	 * drbd_thread_start needs to set "RESTARTING" in that case.
	 * t_state check and assignment needs to be within the same spinlock,
	 * so either thread_start sees EXITING, and can remap to RESTARTING,
	 * or thread_start see NONE, and can proceed as normal.
	 */

	if (thi->t_state == RESTARTING) {
		drbd_info(resource, "Restarting %s thread\n", thi->name);
		thi->t_state = RUNNING;
		spin_unlock_irqrestore(&thi->t_lock, flags);
		goto restart;
	}

	thi->task = NULL;
	thi->t_state = NONE;
	smp_mb();
	complete_all(&thi->stop);
	spin_unlock_irqrestore(&thi->t_lock, flags);

	drbd_info(resource, "Terminating %s\n", current->comm);

	/* Release mod reference taken when thread was started */

	if (thi->connection)
		kref_put(&thi->connection->kref, drbd_destroy_connection);
	kref_put(&resource->kref, drbd_destroy_resource);
	module_put(THIS_MODULE);
	return retval;
}

static void drbd_thread_init(struct drbd_resource *resource, struct drbd_thread *thi,
			     int (*func) (struct drbd_thread *), const char *name)
{
	spin_lock_init(&thi->t_lock);
	thi->task    = NULL;
	thi->t_state = NONE;
	thi->function = func;
	thi->resource = resource;
	thi->connection = NULL;
	thi->name = name;
}

static int drbd_thread_start(struct drbd_thread *thi)
{
	struct drbd_resource *resource = thi->resource;
	struct task_struct *nt;
	unsigned long flags;

	/* is used from state engine doing drbd_thread_stop_nowait,
	 * while holding the req lock irqsave */
	spin_lock_irqsave(&thi->t_lock, flags);

	switch (thi->t_state) {
	case NONE:
		drbd_info(resource, "Starting %s thread (from %s [%d])\n",
			 thi->name, current->comm, current->pid);

		/* Get ref on module for thread - this is released when thread exits */
		if (!try_module_get(THIS_MODULE)) {
			drbd_err(resource, "Failed to get module reference in drbd_thread_start\n");
			spin_unlock_irqrestore(&thi->t_lock, flags);
			return false;
		}

		kref_get(&resource->kref);
		if (thi->connection)
			kref_get(&thi->connection->kref);

		init_completion(&thi->stop);
		thi->reset_cpu_mask = 1;
		thi->t_state = RUNNING;
		spin_unlock_irqrestore(&thi->t_lock, flags);
		flush_signals(current); /* otherw. may get -ERESTARTNOINTR */

		nt = kthread_create(drbd_thread_setup, (void *) thi,
				    "drbd_%c_%s", thi->name[0], thi->resource->name);

		if (IS_ERR(nt)) {
			drbd_err(resource, "Couldn't start thread\n");

			if (thi->connection)
				kref_put(&thi->connection->kref, drbd_destroy_connection);
			kref_put(&resource->kref, drbd_destroy_resource);
			module_put(THIS_MODULE);
			return false;
		}
		spin_lock_irqsave(&thi->t_lock, flags);
		thi->task = nt;
		thi->t_state = RUNNING;
		spin_unlock_irqrestore(&thi->t_lock, flags);
		wake_up_process(nt);
		break;
	case EXITING:
		thi->t_state = RESTARTING;
		drbd_info(resource, "Restarting %s thread (from %s [%d])\n",
				thi->name, current->comm, current->pid);
		fallthrough;
	case RUNNING:
	case RESTARTING:
	default:
		spin_unlock_irqrestore(&thi->t_lock, flags);
		break;
	}

	return true;
}


static void _drbd_thread_stop(struct drbd_thread *thi, int restart, int wait)
{
	unsigned long flags;

	enum drbd_thread_state ns = restart ? RESTARTING : EXITING;

	/* may be called from state engine, holding the req lock irqsave */
	spin_lock_irqsave(&thi->t_lock, flags);

	if (thi->t_state == NONE) {
		spin_unlock_irqrestore(&thi->t_lock, flags);
		if (restart)
			drbd_thread_start(thi);
		return;
	}

	if (thi->t_state != ns) {
		if (thi->task == NULL) {
			spin_unlock_irqrestore(&thi->t_lock, flags);
			return;
		}

		thi->t_state = ns;
		smp_mb();
		init_completion(&thi->stop);
		if (thi->task != current)
			send_sig(DRBD_SIGKILL, thi->task, 1);
	}

	spin_unlock_irqrestore(&thi->t_lock, flags);

	if (wait)
		wait_for_completion(&thi->stop);
}

static void drbd_thread_current_set_cpu(struct drbd_thread *thi)
{
	struct drbd_resource *resource = thi->resource;
	struct task_struct *p = current;

	if (!thi->reset_cpu_mask)
		return;
	thi->reset_cpu_mask = 0;
	set_cpus_allowed_ptr(p, resource->cpu_mask);
}

/* ---- drivers/block/drbd/drbd_worker.c (cut to the thread-state logic) ---- */
static bool dequeue_work_batch(struct drbd_work_queue *queue, struct list_head *work_list)
{
	spin_lock_irq(&queue->q_lock);
	list_splice_tail_init(&queue->q, work_list);
	spin_unlock_irq(&queue->q_lock);
	return !list_empty(work_list);
}

/* (stand-in) the per-device work is cut */
static void do_unqueued_work(struct drbd_connection *connection)
{
}

static void wait_for_work(struct drbd_connection *connection, struct list_head *work_list)
{
	DEFINE_WAIT(wait);

	dequeue_work_batch(&connection->sender_work, work_list);
	if (!list_empty(work_list))
		return;

	for (;;) {
		prepare_to_wait(&connection->sender_work.q_wait, &wait, TASK_INTERRUPTIBLE);
		spin_lock(&connection->sender_work.q_lock);	/* FIXME get rid of this one? */
		if (!list_empty(&connection->sender_work.q))
			list_splice_tail_init(&connection->sender_work.q, work_list);
		spin_unlock(&connection->sender_work.q_lock);	/* FIXME get rid of this one? */
		if (!list_empty(work_list) || signal_pending(current))
			break;

		if (test_bit(DEVICE_WORK_PENDING, &connection->flags))
			break;

		/* drbd_send() may have called flush_signals() */
		if (get_t_state(&connection->worker) != RUNNING)
			break;

		schedule();
		/* may be woken up for other things but new work, too,
		 * e.g. if the current epoch got closed.
		 * In which case we send the barrier above. */
	}
	finish_wait(&connection->sender_work.q_wait, &wait);
}

static int drbd_worker(struct drbd_thread *thi)
{
	struct drbd_connection *connection = thi->connection;
	struct drbd_work *w = NULL;
	LIST_HEAD(work_list);

	while (get_t_state(thi) == RUNNING) {
		drbd_thread_current_set_cpu(thi);

		if (list_empty(&work_list))
			wait_for_work(connection, &work_list);

		if (test_and_clear_bit(DEVICE_WORK_PENDING, &connection->flags))
			do_unqueued_work(connection);

		if (signal_pending(current)) {
			flush_signals(current);
			if (get_t_state(thi) == RUNNING) {
				drbd_warn(connection, "Worker got an unexpected signal\n");
				continue;
			}
			break;
		}

		if (get_t_state(thi) != RUNNING)
			break;

		if (!list_empty(&work_list)) {
			w = list_first_entry(&work_list, struct drbd_work, list);
			list_del_init(&w->list);
			if (w->cb(w, 0) == 0)
				continue;
		}
	}

	do {
		if (test_and_clear_bit(DEVICE_WORK_PENDING, &connection->flags))
			do_unqueued_work(connection);
		if (!list_empty(&work_list)) {
			w = list_first_entry(&work_list, struct drbd_work, list);
			list_del_init(&w->list);
			w->cb(w, 1);
		} else
			dequeue_work_batch(&connection->sender_work, &work_list);
	} while (!list_empty(&work_list) || test_bit(DEVICE_WORK_PENDING, &connection->flags));

	return 0;
}

/* ---- stand-ins for drbd_main.c conn_create() and the drbd_nl.c handlers ---- */
static struct drbd_connection *the_connection;

static struct drbd_connection *conn_create(const char *name)
{
	struct drbd_resource *resource;
	struct drbd_connection *connection;

	resource = kzalloc(sizeof(*resource), GFP_KERNEL);
	if (!resource)
		return NULL;
	resource->name = kstrdup(name, GFP_KERNEL);
	if (!resource->name || !zalloc_cpumask_var(&resource->cpu_mask, GFP_KERNEL)) {
		kfree(resource->name);
		kfree(resource);
		return NULL;
	}
	kref_init(&resource->kref);
	cpumask_setall(resource->cpu_mask);

	connection = kzalloc(sizeof(*connection), GFP_KERNEL);
	if (!connection) {
		kref_put(&resource->kref, drbd_destroy_resource);
		return NULL;
	}
	kref_init(&connection->kref);
	INIT_LIST_HEAD(&connection->sender_work.q);
	spin_lock_init(&connection->sender_work.q_lock);
	init_waitqueue_head(&connection->sender_work.q_wait);
	connection->resource = resource;
	kref_get(&resource->kref);

	drbd_thread_init(resource, &connection->worker, drbd_worker, "worker");
	connection->worker.connection = connection;
	kref_put(&resource->kref, drbd_destroy_resource);
	return connection;
}

/* Starts the worker thread */
static void conn_reconfig_start(struct drbd_connection *connection)
{
	drbd_thread_start(&connection->worker);
}

static void drbd_adm_del_resource(struct drbd_connection *connection)
{
	/* Make sure all threads have actually stopped: state handling only
	 * does drbd_thread_stop_nowait(). */
	drbd_thread_stop(&connection->worker);
	kref_put(&connection->kref, drbd_destroy_connection);
}

static DEFINE_MUTEX(drbd_adm_mutex);

static int drbd_up_set(const char *val, const struct kernel_param *kp)
{
	bool up;
	int err = kstrtobool(val, &up);

	if (err)
		return err;
	mutex_lock(&drbd_adm_mutex);
	if (up && !the_connection) {
		the_connection = conn_create("r0");
		if (the_connection)
			conn_reconfig_start(the_connection);
		else
			err = -ENOMEM;
	} else if (!up && the_connection) {
		drbd_adm_del_resource(the_connection);
		the_connection = NULL;
	}
	mutex_unlock(&drbd_adm_mutex);
	return err;
}

static const struct kernel_param_ops drbd_up_ops = {
	.set = drbd_up_set,
};
module_param_cb(up, &drbd_up_ops, NULL, 0200);

static void __exit drbd_cleanup(void)
{
	/* the worker holds a module reference while it runs */
	if (the_connection)
		kref_put(&the_connection->kref, drbd_destroy_connection);
}

static int __init drbd_init(void)
{
	return 0;
}

module_init(drbd_init)
module_exit(drbd_cleanup)
MODULE_LICENSE("GPL");
