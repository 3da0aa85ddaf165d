// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: Support post-3.13 kthread_create() semantics.
 * source: commit 17a527cb0f44cef6582583e502621541061d8817 ("Support post-3.13 kthread_create() semantics.") in github openzfs/spl (zfsonlinux/spl), named by id and subject in openzfs/spl issue #346 (2014-04-09, "The recently merged 17a527cb..."); the pull request appears to be openzfs/spl #340 ("Handle kthread_create() failures properly in taskq_create().", dweeezil, 2014-03-26: "The return value should be checked with IS_ERR() to deal with possible -ENOMEM or other errors."; issue #347 dates the spl_kthread_create() name bug from it). Before-code: module/spl/spl-taskq.c as stored in the code index (a pre-fix SENTRY-era version, index file id 1017571298; its repository and commit were not shown). The commit's diff itself was not seen.
 * file: module/spl/spl-taskq.c (out-of-tree module spl.ko, the Solaris Porting Layer of ZFS on Linux)
 * date: 2014-04-09
 * class: is-err
 * bug: __taskq_create() tests the kthread_create() result of each taskq thread with
 *      if (tqt->tqt_thread): kthread_create() returns ERR_PTR(-ENOMEM), or from 3.13
 *      ERR_PTR(-EINTR) when the caller (zpool import, modprobe) has a fatal signal
 *      pending, never NULL, so a failed creation takes the success branch:
 *      kthread_bind(), set_user_nice() and wake_up_process() get the error pointer
 *      (oops), and the ERR_PTR is put on tq_thread_list where __taskq_destroy()
 *      would kthread_stop() it.
 * expect: kthread-missing-is-err@__taskq_create
 */
/*
 * Stand-ins for the SPL headers (include/sys/taskq.h, sys/kmem.h, sys/types.h,
 * spl-debug.h): the taskq structures with the fields taskq uses, kmem_alloc() /
 * kmem_free() over kmalloc()/kfree(), the SENTRY/SEXIT/SRETURN/SGOTO tracing macros
 * without the debug log, ASSERT() compiled out as in a non-debug build.
 * Not reproduced: __taskq_member(), __taskq_dispatch_ent(), __taskq_empty_ent()
 * (no thread code) and the EXPORT_SYMBOL()s (spl.ko exports them); the module
 * init/exit below stand in for spl-generic.c's spl_init()/spl_fini(), which call
 * spl_taskq_init()/spl_taskq_fini().
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/list.h>
#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/err.h>

typedef unsigned int uint_t;
typedef int pri_t;
typedef unsigned long taskqid_t;
typedef void (task_func_t)(void *);

#define SENTRY			do { } while (0)
#define SEXIT			do { } while (0)
#define SRETURN(rc)		return (rc)
#define SGOTO(label, rc)	do { (void)(rc); goto label; } while (0)
#define ASSERT(x)		((void)sizeof(!(x)))
#define ASSERT3S(x, op, y)	((void)sizeof((x) op (y)))
#define PANIC(fmt, a...)	panic(fmt, ## a)
#ifndef MIN
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)		((a) < (b) ? (b) : (a))
#endif

#define KM_SLEEP		GFP_KERNEL
#define KM_PUSHPAGE		(GFP_NOIO | __GFP_HIGH)
#define kmem_alloc(sz, fl)	kmalloc((sz), (fl))
#define kmem_free(ptr, sz)	kfree(ptr)

#define maxclsyspri		(MAX_RT_PRIO)
#define minclsyspri		(MAX_RT_PRIO + 39)

#define TASKQ_PREPOPULATE	0x00000001
#define TASKQ_CPR_SAFE		0x00000002
#define TASKQ_DYNAMIC		0x00000004
#define TASKQ_THREADS_CPU_PCT	0x00000008
#define TASKQ_DC_BATCH		0x00000010

#define TQ_SLEEP		0x00000000
#define TQ_NOSLEEP		0x00000001
#define TQ_PUSHPAGE		0x00000002
#define TQ_NOQUEUE		0x00000004
#define TQ_NOALLOC		0x00000008
#define TQ_NEW			0x04000000
#define TQ_FRONT		0x08000000
#define TQ_ACTIVE		0x80000000

#define TQENT_FLAG_PREALLOC	0x1

typedef struct taskq {
	spinlock_t		tq_lock;       /* protects taskq_t */
	unsigned long		tq_lock_flags; /* interrupt state */
	const char		*tq_name;      /* taskq name */
	struct list_head	tq_thread_list;/* list of all threads */
	struct list_head	tq_active_list;/* list of active threads */
	int			tq_nactive;    /* # of active threads */
	int			tq_nthreads;   /* # of total threads */
	int			tq_pri;        /* priority */
	int			tq_minalloc;   /* min task_t pool size */
	int			tq_maxalloc;   /* max task_t pool size */
	int			tq_nalloc;     /* cur task_t pool size */
	uint_t			tq_flags;      /* flags */
	taskqid_t		tq_next_id;    /* next pend/work id */
	taskqid_t		tq_lowest_id;  /* lowest pend/work id */
	struct list_head	tq_free_list;  /* free task_t's */
	struct list_head	tq_pend_list;  /* pending task_t's */
	struct list_head	tq_prio_list;  /* priority pending task_t's */
	wait_queue_head_t	tq_work_waitq; /* new work waitq */
	wait_queue_head_t	tq_wait_waitq; /* wait waitq */
} taskq_t;

