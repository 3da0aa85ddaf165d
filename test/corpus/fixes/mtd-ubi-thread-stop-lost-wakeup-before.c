// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: ubi: check kthread_should_stop() after the setting of task state
 * source: commit d005f8c6588efcfbe88099b6edafc6f58c84a9c1 ("ubi: check kthread_should_stop() after the setting of task state")
 * file: drivers/mtd/ubi/wl.c
 * date: 2020-11-03
 * class: lost-wakeup
 * bug: ubi_thread() tests kthread_should_stop() at the top of its loop, then,
 *      finding no work, sets TASK_INTERRUPTIBLE and calls schedule(). A
 *      kthread_stop() from ubi_detach_mtd_dev() between the test and the state
 *      change wakes a running task (wake_up_process() returns 0); the thread then
 *      sleeps for good and the detach hangs in kthread_stop() (syzbot report).
 *      Interruptible sleep: hangs on kernels before v6.1.
 * kernel: 5.4
 * expect: kthread-lost-wakeup@ubi_thread
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/freezer.h>
#include <linux/spinlock.h>
#include <linux/rwsem.h>
#include <linux/list.h>
#include <linux/slab.h>

/* drivers/mtd/ubi/ubi.h (cut to what the thread uses) */
#define UBI_NAME_STR "ubi"
#define UBI_BGT_NAME_PATTERN "ubi_bgt%dd"
#define WL_MAX_FAILURES 32

struct ubi_debug_info {
	unsigned int disable_bgt:1;
};

struct ubi_device {
	int ubi_num;
	char ubi_name[sizeof(UBI_NAME_STR) + 5];
	int ro_mode;
	spinlock_t wl_lock;
	struct list_head works;
	int works_count;
	struct task_struct *bgt_thread;
	int thread_enabled;
	char bgt_name[sizeof(UBI_BGT_NAME_PATTERN)+2];
	struct rw_semaphore work_sem;
	struct ubi_debug_info dbg;
};

struct ubi_work {
	struct list_head list;
	int (*func)(struct ubi_device *ubi, struct ubi_work *wrk, int shutdown);
	/* The below fields are only relevant to erasure works */
	int vol_id;
	int lnum;
	int torture;
};

#define ubi_msg(ubi, fmt, ...) pr_notice(UBI_NAME_STR "%d: " fmt "\n", \
					 (ubi)->ubi_num, ##__VA_ARGS__)
#define ubi_err(ubi, fmt, ...) pr_err(UBI_NAME_STR "%d error: %s: " fmt "\n", \
				      (ubi)->ubi_num, __func__, ##__VA_ARGS__)
#define dbg_wl(fmt, ...) pr_debug("UBI DBG wl: " fmt "\n", ##__VA_ARGS__)
#define ubi_assert(expr) WARN_ON(!(expr))

int ubi_thread(void *u);

/* drivers/mtd/ubi/debug.h */
static inline int ubi_dbg_is_bgt_disabled(const struct ubi_device *ubi)
{
	return ubi->dbg.disable_bgt;
}

/* stand-in for drivers/mtd/ubi/io.c ubi_ro_mode() */
static void ubi_ro_mode(struct ubi_device *ubi)
{
	if (!ubi->ro_mode) {
		ubi->ro_mode = 1;
		ubi_msg(ubi, "switch to read-only mode");
	}
}

/* drivers/mtd/ubi/wl.c */
static int do_work(struct ubi_device *ubi, int *executed)
{
	int err;
	struct ubi_work *wrk;

	cond_resched();

	/*
	 * @ubi->work_sem is used to synchronize with the workers. Workers take
	 * it in read mode, so many of them may be doing works at a time. But
	 * the queue flush code has to be sure the whole queue of works is
	 * done, and it takes the mutex in write mode.
	 */
	down_read(&ubi->work_sem);
	spin_lock(&ubi->wl_lock);
	if (list_empty(&ubi->works)) {
		spin_unlock(&ubi->wl_lock);
		up_read(&ubi->work_sem);
		if (executed)
			*executed = 0;
		return 0;
	}

	if (executed)
		*executed = 1;
	wrk = list_entry(ubi->works.next, struct ubi_work, list);
	list_del(&wrk->list);
	ubi->works_count -= 1;
	ubi_assert(ubi->works_count >= 0);
	spin_unlock(&ubi->wl_lock);

	/*
	 * Call the worker function. Do not touch the work structure
	 * after this call as it will have been freed or reused by that
	 * time by the worker function.
	 */
	err = wrk->func(ubi, wrk, 0);
	if (err)
		ubi_err(ubi, "work failed with error code %d", err);
	up_read(&ubi->work_sem);

	return err;
}

static void __schedule_ubi_work(struct ubi_device *ubi, struct ubi_work *wrk)
{
	spin_lock(&ubi->wl_lock);
	list_add_tail(&wrk->list, &ubi->works);
	ubi_assert(ubi->works_count >= 0);
	ubi->works_count += 1;
	if (ubi->thread_enabled && !ubi_dbg_is_bgt_disabled(ubi))
		wake_up_process(ubi->bgt_thread);
	spin_unlock(&ubi->wl_lock);
}

static void schedule_ubi_work(struct ubi_device *ubi, struct ubi_work *wrk)
{
	down_read(&ubi->work_sem);
	__schedule_ubi_work(ubi, wrk);
	up_read(&ubi->work_sem);
}

