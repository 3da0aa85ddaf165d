// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: correct
 * subject: xfs: xfsaild, the AIL pusher, started per mount and stopped at unmount
 * source: linux-6.1 fs/xfs/xfs_trans_ail.c
 * file: fs/xfs/xfs_trans_ail.c
 * date: 2022-12-11
 * class: lost-wakeup, should-stop, stop-ordering, busy-loop, is-err, exit-before-stop
 * bug: none
 *      xfsaild sets its state (interruptible, or killable for short timeouts) before it tests
 *      kthread_should_stop(), so the stop's wake-up is never lost; the untimed schedule() is
 *      reached only after that test; it leaves its loop only on the stop; kthread_run() is
 *      tested with IS_ERR(); xfs_trans_ail_destroy() stops it with no lock held.
 * expect: none
 */
/*
 * Kernel code from linux-6.1 fs/xfs/xfs_trans_ail.c: xfs_ail_max(), xfs_ail_max_lsn(), xfsaild(),
 * xfs_ail_push(), xfs_ail_push_all(), xfs_ail_push_all_sync(), xfs_trans_ail_init(),
 * xfs_trans_ail_destroy(); from fs/xfs/xfs_trans_priv.h struct xfs_ail, xfs_ail_min(),
 * xfs_trans_ail_copy_lsn() (64-bit); from xfs_log.h _lsn_cmp(); xfs_log_priv.h
 * xlog_is_shutdown(). Private structs (xfs_mount, xlog, xfs_log_item) re-declared with the
 * fields used. Stand-ins: xfsaild_push() (pushes the items, returns the next timeout in ms),
 * xfs_buf_delwri_cancel(), kmem_zalloc()/kmem_free(), ASSERT().
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/freezer.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

typedef int64_t xfs_lsn_t;

#define ASSERT(expr)	((void)0)
#define KM_MAYFAIL	0
#define XLOG_IO_ERROR	2

#define CYCLE_LSN(lsn) ((uint)((lsn)>>32))
#define BLOCK_LSN(lsn) ((uint)(lsn))

struct xfs_mount;

struct xlog {
	struct xfs_mount	*l_mp;
	unsigned long		l_opstate;
};

typedef struct xfs_mount {
	struct super_block	*m_super;
	struct xfs_ail		*m_ail;
	struct xlog		*m_log;
} xfs_mount_t;

struct xfs_log_item {
	struct list_head	li_ail;
	xfs_lsn_t		li_lsn;
};

/* fs/xfs/xfs_trans_priv.h */
struct xfs_ail {
	struct xlog		*ail_log;
	struct task_struct	*ail_task;
	struct list_head	ail_head;
	xfs_lsn_t		ail_target;
	xfs_lsn_t		ail_target_prev;
	struct list_head	ail_cursors;
	spinlock_t		ail_lock;
	xfs_lsn_t		ail_last_pushed_lsn;
	int			ail_log_flush;
	struct list_head	ail_buf_list;
	wait_queue_head_t	ail_empty;
};

void	xfs_ail_push(struct xfs_ail *, xfs_lsn_t);
void	xfs_ail_push_all(struct xfs_ail *);
void	xfs_ail_push_all_sync(struct xfs_ail *);
int	xfs_trans_ail_init(struct xfs_mount *);
void	xfs_trans_ail_destroy(struct xfs_mount *);

static inline struct xfs_log_item *
xfs_ail_min(
	struct xfs_ail  *ailp)
{
	return list_first_entry_or_null(&ailp->ail_head, struct xfs_log_item,
					li_ail);
}

static inline void
xfs_trans_ail_copy_lsn(
	struct xfs_ail	*ailp,
	xfs_lsn_t	*dst,
	xfs_lsn_t	*src)
{
	ASSERT(sizeof(xfs_lsn_t) == 8);
	*dst = *src;
}

/* fs/xfs/xfs_log.h */
static inline xfs_lsn_t	_lsn_cmp(xfs_lsn_t lsn1, xfs_lsn_t lsn2)
{
	if (CYCLE_LSN(lsn1) != CYCLE_LSN(lsn2))
		return (CYCLE_LSN(lsn1)<CYCLE_LSN(lsn2))? -999 : 999;

	if (BLOCK_LSN(lsn1) != BLOCK_LSN(lsn2))
		return (BLOCK_LSN(lsn1)<BLOCK_LSN(lsn2))? -999 : 999;

	return 0;
}