typedef struct taskq_ent {
	spinlock_t		tqent_lock;
	struct list_head	tqent_list;
	taskqid_t		tqent_id;
	task_func_t		*tqent_func;
	void			*tqent_arg;
	uintptr_t		tqent_flags;
} taskq_ent_t;

typedef struct taskq_thread {
	struct list_head	tqt_thread_list;
	struct list_head	tqt_active_list;
	struct task_struct	*tqt_thread;
	taskq_t			*tqt_tq;
	taskqid_t		tqt_id;
	uintptr_t		tqt_flags;
} taskq_thread_t;

extern taskq_t *system_taskq;

extern taskqid_t __taskq_dispatch(taskq_t *, task_func_t, void *, uint_t);
extern void __taskq_init_ent(taskq_ent_t *);
extern taskq_t *__taskq_create(const char *, int, pri_t, int, int, uint_t);
extern void __taskq_destroy(taskq_t *);
extern void __taskq_wait_id(taskq_t *, taskqid_t);
extern void __taskq_wait(taskq_t *);
extern int spl_taskq_init(void);
extern void spl_taskq_fini(void);

#define taskq_init_ent(t)		__taskq_init_ent(t)
#define taskq_create(n, th, p, mi, ma, fl) __taskq_create(n, th, p, mi, ma, fl)
#define taskq_destroy(tq)		__taskq_destroy(tq)
/* module/spl/spl-taskq.c */

/* Global system-wide dynamic task queue available for all consumers */
taskq_t *system_taskq;

/*
 * NOTE: Must be called with tq->tq_lock held, returns a list_t which
 * is not attached to the free, work, or pending taskq lists.
 */
static taskq_ent_t *
task_alloc(taskq_t *tq, uint_t flags)
{
        taskq_ent_t *t;
        int count = 0;
        SENTRY;

        ASSERT(tq);
        ASSERT(spin_is_locked(&tq->tq_lock));
retry:
        /* Acquire taskq_ent_t's from free list if available */
        if (!list_empty(&tq->tq_free_list) && !(flags & TQ_NEW)) {
                t = list_entry(tq->tq_free_list.next, taskq_ent_t, tqent_list);

                ASSERT(!(t->tqent_flags & TQENT_FLAG_PREALLOC));

                list_del_init(&t->tqent_list);
                SRETURN(t);
        }

        /* Free list is empty and memory allocations are prohibited */
        if (flags & TQ_NOALLOC)
                SRETURN(NULL);

        /* Hit maximum taskq_ent_t pool size */
        if (tq->tq_nalloc >= tq->tq_maxalloc) {
                if (flags & TQ_NOSLEEP)
                        SRETURN(NULL);

                /*
                 * Sleep periodically polling the free list for an available
                 * taskq_ent_t. Dispatching with TQ_SLEEP should always succeed
                 * but we cannot block forever waiting for an taskq_entq_t to
                 * show up in the free list, otherwise a deadlock can happen.
                 *
                 * Therefore, we need to allocate a new task even if the number
                 * of allocated tasks is above tq->tq_maxalloc, but we still
                 * end up delaying the task allocation by one second, thereby
                 * throttling the task dispatch rate.
                 */
                 spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);
                 schedule_timeout(HZ / 100);
                 spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
                 if (count < 100)
                        SGOTO(retry, count++);
        }

        spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);
        t = kmem_alloc(sizeof(taskq_ent_t), flags & (TQ_SLEEP | TQ_NOSLEEP));
        spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);

        if (t) {
                taskq_init_ent(t);
                tq->tq_nalloc++;
        }

        SRETURN(t);
}