/* stand-in for erase_worker(): the work frees itself */
static int erase_worker(struct ubi_device *ubi, struct ubi_work *wl_wrk,
			int shutdown)
{
	kfree(wl_wrk);
	return 0;
}

static int schedule_erase(struct ubi_device *ubi, int vol_id, int lnum,
			  int torture)
{
	struct ubi_work *wl_wrk;

	wl_wrk = kmalloc(sizeof(struct ubi_work), GFP_NOFS);
	if (!wl_wrk)
		return -ENOMEM;

	wl_wrk->func = &erase_worker;
	wl_wrk->vol_id = vol_id;
	wl_wrk->lnum = lnum;
	wl_wrk->torture = torture;

	schedule_ubi_work(ubi, wl_wrk);
	return 0;
}

/**
 * ubi_thread - UBI background thread.
 * @u: the UBI device description object pointer
 */
int ubi_thread(void *u)
{
	int failures = 0;
	struct ubi_device *ubi = u;

	ubi_msg(ubi, "background thread \"%s\" started, PID %d",
		ubi->bgt_name, task_pid_nr(current));

	set_freezable();
	for (;;) {
		int err;

		if (kthread_should_stop())
			break;

		if (try_to_freeze())
			continue;

		spin_lock(&ubi->wl_lock);
		if (list_empty(&ubi->works) || ubi->ro_mode ||
		    !ubi->thread_enabled || ubi_dbg_is_bgt_disabled(ubi)) {
			set_current_state(TASK_INTERRUPTIBLE);
			spin_unlock(&ubi->wl_lock);
			schedule();
			continue;
		}
		spin_unlock(&ubi->wl_lock);

		err = do_work(ubi, NULL);
		if (err) {
			ubi_err(ubi, "%s: work failed with error code %d",
				ubi->bgt_name, err);
			if (failures++ > WL_MAX_FAILURES) {
				/*
				 * Too many failures, disable the thread and
				 * switch to read-only mode.
				 */
				ubi_msg(ubi, "%s: %d consecutive failures",
					ubi->bgt_name, WL_MAX_FAILURES);
				ubi_ro_mode(ubi);
				ubi->thread_enabled = 0;
				continue;
			}
		} else
			failures = 0;

		cond_resched();
	}

	dbg_wl("background thread \"%s\" is killed", ubi->bgt_name);
	ubi->thread_enabled = 0;
	return 0;
}

/* drivers/mtd/ubi/build.c (attach and detach cut to the thread's part) */
static struct ubi_device *ubi_devices[1];

static int ubi_attach_mtd_dev(int ubi_num)
{
	struct ubi_device *ubi;
	int err;

	ubi = kzalloc(sizeof(struct ubi_device), GFP_KERNEL);
	if (!ubi)
		return -ENOMEM;

	ubi->ubi_num = ubi_num;
	spin_lock_init(&ubi->wl_lock);
	INIT_LIST_HEAD(&ubi->works);
	init_rwsem(&ubi->work_sem);
	sprintf(ubi->ubi_name, UBI_NAME_STR "%d", ubi_num);
	sprintf(ubi->bgt_name, UBI_BGT_NAME_PATTERN, ubi->ubi_num);

	ubi->bgt_thread = kthread_create(ubi_thread, ubi, "%s", ubi->bgt_name);
	if (IS_ERR(ubi->bgt_thread)) {
		err = PTR_ERR(ubi->bgt_thread);
		ubi_err(ubi, "cannot spawn \"%s\", error %d",
			ubi->bgt_name, err);
		goto out_free;
	}

	/*
	 * The below lock makes sure we do not race with 'ubi_thread()' which
	 * checks @ubi->thread_enabled. Otherwise we may fail to wake it up.
	 */
	spin_lock(&ubi->wl_lock);
	ubi->thread_enabled = 1;
	wake_up_process(ubi->bgt_thread);
	spin_unlock(&ubi->wl_lock);

	ubi_devices[ubi_num] = ubi;
	return ubi_num;

out_free:
	kfree(ubi);
	return err;
}

static int ubi_detach_mtd_dev(int ubi_num, int anyway)
{
	struct ubi_device *ubi = ubi_devices[ubi_num];
	struct ubi_work *wrk, *tmp;

	if (!ubi)
		return -EINVAL;
	ubi_devices[ubi_num] = NULL;

	/*
	 * Before freeing anything, we have to stop the background thread to
	 * prevent it from doing anything on this device while we are freeing.
	 */
	if (ubi->bgt_thread)
		kthread_stop(ubi->bgt_thread);

	list_for_each_entry_safe(wrk, tmp, &ubi->works, list) {
		list_del(&wrk->list);
		wrk->func(ubi, wrk, 1);
	}
	kfree(ubi);
	return 0;
}

static int __init ubi_init(void)
{
	int err;

	err = ubi_attach_mtd_dev(0);
	if (err < 0)
		return err;
	return schedule_erase(ubi_devices[0], 0, 0, 0);
}
module_init(ubi_init);

static void __exit ubi_exit(void)
{
	ubi_detach_mtd_dev(0, 1);
}
module_exit(ubi_exit);

MODULE_LICENSE("GPL");
