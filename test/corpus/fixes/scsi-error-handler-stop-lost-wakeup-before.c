// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: scsi: fix scsi_error_handler vs. scsi_host_dev_release race
 * source: subject "scsi: fix scsi_error_handler vs. scsi_host_dev_release race" (Michal Hocko), commit id not seen; listed in the Oracle UEK 4.1.10-21.el7uek changelog (2015-10-30) and SUSE kernel advisories (bnc#942204)
 * file: drivers/scsi/scsi_error.c
 * date: 2015-10
 * class: lost-wakeup
 * bug: scsi_error_handler() tests kthread_should_stop() in its while
 *      condition while still TASK_RUNNING and only then sets
 *      TASK_INTERRUPTIBLE; with no failed commands it calls schedule().
 *      scsi_host_dev_release() calls kthread_stop() when the host goes
 *      away: a stop between the test and set_current_state() wakes a running
 *      task, the thread sleeps, and the release hangs in kthread_stop()
 *      (interruptible sleep: a hang on the kernels the fix went into, before
 *      v6.1). The host_failed/host_busy test that scsi_eh_wakeup() wakes for
 *      comes after the state change, so that wake-up is not lost. (After-side
 *      as in a 4.x drivers/scsi/scsi_error.c; the before-side is that loop
 *      with the stop test back in the while condition, as older trees have
 *      it.)
 * expect: kthread-lost-wakeup@scsi_error_handler
 * kernel: 4.1
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/idr.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>

/* drivers/scsi/scsi_logging.h (stand-in) */
static unsigned int scsi_logging_level;
#define SCSI_LOG_ERROR_RECOVERY(LEVEL, CMD)			\
	do {							\
		if (scsi_logging_level >= (LEVEL))		\
			CMD;					\
	} while (0)

#define shost_printk(prefix, shost, fmt, a...)			\
	printk(prefix "scsi host%d: " fmt, (shost)->host_no, ##a)

/* include/scsi/scsi_host.h (cut to what the error handler uses) */
enum scsi_host_state {
	SHOST_CREATED = 1,
	SHOST_RUNNING,
	SHOST_CANCEL,
	SHOST_DEL,
	SHOST_RECOVERY,
	SHOST_CANCEL_RECOVERY,
	SHOST_DEL_RECOVERY,
};

struct Scsi_Host;

struct scsi_transport_template {
	void (*eh_strategy_handler)(struct Scsi_Host *);
};

struct Scsi_Host {
	struct list_head	eh_cmd_q;
	struct task_struct    * ehandler;  /* Error recovery thread. */
	spinlock_t		default_lock;
	spinlock_t		*host_lock;
	atomic_t host_busy;		   /* commands actually active on low-level */
	unsigned int host_failed;	   /* commands that failed.
					      protected by host_lock */
	unsigned int host_eh_scheduled;    /* EH scheduled without command */
	unsigned int host_no;  /* Used for IOCTL_GET_IDLUN, /proc/scsi et al. */
	unsigned eh_noresume:1;
	struct scsi_transport_template *transportt;
	struct workqueue_struct *tmf_work_q;
	enum scsi_host_state shost_state;
};

static DEFINE_IDA(host_index_ida);

/* stand-in: the host state machine of drivers/scsi/hosts.c */
static int scsi_host_set_state(struct Scsi_Host *shost,
			       enum scsi_host_state state)
{
	if (shost->shost_state != SHOST_RUNNING &&
	    shost->shost_state != SHOST_CANCEL)
		return -EINVAL;
	shost->shost_state = state;
	return 0;
}

/* stand-ins for the recovery work of drivers/scsi/scsi_error.c */
static void scsi_unjam_host(struct Scsi_Host *shost)
{
	unsigned long flags;

	spin_lock_irqsave(shost->host_lock, flags);
	shost->host_failed = 0;
	spin_unlock_irqrestore(shost->host_lock, flags);
}

static void scsi_restart_operations(struct Scsi_Host *shost)
{
	unsigned long flags;

	spin_lock_irqsave(shost->host_lock, flags);
	shost->host_eh_scheduled = 0;
	if (scsi_host_set_state(shost, SHOST_RUNNING))
		shost->shost_state = SHOST_RUNNING;
	spin_unlock_irqrestore(shost->host_lock, flags);
}

static int scsi_autopm_get_host(struct Scsi_Host *shost)
{
	return 0;
}

static void scsi_autopm_put_host(struct Scsi_Host *shost)
{
}

/* drivers/scsi/scsi_error.c */

/* called with shost->host_lock held */
static void scsi_eh_wakeup(struct Scsi_Host *shost)
{
	if (atomic_read(&shost->host_busy) == shost->host_failed) {
		wake_up_process(shost->ehandler);
		SCSI_LOG_ERROR_RECOVERY(5, shost_printk(KERN_INFO, shost,
			"Waking error handler thread\n"));
	}
}

/**
 * scsi_schedule_eh - schedule EH for SCSI host
 * @shost:	SCSI host to invoke error handling on.
 *
 * Schedule SCSI EH without scmd.
 */
static void scsi_schedule_eh(struct Scsi_Host *shost)
{
	unsigned long flags;

	spin_lock_irqsave(shost->host_lock, flags);

	if (scsi_host_set_state(shost, SHOST_RECOVERY) == 0 ||
	    scsi_host_set_state(shost, SHOST_CANCEL_RECOVERY) == 0) {
		shost->host_eh_scheduled++;
		scsi_eh_wakeup(shost);
	}

	spin_unlock_irqrestore(shost->host_lock, flags);
}

/**
 * scsi_error_handler - SCSI error handler thread
 * @data:	Host for which we are running.
 *
 * Notes:
 *    This is the main error handling loop.  This is run as a kernel thread
 *    for every SCSI host and handles all error handling activity.
 */
static int scsi_error_handler(void *data)
{
	struct Scsi_Host *shost = data;

	/*
	 * We use TASK_INTERRUPTIBLE so that the thread is not
	 * counted against the load average as a running process.
	 * We never actually get interrupted because kthread_run
	 * disables signal delivery for the created thread.
	 */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if ((shost->host_failed == 0 && shost->host_eh_scheduled == 0) ||
		    shost->host_failed != atomic_read(&shost->host_busy)) {
			SCSI_LOG_ERROR_RECOVERY(1,
				shost_printk(KERN_INFO, shost,
					     "scsi_eh_%d: sleeping\n",
					     shost->host_no));
			schedule();
			continue;
		}

		__set_current_state(TASK_RUNNING);
		SCSI_LOG_ERROR_RECOVERY(1,
			shost_printk(KERN_INFO, shost,
				     "scsi_eh_%d: waking up %d/%d/%d\n",
				     shost->host_no, shost->host_eh_scheduled,
				     shost->host_failed,
				     atomic_read(&shost->host_busy)));

		/*
		 * We have a host that is failing for some reason.  Figure out
		 * what we need to do to get it up and online again (if we can).
		 * If we fail, we end up taking the thing offline.
		 */
		if (!shost->eh_noresume && scsi_autopm_get_host(shost) != 0) {
			SCSI_LOG_ERROR_RECOVERY(1,
				shost_printk(KERN_ERR, shost,
					     "scsi_eh_%d: unable to autoresume\n",
					     shost->host_no));
			continue;
		}

		if (shost->transportt->eh_strategy_handler)
			shost->transportt->eh_strategy_handler(shost);
		else
			scsi_unjam_host(shost);

		/*
		 * Note - if the above fails completely, the action is to take
		 * individual devices offline and flush the queue of any
		 * outstanding requests that may have been pending.  When we
		 * restart, we restart any I/O to any other devices on the bus
		 * which are still online.
		 */
		scsi_restart_operations(shost);
		if (!shost->eh_noresume)
			scsi_autopm_put_host(shost);
	}
	__set_current_state(TASK_RUNNING);

	SCSI_LOG_ERROR_RECOVERY(1,
		shost_printk(KERN_INFO, shost,
			     "Error handler scsi_eh_%d exiting\n",
			     shost->host_no));
	shost->ehandler = NULL;
	return 0;
}

/* drivers/scsi/hosts.c */
static void scsi_host_dev_release(struct Scsi_Host *shost)
{
	if (shost->tmf_work_q)
		destroy_workqueue(shost->tmf_work_q);
	if (shost->ehandler)
		kthread_stop(shost->ehandler);

	ida_simple_remove(&host_index_ida, shost->host_no);

	kfree(shost);
}

static struct Scsi_Host *scsi_host_alloc(struct scsi_transport_template *t)
{
	struct Scsi_Host *shost;
	int index;

	shost = kzalloc(sizeof(struct Scsi_Host), GFP_KERNEL);
	if (!shost)
		return NULL;

	shost->host_lock = &shost->default_lock;
	spin_lock_init(shost->host_lock);
	shost->shost_state = SHOST_CREATED;
	INIT_LIST_HEAD(&shost->eh_cmd_q);
	shost->transportt = t;

	index = ida_simple_get(&host_index_ida, 0, 0, GFP_KERNEL);
	if (index < 0)
		goto fail_kfree;
	shost->host_no = index;

	shost->ehandler = kthread_run(scsi_error_handler, shost,
			"scsi_eh_%d", shost->host_no);
	if (IS_ERR(shost->ehandler)) {
		shost_printk(KERN_WARNING, shost,
			"error handler thread failed to spawn, error = %ld\n",
			PTR_ERR(shost->ehandler));
		goto fail_index_remove;
	}

	shost->tmf_work_q = alloc_workqueue("scsi_tmf_%d",
					    WQ_UNBOUND | WQ_MEM_RECLAIM,
					   1, shost->host_no);
	if (!shost->tmf_work_q) {
		shost_printk(KERN_WARNING, shost,
			     "failed to create tmf workq\n");
		goto fail_kthread;
	}
	return shost;

 fail_kthread:
	kthread_stop(shost->ehandler);
 fail_index_remove:
	ida_simple_remove(&host_index_ida, shost->host_no);
 fail_kfree:
	kfree(shost);
	return NULL;
}

/* a low-level driver (stand-in): one host, an error handling request, removal */
static struct scsi_transport_template demo_transport;
static struct Scsi_Host *demo_host;

static int __init demo_init(void)
{
	demo_host = scsi_host_alloc(&demo_transport);
	if (!demo_host)
		return -ENOMEM;
	demo_host->shost_state = SHOST_RUNNING;
	scsi_schedule_eh(demo_host);
	return 0;
}

static void __exit demo_exit(void)
{
	scsi_host_dev_release(demo_host);
}

module_init(demo_init);
module_exit(demo_exit);

MODULE_LICENSE("GPL");