#define	XFS_LSN_CMP(x,y) _lsn_cmp(x,y)

/* fs/xfs/xfs_log_priv.h */
static inline bool
xlog_is_shutdown(struct xlog *log)
{
	return test_bit(XLOG_IO_ERROR, &log->l_opstate);
}

/* ---- stand-ins ---- */

/* fs/xfs/kmem.h */
static inline void *kmem_zalloc(size_t size, int flags)
{
	return kzalloc(size, GFP_KERNEL);
}

static inline void kmem_free(const void *ptr)
{
	kvfree(ptr);
}

/* fs/xfs/xfs_buf.c: releases the buffers left on a delwri queue */
static void
xfs_buf_delwri_cancel(
	struct list_head	*list)
{
	INIT_LIST_HEAD(list);
}

/*
 * fs/xfs/xfs_trans_ail.c: pushes the AIL items below the target, returns how long to wait
 * (ms) before the next push: 50 when the target is reached, else 10.
 */
static long
xfsaild_push(
	struct xfs_ail		*ailp)
{
	long			tout;

	spin_lock(&ailp->ail_lock);
	if (!xfs_ail_min(ailp) ||
	    XFS_LSN_CMP(xfs_ail_min(ailp)->li_lsn, ailp->ail_target) > 0) {
		ailp->ail_target_prev = ailp->ail_target;
		tout = 50;
		ailp->ail_last_pushed_lsn = 0;
	} else {
		tout = 10;
	}
	spin_unlock(&ailp->ail_lock);

	return tout;
}

/* ---- fs/xfs/xfs_trans_ail.c ---- */

/*
 * Return a pointer to the last item in the AIL.  If the AIL is empty, then
 * return NULL.
 */
static struct xfs_log_item *
xfs_ail_max(
	struct xfs_ail  *ailp)
{
	if (list_empty(&ailp->ail_head))
		return NULL;

	return list_entry(ailp->ail_head.prev, struct xfs_log_item, li_ail);
}

/*
 * Return the maximum lsn held in the AIL, or zero if the AIL is empty.
 */
static xfs_lsn_t
xfs_ail_max_lsn(
	struct xfs_ail		*ailp)
{
	xfs_lsn_t       	lsn = 0;
	struct xfs_log_item	*lip;

	spin_lock(&ailp->ail_lock);
	lip = xfs_ail_max(ailp);
	if (lip)
		lsn = lip->li_lsn;
	spin_unlock(&ailp->ail_lock);

	return lsn;
}

static int
xfsaild(
	void		*data)
{
	struct xfs_ail	*ailp = data;
	long		tout = 0;	/* milliseconds */
	unsigned int	noreclaim_flag;

	noreclaim_flag = memalloc_noreclaim_save();
	set_freezable();

	while (1) {
		if (tout && tout <= 20)
			set_current_state(TASK_KILLABLE|TASK_FREEZABLE);
		else
			set_current_state(TASK_INTERRUPTIBLE|TASK_FREEZABLE);

		/*
		 * Check kthread_should_stop() after we set the task state to
		 * guarantee that we either see the stop bit and exit or the
		 * task state is reset to runnable such that it's not scheduled
		 * out indefinitely and detects the stop bit at next iteration.
		 * A memory barrier is included in above task state set to
		 * serialize again kthread_stop().
		 */
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);

			/*
			 * The caller forces out the AIL before stopping the
			 * thread in the common case, which means the delwri
			 * queue is drained. In the shutdown case, the queue may
			 * still hold relogged buffers that haven't been
			 * submitted because they were pinned since added to the
			 * queue.
			 *
			 * Log I/O error processing stales the underlying buffer
			 * and clears the delwri state, expecting the buf to be
			 * removed on the next submission attempt. That won't
			 * happen if we're shutting down, so this is the last
			 * opportunity to release such buffers from the queue.
			 */
			ASSERT(list_empty(&ailp->ail_buf_list) ||
			       xlog_is_shutdown(ailp->ail_log));
			xfs_buf_delwri_cancel(&ailp->ail_buf_list);
			break;
		}

		spin_lock(&ailp->ail_lock);

		/*
		 * Idle if the AIL is empty and we are not racing with a target
		 * update. We check the AIL after we set the task to a sleep
		 * state to guarantee that we either catch an ail_target update
		 * or that a wake_up resets the state to TASK_RUNNING.
		 * Otherwise, we run the risk of sleeping indefinitely.
		 *
		 * The barrier matches the ail_target update in xfs_ail_push().
		 */
		smp_rmb();
		if (!xfs_ail_min(ailp) &&
		    ailp->ail_target == ailp->ail_target_prev &&
		    list_empty(&ailp->ail_buf_list)) {
			spin_unlock(&ailp->ail_lock);
			schedule();
			tout = 0;
			continue;
		}
		spin_unlock(&ailp->ail_lock);

		if (tout)
			schedule_timeout(msecs_to_jiffies(tout));

		__set_current_state(TASK_RUNNING);

		try_to_freeze();

		tout = xfsaild_push(ailp);
	}

	memalloc_noreclaim_restore(noreclaim_flag);
	return 0;
}