/*
 * NOTE: Must be called with tq->tq_lock held, expects the taskq_ent_t
 * to already be removed from the free, work, or pending taskq lists.
 */
static void
task_free(taskq_t *tq, taskq_ent_t *t)
{
        SENTRY;

        ASSERT(tq);
        ASSERT(t);
	ASSERT(spin_is_locked(&tq->tq_lock));
	ASSERT(list_empty(&t->tqent_list));

        kmem_free(t, sizeof(taskq_ent_t));
        tq->tq_nalloc--;

	SEXIT;
}

/*
 * NOTE: Must be called with tq->tq_lock held, either destroys the
 * taskq_ent_t if too many exist or moves it to the free list for later use.
 */
static void
task_done(taskq_t *tq, taskq_ent_t *t)
{
	SENTRY;
	ASSERT(tq);
	ASSERT(t);
	ASSERT(spin_is_locked(&tq->tq_lock));

	list_del_init(&t->tqent_list);

        if (tq->tq_nalloc <= tq->tq_minalloc) {
		t->tqent_id = 0;
		t->tqent_func = NULL;
		t->tqent_arg = NULL;
		t->tqent_flags = 0;

                list_add_tail(&t->tqent_list, &tq->tq_free_list);
	} else {
		task_free(tq, t);
	}

        SEXIT;
}

static int
taskq_wait_check(taskq_t *tq, taskqid_t id)
{
	int rc;

	spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
	rc = (id < tq->tq_lowest_id);
	spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

	SRETURN(rc);
}

void
__taskq_wait_id(taskq_t *tq, taskqid_t id)
{
	SENTRY;
	ASSERT(tq);

	wait_event(tq->tq_wait_waitq, taskq_wait_check(tq, id));

	SEXIT;
}

void
__taskq_wait(taskq_t *tq)
{
	taskqid_t id;
	SENTRY;
	ASSERT(tq);

	/* Wait for the largest outstanding taskqid */
	spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
	id = tq->tq_next_id - 1;
	spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

	__taskq_wait_id(tq, id);

	SEXIT;

}

taskqid_t
__taskq_dispatch(taskq_t *tq, task_func_t func, void *arg, uint_t flags)
{
        taskq_ent_t *t;
	taskqid_t rc = 0;
        SENTRY;

        ASSERT(tq);
        ASSERT(func);

	/* Solaris assumes TQ_SLEEP if not passed explicitly */
	if (!(flags & (TQ_SLEEP | TQ_NOSLEEP)))
		flags |= TQ_SLEEP;

	if (unlikely(in_atomic() && (flags & TQ_SLEEP)))
		PANIC("May schedule while atomic: %s/0x%08x/%d\n",
		    current->comm, preempt_count(), current->pid);

        spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);

	/* Taskq being destroyed and all tasks drained */
	if (!(tq->tq_flags & TQ_ACTIVE))
		SGOTO(out, rc = 0);

	/* Do not queue the task unless there is idle thread for it */
	ASSERT(tq->tq_nactive <= tq->tq_nthreads);
	if ((flags & TQ_NOQUEUE) && (tq->tq_nactive == tq->tq_nthreads))
		SGOTO(out, rc = 0);

        if ((t = task_alloc(tq, flags)) == NULL)
		SGOTO(out, rc = 0);

	spin_lock(&t->tqent_lock);

	/* Queue to the priority list instead of the pending list */
	if (flags & TQ_FRONT)
		list_add_tail(&t->tqent_list, &tq->tq_prio_list);
	else
		list_add_tail(&t->tqent_list, &tq->tq_pend_list);

	t->tqent_id = rc = tq->tq_next_id;
	tq->tq_next_id++;
        t->tqent_func = func;
        t->tqent_arg = arg;

	ASSERT(!(t->tqent_flags & TQENT_FLAG_PREALLOC));

	spin_unlock(&t->tqent_lock);

	wake_up(&tq->tq_work_waitq);
