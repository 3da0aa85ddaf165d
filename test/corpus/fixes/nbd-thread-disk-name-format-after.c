// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: block: do not pass disk names as format strings
 * source: commit ffc8b30866879ed9ba62bd0a86fecdbd51cd3d19 ("block: do not pass disk names as format strings")
 * file: drivers/block/nbd.c
 * date: 2013-06
 * class: name
 * bug: none: nbd_thread is named with kthread_create(nbd_thread, nbd, "%s",
 *      nbd->disk->disk_name), so a '%' in the disk name is printed, not
 *      read as a conversion. (Code as in Linux 3.6's drivers/block/nbd.c
 *      with the fix applied; the commit's date was not seen: Fedora carried
 *      the patch on 2013-06-07.)
 * expect: none
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/major.h>
#include <linux/sched.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/err.h>
#include <linux/kthread.h>

/* include/linux/nbd.h (cut to the fields the thread and the ioctl use) */
#define NBD_DO_IT	_IO(0xab, 3)

struct nbd_device {
	int flags;
	int harderror;		/* Code of hard error			*/
	struct socket * sock;
	struct file * file; 	/* If == NULL, device is not ready, yet	*/
	int magic;

	spinlock_t queue_lock;
	struct list_head queue_head;	/* Requests waiting result */
	struct request *active_req;
	wait_queue_head_t active_wq;
	struct list_head waiting_queue;	/* Requests to be sent */
	wait_queue_head_t waiting_wq;

	struct mutex tx_lock;
	struct gendisk *disk;
	int blksize;
	u64 bytesize;
	pid_t pid; /* pid of nbd-client, if attached */
	int xmit_timeout;
};

#define NBD_MAGIC 0x68797548

static unsigned int nbds_max = 16;
static struct nbd_device *nbd_dev;

/* stand-in: ends a request (blk-layer completion in the driver) */
static void nbd_end_request(struct request *req)
{
}

/* stand-in: the socket shutdown of the driver */
static void sock_shutdown(struct nbd_device *nbd, int lock)
{
	if (lock)
		mutex_lock(&nbd->tx_lock);
	nbd->sock = NULL;
	if (lock)
		mutex_unlock(&nbd->tx_lock);
}

/* stand-in: reads one reply from the server; NULL when the socket dies */
static struct request *nbd_read_stat(struct nbd_device *nbd)
{
	return NULL;
}

static int nbd_do_it(struct nbd_device *nbd)
{
	struct request *req;

	BUG_ON(nbd->magic != NBD_MAGIC);

	nbd->pid = task_pid_nr(current);

	while ((req = nbd_read_stat(nbd)) != NULL)
		nbd_end_request(req);

	nbd->pid = 0;
	return 0;
}

static void nbd_clear_que(struct nbd_device *nbd)
{
	struct request *req;

	BUG_ON(nbd->magic != NBD_MAGIC);

	while (!list_empty(&nbd->queue_head)) {
		req = list_entry(nbd->queue_head.next, struct request,
				 queuelist);
		list_del_init(&req->queuelist);
		nbd_end_request(req);
	}

	while (!list_empty(&nbd->waiting_queue)) {
		req = list_entry(nbd->waiting_queue.next, struct request,
				 queuelist);
		list_del_init(&req->queuelist);
		nbd_end_request(req);
	}
}

/* stand-in: sends one request to the server */
static void nbd_handle_req(struct nbd_device *nbd, struct request *req)
{
	mutex_lock(&nbd->tx_lock);
	nbd->active_req = req;
	spin_lock(&nbd->queue_lock);
	list_add_tail(&req->queuelist, &nbd->queue_head);
	spin_unlock(&nbd->queue_lock);
	nbd->active_req = NULL;
	mutex_unlock(&nbd->tx_lock);
	wake_up_all(&nbd->active_wq);
}

static int nbd_thread(void *data)
{
	struct nbd_device *nbd = data;
	struct request *req;

	set_user_nice(current, -20);
	while (!kthread_should_stop() || !list_empty(&nbd->waiting_queue)) {
		/* wait for something to do */
		wait_event_interruptible(nbd->waiting_wq,
					 kthread_should_stop() ||
					 !list_empty(&nbd->waiting_queue));

		/* extract request */
		if (list_empty(&nbd->waiting_queue))
			continue;

		spin_lock_irq(&nbd->queue_lock);
		req = list_entry(nbd->waiting_queue.next, struct request,
				 queuelist);
		list_del_init(&req->queuelist);
		spin_unlock_irq(&nbd->queue_lock);

		/* handle request */
		nbd_handle_req(nbd, req);
	}
	return 0;
}