/*
 * This routine is called to move the tail of the AIL forward.  It does this by
 * trying to flush items in the AIL whose lsns are below the given
 * threshold_lsn.
 *
 * The push is run asynchronously in a workqueue, which means the caller needs
 * to handle waiting on the async flush for space to become available.
 * We don't want to interrupt any push that is in progress, hence we only queue
 * work if we set the pushing bit appropriately.
 *
 * We do this unlocked - we only need to know whether there is anything in the
 * AIL at the time we are called. We don't need to access the contents of
 * any of the objects, so the lock is not needed.
 */
void
xfs_ail_push(
	struct xfs_ail		*ailp,
	xfs_lsn_t		threshold_lsn)
{
	struct xfs_log_item	*lip;

	lip = xfs_ail_min(ailp);
	if (!lip || xlog_is_shutdown(ailp->ail_log) ||
	    XFS_LSN_CMP(threshold_lsn, ailp->ail_target) <= 0)
		return;

	/*
	 * Ensure that the new target is noticed in push code before it clears
	 * the XFS_AIL_PUSHING_BIT.
	 */
	smp_wmb();
	xfs_trans_ail_copy_lsn(ailp, &ailp->ail_target, &threshold_lsn);
	smp_wmb();

	wake_up_process(ailp->ail_task);
}

/*
 * Push out all items in the AIL immediately
 */
void
xfs_ail_push_all(
	struct xfs_ail  *ailp)
{
	xfs_lsn_t       threshold_lsn = xfs_ail_max_lsn(ailp);

	if (threshold_lsn)
		xfs_ail_push(ailp, threshold_lsn);
}

/*
 * Push out all items in the AIL immediately and wait until the AIL is empty.
 */
void
xfs_ail_push_all_sync(
	struct xfs_ail  *ailp)
{
	DEFINE_WAIT(wait);

	spin_lock(&ailp->ail_lock);
	while (xfs_ail_max(ailp) != NULL) {
		prepare_to_wait(&ailp->ail_empty, &wait, TASK_UNINTERRUPTIBLE);
		wake_up_process(ailp->ail_task);
		spin_unlock(&ailp->ail_lock);
		schedule();
		spin_lock(&ailp->ail_lock);
	}
	spin_unlock(&ailp->ail_lock);

	finish_wait(&ailp->ail_empty, &wait);
}

int
xfs_trans_ail_init(
	xfs_mount_t	*mp)
{
	struct xfs_ail	*ailp;

	ailp = kmem_zalloc(sizeof(struct xfs_ail), KM_MAYFAIL);
	if (!ailp)
		return -ENOMEM;

	ailp->ail_log = mp->m_log;
	INIT_LIST_HEAD(&ailp->ail_head);
	INIT_LIST_HEAD(&ailp->ail_cursors);
	spin_lock_init(&ailp->ail_lock);
	INIT_LIST_HEAD(&ailp->ail_buf_list);
	init_waitqueue_head(&ailp->ail_empty);

	ailp->ail_task = kthread_run(xfsaild, ailp, "xfsaild/%s",
				mp->m_super->s_id);
	if (IS_ERR(ailp->ail_task))
		goto out_free_ailp;

	mp->m_ail = ailp;
	return 0;

out_free_ailp:
	kmem_free(ailp);
	return -ENOMEM;
}

void
xfs_trans_ail_destroy(
	xfs_mount_t	*mp)
{
	struct xfs_ail	*ailp = mp->m_ail;

	kthread_stop(ailp->ail_task);
	kmem_free(ailp);
}

MODULE_LICENSE("GPL");
