// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: DLM: fix race condition between dlm_recoverd_stop and dlm_recoverd
 * source: commit e412f9201de255a503ae3d67f46aae580c79006c ("DLM: fix race condition between dlm_recoverd_stop and dlm_recoverd")
 * file: fs/dlm/recoverd.c
 * date: 2017-09-12
 * class: lost-wakeup
 * bug: dlm_recoverd() tests kthread_should_stop() in its while condition and
 *      only then sets TASK_INTERRUPTIBLE; with no recovery work posted it calls
 *      schedule(). A dlm_recoverd_stop() (kthread_stop()) between the test and
 *      the state change wakes a running task, so the thread sleeps and the
 *      stopper hangs in kthread_stop() (interruptible sleep: on kernels before
 *      v6.1). The work bits set by dlm_ls_start()/dlm_ls_stop() before their
 *      wake_up_process() are tested after the state change, so those wake-ups
 *      are not lost. (Loop as of the fix; a later upstream re-test before
 *      schedule() is not included.)
 * kernel: 4.14
 * expect: kthread-lost-wakeup@dlm_recoverd
 * allow: kthread-exit-before-stop@dlm_recoverd   (the thread returns -1 when
 *      dlm_find_lockspace_local() does not find its lockspace, and
 *      dlm_recoverd_stop() then stops it without a reference; but
 *      new_lockspace() lists the lockspace before starting the thread, so
 *      the lookup cannot fail: a report on a defensive path only)
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/rwsem.h>
#include <linux/mutex.h>
#include <linux/slab.h>

/* fs/dlm/dlm_internal.h (cut to what dlm_recoverd uses) */
#define LSFL_RECOVER_STOP	1
#define LSFL_RECOVER_DOWN	2
#define LSFL_RECOVER_LOCK	3
#define LSFL_RECOVER_WORK	4

struct dlm_ls {
	unsigned long		ls_flags;
	struct task_struct	*ls_recoverd_task;
	struct mutex		ls_recoverd_active;
	struct rw_semaphore	ls_in_recovery;	/* block local requests */
	wait_queue_head_t	ls_recover_lock_wait;
	int			ls_count;
	int			fake_recoveries;
};

#define log_print(fmt, args...) pr_err("dlm: " fmt "\n", ##args)

static struct dlm_ls *the_ls;

/* stand-ins for fs/dlm/lockspace.c */
static struct dlm_ls *dlm_find_lockspace_local(void *id)
{
	struct dlm_ls *ls = id;

	if (ls != the_ls)
		return NULL;
	ls->ls_count++;
	return ls;
}

static void dlm_put_lockspace(struct dlm_ls *ls)
{
	ls->ls_count--;
}

/* stand-in for the recovery itself */
static void do_ls_recovery(struct dlm_ls *ls)
{
	ls->fake_recoveries++;
	if (test_bit(LSFL_RECOVER_LOCK, &ls->ls_flags)) {
		clear_bit(LSFL_RECOVER_LOCK, &ls->ls_flags);
		up_write(&ls->ls_in_recovery);
	}
}

/* fs/dlm/recoverd.c */
static int dlm_recoverd(void *arg)
{
	struct dlm_ls *ls;

	ls = dlm_find_lockspace_local(arg);
	if (!ls) {
		log_print("dlm_recoverd: no lockspace %p", arg);
		return -1;
	}

	down_write(&ls->ls_in_recovery);
	set_bit(LSFL_RECOVER_LOCK, &ls->ls_flags);
	wake_up(&ls->ls_recover_lock_wait);

	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!test_bit(LSFL_RECOVER_WORK, &ls->ls_flags) &&
		    !test_bit(LSFL_RECOVER_DOWN, &ls->ls_flags))
			schedule();
		set_current_state(TASK_RUNNING);

		if (test_and_clear_bit(LSFL_RECOVER_DOWN, &ls->ls_flags)) {
			down_write(&ls->ls_in_recovery);
			set_bit(LSFL_RECOVER_LOCK, &ls->ls_flags);
			wake_up(&ls->ls_recover_lock_wait);
		}

		if (test_and_clear_bit(LSFL_RECOVER_WORK, &ls->ls_flags))
			do_ls_recovery(ls);
	}

	if (test_bit(LSFL_RECOVER_LOCK, &ls->ls_flags))
		up_write(&ls->ls_in_recovery);

	dlm_put_lockspace(ls);
	return 0;
}

static int dlm_recoverd_start(struct dlm_ls *ls)
{
	struct task_struct *p;
	int error = 0;

	p = kthread_run(dlm_recoverd, ls, "dlm_recoverd");
	if (IS_ERR(p))
		error = PTR_ERR(p);
	else
                ls->ls_recoverd_task = p;
	return error;
}

static void dlm_recoverd_stop(struct dlm_ls *ls)
{
	kthread_stop(ls->ls_recoverd_task);
}

/* fs/dlm/member.c: the producers that post work and wake the thread */
static int dlm_ls_stop(struct dlm_ls *ls)
{
	set_bit(LSFL_RECOVER_DOWN, &ls->ls_flags);
	wake_up_process(ls->ls_recoverd_task);
	wait_event(ls->ls_recover_lock_wait,
		   test_bit(LSFL_RECOVER_LOCK, &ls->ls_flags));
	return 0;
}

static int dlm_ls_start(struct dlm_ls *ls)
{
	set_bit(LSFL_RECOVER_WORK, &ls->ls_flags);
	wake_up_process(ls->ls_recoverd_task);
	return 0;
}

/* fs/dlm/lockspace.c: new_lockspace() / release_lockspace(), cut */
static int __init init_dlm(void)
{
	struct dlm_ls *ls;
	int error;

	ls = kzalloc(sizeof(*ls), GFP_KERNEL);
	if (!ls)
		return -ENOMEM;
	mutex_init(&ls->ls_recoverd_active);
	init_rwsem(&ls->ls_in_recovery);
	init_waitqueue_head(&ls->ls_recover_lock_wait);
	the_ls = ls;

	error = dlm_recoverd_start(ls);
	if (error) {
		log_print("can't start dlm_recoverd %d", error);
		kfree(ls);
		return error;
	}

	wait_event(ls->ls_recover_lock_wait,
		   test_bit(LSFL_RECOVER_LOCK, &ls->ls_flags));
	dlm_ls_start(ls);
	return 0;
}

static void __exit exit_dlm(void)
{
	dlm_ls_stop(the_ls);
	dlm_recoverd_stop(the_ls);
	kfree(the_ls);
}

module_init(init_dlm);
module_exit(exit_dlm);
MODULE_LICENSE("GPL");