out:
	spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);
	SRETURN(rc);
}

void
__taskq_init_ent(taskq_ent_t *t)
{
	spin_lock_init(&t->tqent_lock);
	INIT_LIST_HEAD(&t->tqent_list);
	t->tqent_id = 0;
	t->tqent_func = NULL;
	t->tqent_arg = NULL;
	t->tqent_flags = 0;
}

/*
 * Returns the lowest incomplete taskqid_t.  The taskqid_t may
 * be queued on the pending list, on the priority list,  or on
 * the work list currently being handled, but it is not 100%
 * complete yet.
 */
static taskqid_t
taskq_lowest_id(taskq_t *tq)
{
	taskqid_t lowest_id = tq->tq_next_id;
        taskq_ent_t *t;
	taskq_thread_t *tqt;
	SENTRY;

	ASSERT(tq);
	ASSERT(spin_is_locked(&tq->tq_lock));

	if (!list_empty(&tq->tq_pend_list)) {
		t = list_entry(tq->tq_pend_list.next, taskq_ent_t, tqent_list);
		lowest_id = MIN(lowest_id, t->tqent_id);
	}

	if (!list_empty(&tq->tq_prio_list)) {
		t = list_entry(tq->tq_prio_list.next, taskq_ent_t, tqent_list);
		lowest_id = MIN(lowest_id, t->tqent_id);
	}

	if (!list_empty(&tq->tq_active_list)) {
		tqt = list_entry(tq->tq_active_list.next, taskq_thread_t,
		                 tqt_active_list);
		ASSERT(tqt->tqt_id != 0);
		lowest_id = MIN(lowest_id, tqt->tqt_id);
	}

	SRETURN(lowest_id);
}

/*
 * Insert a task into a list keeping the list sorted by increasing
 * taskqid.
 */
static void
taskq_insert_in_order(taskq_t *tq, taskq_thread_t *tqt)
{
	taskq_thread_t *w;
	struct list_head *l;

	SENTRY;
	ASSERT(tq);
	ASSERT(tqt);
	ASSERT(spin_is_locked(&tq->tq_lock));

	list_for_each_prev(l, &tq->tq_active_list) {
		w = list_entry(l, taskq_thread_t, tqt_active_list);
		if (w->tqt_id < tqt->tqt_id) {
			list_add(&tqt->tqt_active_list, l);
			break;
		}
	}
	if (l == &tq->tq_active_list)
		list_add(&tqt->tqt_active_list, &tq->tq_active_list);

	SEXIT;
}