/*
 * stand-in for do_nbd_request(), the request_fn of the old block layer:
 * queues a request for nbd_thread and wakes it.
 */
static void __maybe_unused do_nbd_request(struct nbd_device *nbd,
					  struct request *req)
{
	spin_lock_irq(&nbd->queue_lock);
	list_add_tail(&req->queuelist, &nbd->waiting_queue);
	spin_unlock_irq(&nbd->queue_lock);

	wake_up(&nbd->waiting_wq);
}

/* Must be called with tx_lock held */

static int __nbd_ioctl(struct block_device *bdev, struct nbd_device *nbd,
		       unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case NBD_DO_IT: {
		struct task_struct *thread;
		struct file *file;
		int error;

		if (nbd->pid)
			return -EBUSY;
		if (!nbd->file)
			return -EINVAL;

		mutex_unlock(&nbd->tx_lock);

		thread = kthread_create(nbd_thread, nbd, "%s",
					nbd->disk->disk_name);
		if (IS_ERR(thread)) {
			mutex_lock(&nbd->tx_lock);
			return PTR_ERR(thread);
		}
		wake_up_process(thread);
		error = nbd_do_it(nbd);
		kthread_stop(thread);

		mutex_lock(&nbd->tx_lock);
		if (error)
			return error;
		sock_shutdown(nbd, 0);
		file = nbd->file;
		nbd->file = NULL;
		nbd_clear_que(nbd);
		dev_warn(disk_to_dev(nbd->disk), "queue cleared\n");
		if (file)
			fput(file);
		nbd->bytesize = 0;
		set_capacity(nbd->disk, 0);
		return nbd->harderror;
	}
	}
	return -ENOTTY;
}

static int nbd_ioctl(struct block_device *bdev, fmode_t mode,
		     unsigned int cmd, unsigned long arg)
{
	struct nbd_device *nbd = bdev->bd_disk->private_data;
	int error;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	BUG_ON(nbd->magic != NBD_MAGIC);

	mutex_lock(&nbd->tx_lock);
	error = __nbd_ioctl(bdev, nbd, cmd, arg);
	mutex_unlock(&nbd->tx_lock);

	return error;
}

static const struct block_device_operations nbd_fops =
{
	.owner =	THIS_MODULE,
	.ioctl =	nbd_ioctl,
};

static int __init nbd_init(void)
{
	int err = -ENOMEM;
	int i;

	nbd_dev = kcalloc(nbds_max, sizeof(*nbd_dev), GFP_KERNEL);
	if (!nbd_dev)
		return -ENOMEM;

	for (i = 0; i < nbds_max; i++) {
		struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);
		if (!disk)
			goto out;
		nbd_dev[i].disk = disk;
	}

	if (register_blkdev(NBD_MAJOR, "nbd")) {
		err = -EIO;
		goto out;
	}

	for (i = 0; i < nbds_max; i++) {
		struct gendisk *disk = nbd_dev[i].disk;
		nbd_dev[i].file = NULL;
		nbd_dev[i].magic = NBD_MAGIC;
		nbd_dev[i].flags = 0;
		INIT_LIST_HEAD(&nbd_dev[i].waiting_queue);
		spin_lock_init(&nbd_dev[i].queue_lock);
		INIT_LIST_HEAD(&nbd_dev[i].queue_head);
		mutex_init(&nbd_dev[i].tx_lock);
		init_waitqueue_head(&nbd_dev[i].active_wq);
		init_waitqueue_head(&nbd_dev[i].waiting_wq);
		nbd_dev[i].blksize = 1024;
		nbd_dev[i].bytesize = 0;
		disk->major = NBD_MAJOR;
		disk->first_minor = i;
		disk->minors = 1;
		disk->fops = &nbd_fops;
		disk->private_data = &nbd_dev[i];
		sprintf(disk->disk_name, "nbd%d", i);
		set_capacity(disk, 0);
		if (add_disk(disk))
			pr_err("nbd: add_disk nbd%d failed\n", i);
	}

	return 0;
out:
	while (i--)
		put_disk(nbd_dev[i].disk);
	kfree(nbd_dev);
	return err;
}

static void __exit nbd_cleanup(void)
{
	int i;
	for (i = 0; i < nbds_max; i++) {
		struct gendisk *disk = nbd_dev[i].disk;
		nbd_dev[i].magic = 0;
		if (disk) {
			del_gendisk(disk);
			put_disk(disk);
		}
	}
	unregister_blkdev(NBD_MAJOR, "nbd");
	kfree(nbd_dev);
}

module_init(nbd_init);
module_exit(nbd_cleanup);

MODULE_DESCRIPTION("Network Block Device");
MODULE_LICENSE("GPL");