static int
taskq_thread(void *args)
{
        DECLARE_WAITQUEUE(wait, current);
        sigset_t blocked;
	taskq_thread_t *tqt = args;
        taskq_t *tq;
        taskq_ent_t *t;
	struct list_head *pend_list;
	SENTRY;

        ASSERT(tqt);
	tq = tqt->tqt_tq;
        current->flags |= PF_NOFREEZE;

        sigfillset(&blocked);
        sigprocmask(SIG_BLOCK, &blocked, NULL);
        flush_signals(current);

        spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
        tq->tq_nthreads++;
        wake_up(&tq->tq_wait_waitq);
        set_current_state(TASK_INTERRUPTIBLE);

        while (!kthread_should_stop()) {

		if (list_empty(&tq->tq_pend_list) &&
		    list_empty(&tq->tq_prio_list)) {
			add_wait_queue_exclusive(&tq->tq_work_waitq, &wait);
			spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);
			schedule();
			spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
			remove_wait_queue(&tq->tq_work_waitq, &wait);
		} else {
			__set_current_state(TASK_RUNNING);
		}


		if (!list_empty(&tq->tq_prio_list))
			pend_list = &tq->tq_prio_list;
		else if (!list_empty(&tq->tq_pend_list))
			pend_list = &tq->tq_pend_list;
		else
			pend_list = NULL;

		if (pend_list) {
                        t = list_entry(pend_list->next, taskq_ent_t, tqent_list);
                        list_del_init(&t->tqent_list);

			/* In order to support recursively dispatching a
			 * preallocated taskq_ent_t, tqent_id must be
			 * stored prior to executing tqent_func. */
			tqt->tqt_id = t->tqent_id;

			/* We must store a copy of the flags prior to
			 * servicing the task (servicing a prealloc'd task
			 * returns the ownership of the tqent back to
			 * the caller of taskq_dispatch). Thus,
			 * tqent_flags _may_ change within the call. */
			tqt->tqt_flags = t->tqent_flags;

			taskq_insert_in_order(tq, tqt);
                        tq->tq_nactive++;
			spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

			/* Perform the requested task */
                        t->tqent_func(t->tqent_arg);

			spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
                        tq->tq_nactive--;
			list_del_init(&tqt->tqt_active_list);

			/* For prealloc'd tasks, we don't free anything. */
			if ((tq->tq_flags & TASKQ_DYNAMIC) ||
			    !(tqt->tqt_flags & TQENT_FLAG_PREALLOC))
				task_done(tq, t);

			/* When the current lowest outstanding taskqid is
			 * done calculate the new lowest outstanding id */
			if (tq->tq_lowest_id == tqt->tqt_id) {
				tq->tq_lowest_id = taskq_lowest_id(tq);
				ASSERT3S(tq->tq_lowest_id, >, tqt->tqt_id);
			}

			tqt->tqt_id = 0;
			tqt->tqt_flags = 0;
                        wake_up_all(&tq->tq_wait_waitq);
		}

		set_current_state(TASK_INTERRUPTIBLE);

        }

	__set_current_state(TASK_RUNNING);
        tq->tq_nthreads--;
	list_del_init(&tqt->tqt_thread_list);
	kmem_free(tqt, sizeof(taskq_thread_t));

        spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

	SRETURN(0);
}

taskq_t *
__taskq_create(const char *name, int nthreads, pri_t pri,
               int minalloc, int maxalloc, uint_t flags)
{
        taskq_t *tq;
	taskq_thread_t *tqt;
        int rc = 0, i, j = 0;
        SENTRY;

        ASSERT(name != NULL);
        ASSERT(pri <= maxclsyspri);
        ASSERT(minalloc >= 0);
        ASSERT(maxalloc <= INT_MAX);
        ASSERT(!(flags & (TASKQ_CPR_SAFE | TASKQ_DYNAMIC))); /* Unsupported */

	/* Scale the number of threads using nthreads as a percentage */
	if (flags & TASKQ_THREADS_CPU_PCT) {
		ASSERT(nthreads <= 100);
		ASSERT(nthreads >= 0);
		nthreads = MIN(nthreads, 100);
		nthreads = MAX(nthreads, 0);
		nthreads = MAX((num_online_cpus() * nthreads) / 100, 1);
	}

        tq = kmem_alloc(sizeof(*tq), KM_PUSHPAGE);
        if (tq == NULL)
                SRETURN(NULL);

        spin_lock_init(&tq->tq_lock);
        spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
        INIT_LIST_HEAD(&tq->tq_thread_list);
        INIT_LIST_HEAD(&tq->tq_active_list);
        tq->tq_name      = name;
        tq->tq_nactive   = 0;
	tq->tq_nthreads  = 0;
        tq->tq_pri       = pri;
        tq->tq_minalloc  = minalloc;
        tq->tq_maxalloc  = maxalloc;
	tq->tq_nalloc    = 0;
        tq->tq_flags     = (flags | TQ_ACTIVE);
	tq->tq_next_id   = 1;
	tq->tq_lowest_id = 1;
        INIT_LIST_HEAD(&tq->tq_free_list);
        INIT_LIST_HEAD(&tq->tq_pend_list);
        INIT_LIST_HEAD(&tq->tq_prio_list);
        init_waitqueue_head(&tq->tq_work_waitq);
        init_waitqueue_head(&tq->tq_wait_waitq);

        if (flags & TASKQ_PREPOPULATE)
                for (i = 0; i < minalloc; i++)
                        task_done(tq, task_alloc(tq, TQ_PUSHPAGE | TQ_NEW));

        spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

	for (i = 0; i < nthreads; i++) {
		tqt = kmem_alloc(sizeof(*tqt), KM_PUSHPAGE);
		INIT_LIST_HEAD(&tqt->tqt_thread_list);
		INIT_LIST_HEAD(&tqt->tqt_active_list);
		tqt->tqt_tq = tq;
		tqt->tqt_id = 0;

		tqt->tqt_thread = kthread_create(taskq_thread, tqt,
		                                 "%s/%d", name, i);
		if (tqt->tqt_thread) {
			list_add(&tqt->tqt_thread_list, &tq->tq_thread_list);
			kthread_bind(tqt->tqt_thread, i % num_online_cpus());
			set_user_nice(tqt->tqt_thread, PRIO_TO_NICE(pri));
			wake_up_process(tqt->tqt_thread);
			j++;
		} else {
			kmem_free(tqt, sizeof(taskq_thread_t));
			rc = 1;
		}
	}

        /* Wait for all threads to be started before potential destroy */
	wait_event(tq->tq_wait_waitq, tq->tq_nthreads == j);

        if (rc) {
                __taskq_destroy(tq);
                tq = NULL;
        }

        SRETURN(tq);
}

void
__taskq_destroy(taskq_t *tq)
{
	struct task_struct *thread;
	taskq_thread_t *tqt;
	taskq_ent_t *t;
	SENTRY;

	ASSERT(tq);
	spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
        tq->tq_flags &= ~TQ_ACTIVE;
	spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

	/* TQ_ACTIVE cleared prevents new tasks being added to pending */
        __taskq_wait(tq);

        spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);

	/*
	 * Signal each thread to exit and block until it does.  Each thread
	 * is responsible for removing itself from the list and freeing its
	 * taskq_thread_t.  This allows for idle threads to opt to remove
	 * themselves from the taskq.  They can be recreated as needed.
	 */
	while (!list_empty(&tq->tq_thread_list)) {
		tqt = list_entry(tq->tq_thread_list.next,
				 taskq_thread_t, tqt_thread_list);
		thread = tqt->tqt_thread;
		spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

		kthread_stop(thread);

	        spin_lock_irqsave(&tq->tq_lock, tq->tq_lock_flags);
	}

        while (!list_empty(&tq->tq_free_list)) {
		t = list_entry(tq->tq_free_list.next, taskq_ent_t, tqent_list);

		ASSERT(!(t->tqent_flags & TQENT_FLAG_PREALLOC));

	        list_del_init(&t->tqent_list);
                task_free(tq, t);
        }

        ASSERT(tq->tq_nthreads == 0);
        ASSERT(tq->tq_nalloc == 0);
        ASSERT(list_empty(&tq->tq_thread_list));
        ASSERT(list_empty(&tq->tq_active_list));
        ASSERT(list_empty(&tq->tq_free_list));
        ASSERT(list_empty(&tq->tq_pend_list));
        ASSERT(list_empty(&tq->tq_prio_list));

        spin_unlock_irqrestore(&tq->tq_lock, tq->tq_lock_flags);

        kmem_free(tq, sizeof(taskq_t));

	SEXIT;
}

int
spl_taskq_init(void)
{
        SENTRY;

	/* Solaris creates a dynamic taskq of up to 64 threads, however in
	 * a Linux environment 1 thread per-core is usually about right */
        system_taskq = taskq_create("spl_system_taskq", num_online_cpus(),
				    minclsyspri, 4, 512, TASKQ_PREPOPULATE);
	if (system_taskq == NULL)
		SRETURN(1);

        SRETURN(0);
}

void
spl_taskq_fini(void)
{
        SENTRY;
	taskq_destroy(system_taskq);
        SEXIT;
}

static int __init spl_init(void)
{
	if (spl_taskq_init())
		return -ENOMEM;
	return 0;
}

static void __exit spl_fini(void)
{
	spl_taskq_fini();
}

module_init(spl_init);
module_exit(spl_fini);

MODULE_LICENSE("GPL");
