// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: correct
 * subject: khugepaged: the THP collapse daemon, started and stopped by start_stop_khugepaged()
 * source: linux-6.1 mm/khugepaged.c
 * file: mm/khugepaged.c
 * date: 2022-12-11
 * class: should-stop, busy-loop, stop-ordering, is-err, exit-before-stop, lost-wakeup
 * bug: none
 *      khugepaged loops while !kthread_should_stop(); its untimed wait is
 *      wait_event_freezable() on khugepaged_wait_event(), a helper that tests
 *      kthread_should_stop(), and its timed wait's condition tests it too; the scan loop
 *      tests the stop and cond_resched()s; start_stop_khugepaged() holds khugepaged_mutex
 *      across kthread_stop() but the thread never takes it; an ERR_PTR is reset to NULL.
 * expect: none
 */
/*
 * Kernel code from linux-6.1 mm/khugepaged.c: khugepaged_thread, khugepaged_mutex, the scan
 * tunables, khugepaged_wait, struct khugepaged_scan, khugepaged_alloc_sleep(),
 * khugepaged_has_work(), khugepaged_wait_event(), khugepaged_do_scan(),
 * khugepaged_should_wakeup(), khugepaged_wait_work(), khugepaged(), start_stop_khugepaged(),
 * khugepaged_min_free_kbytes_update(); its start from mm/huge_memory.c hugepage_init(), cut to
 * the start_stop_khugepaged() call (sysfs, slab and shrinker set-up cut). struct
 * collapse_control and struct khugepaged_mm_slot re-declared with the fields used.
 * Stand-ins: transparent_hugepage_flags (mm/huge_memory.c), lru_add_drain_all(),
 * khugepaged_scan_mm_slot() (scans some mm's, returns the pages scanned), collect_mm_slot(),
 * set_recommended_min_free_kbytes() (recomputes min_free_kbytes, not exported helpers).
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <linux/freezer.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/huge_mm.h>
#include <linux/khugepaged.h>

enum scan_result {
	SCAN_FAIL,
	SCAN_SUCCEED,
	SCAN_ALLOC_HUGE_PAGE_FAIL,
};

struct collapse_control {
	bool is_khugepaged;
};

struct khugepaged_mm_slot {
	struct list_head mm_node;
};

/* ---- stand-ins ---- */

/* mm/huge_memory.c */
unsigned long transparent_hugepage_flags __read_mostly =
	(1<<TRANSPARENT_HUGEPAGE_FLAG);

/* mm/swap.c: drains the per-cpu LRU caches of all cpus */
void lru_add_drain_all(void)
{
}

/* ---- mm/khugepaged.c ---- */

static struct task_struct *khugepaged_thread __read_mostly;
static DEFINE_MUTEX(khugepaged_mutex);

/* default scan 8*512 pte (or vmas) every 30 second */
static unsigned int khugepaged_pages_to_scan __read_mostly = 4096;
static unsigned int khugepaged_scan_sleep_millisecs __read_mostly = 10000;
/* during fragmentation poll the hugepage allocator once every minute */
static unsigned int khugepaged_alloc_sleep_millisecs __read_mostly = 60000;
static unsigned long khugepaged_sleep_expire;
static DEFINE_SPINLOCK(khugepaged_mm_lock);
static DECLARE_WAIT_QUEUE_HEAD(khugepaged_wait);

/**
 * struct khugepaged_scan - cursor for scanning
 * @mm_head: the head of the mm list to scan
 * @mm_slot: the current mm_slot we are scanning
 * @address: the next address inside that to be scanned
 *
 * There is only the one khugepaged_scan instance of this cursor structure.
 */
struct khugepaged_scan {
	struct list_head mm_head;
	struct khugepaged_mm_slot *mm_slot;
	unsigned long address;
};

static struct khugepaged_scan khugepaged_scan = {
	.mm_head = LIST_HEAD_INIT(khugepaged_scan.mm_head),
};

static void khugepaged_alloc_sleep(void)
{
	DEFINE_WAIT(wait);

	add_wait_queue(&khugepaged_wait, &wait);
	__set_current_state(TASK_INTERRUPTIBLE|TASK_FREEZABLE);
	schedule_timeout(msecs_to_jiffies(khugepaged_alloc_sleep_millisecs));
	remove_wait_queue(&khugepaged_wait, &wait);
}

struct collapse_control khugepaged_collapse_control = {
	.is_khugepaged = true,
};

/* stand-in: frees the slot of an mm that has exited */
static void collect_mm_slot(struct khugepaged_mm_slot *mm_slot)
{
	list_del(&mm_slot->mm_node);
}

/*
 * stand-in: scans up to @pages ptes of the mm's on khugepaged_scan.mm_head, collapsing
 * what it can; drops and retakes khugepaged_mm_lock; returns the pages scanned.
 */
static unsigned int khugepaged_scan_mm_slot(unsigned int pages, int *result,
					    struct collapse_control *cc)
	__releases(&khugepaged_mm_lock)
	__acquires(&khugepaged_mm_lock)
{
	*result = SCAN_SUCCEED;
	return pages;
}

static int khugepaged_has_work(void)
{
	return !list_empty(&khugepaged_scan.mm_head) &&
		hugepage_flags_enabled();
}

static int khugepaged_wait_event(void)
{
	return !list_empty(&khugepaged_scan.mm_head) ||
		kthread_should_stop();
}

static void khugepaged_do_scan(struct collapse_control *cc)
{
	unsigned int progress = 0, pass_through_head = 0;
	unsigned int pages = READ_ONCE(khugepaged_pages_to_scan);
	bool wait = true;
	int result = SCAN_SUCCEED;

	lru_add_drain_all();

	while (true) {
		cond_resched();

		if (unlikely(kthread_should_stop() || try_to_freeze()))
			break;

		spin_lock(&khugepaged_mm_lock);
		if (!khugepaged_scan.mm_slot)
			pass_through_head++;
		if (khugepaged_has_work() &&
		    pass_through_head < 2)
			progress += khugepaged_scan_mm_slot(pages - progress,
							    &result, cc);
		else
			progress = pages;
		spin_unlock(&khugepaged_mm_lock);

		if (progress >= pages)
			break;

		if (result == SCAN_ALLOC_HUGE_PAGE_FAIL) {
			/*
			 * If fail to allocate the first time, try to sleep for
			 * a while.  When hit again, cancel the scan.
			 */
			if (!wait)
				break;
			wait = false;
			khugepaged_alloc_sleep();
		}
	}
}

static bool khugepaged_should_wakeup(void)
{
	return kthread_should_stop() ||
	       time_after_eq(jiffies, khugepaged_sleep_expire);
}

static void khugepaged_wait_work(void)
{
	if (khugepaged_has_work()) {
		const unsigned long scan_sleep_jiffies =
			msecs_to_jiffies(khugepaged_scan_sleep_millisecs);

		if (!scan_sleep_jiffies)
			return;

		khugepaged_sleep_expire = jiffies + scan_sleep_jiffies;
		wait_event_freezable_timeout(khugepaged_wait,
					     khugepaged_should_wakeup(),
					     scan_sleep_jiffies);
		return;
	}

	if (hugepage_flags_enabled())
		wait_event_freezable(khugepaged_wait, khugepaged_wait_event());
}

static int khugepaged(void *none)
{
	struct khugepaged_mm_slot *mm_slot;

	set_freezable();
	set_user_nice(current, MAX_NICE);

	while (!kthread_should_stop()) {
		khugepaged_do_scan(&khugepaged_collapse_control);
		khugepaged_wait_work();
	}

	spin_lock(&khugepaged_mm_lock);
	mm_slot = khugepaged_scan.mm_slot;
	khugepaged_scan.mm_slot = NULL;
	if (mm_slot)
		collect_mm_slot(mm_slot);
	spin_unlock(&khugepaged_mm_lock);
	return 0;
}

/* stand-in: raises min_free_kbytes for THP (calculate_min_free_kbytes() etc. not exported) */
static void set_recommended_min_free_kbytes(void)
{
}

int start_stop_khugepaged(void)
{
	int err = 0;

	mutex_lock(&khugepaged_mutex);
	if (hugepage_flags_enabled()) {
		if (!khugepaged_thread)
			khugepaged_thread = kthread_run(khugepaged, NULL,
							"khugepaged");
		if (IS_ERR(khugepaged_thread)) {
			pr_err("khugepaged: kthread_run(khugepaged) failed\n");
			err = PTR_ERR(khugepaged_thread);
			khugepaged_thread = NULL;
			goto fail;
		}

		if (!list_empty(&khugepaged_scan.mm_head))
			wake_up_interruptible(&khugepaged_wait);
	} else if (khugepaged_thread) {
		kthread_stop(khugepaged_thread);
		khugepaged_thread = NULL;
	}
	set_recommended_min_free_kbytes();
fail:
	mutex_unlock(&khugepaged_mutex);
	return err;
}

void khugepaged_min_free_kbytes_update(void)
{
	mutex_lock(&khugepaged_mutex);
	if (hugepage_flags_enabled() && khugepaged_thread)
		set_recommended_min_free_kbytes();
	mutex_unlock(&khugepaged_mutex);
}

/* ---- mm/huge_memory.c, cut to the start of khugepaged ---- */

static int __init hugepage_init(void)
{
	int err;

	/*
	 * By default disable transparent hugepages on smaller systems,
	 * where the extra memory used could hurt more than TLB overhead
	 * is likely to save.  The admin can still enable it through /sys.
	 */
	if (totalram_pages() < (512 << (20 - PAGE_SHIFT))) {
		transparent_hugepage_flags = 0;
		return 0;
	}

	err = start_stop_khugepaged();
	if (err)
		goto err_khugepaged;

	return 0;
err_khugepaged:
	return err;
}
/* Built-in in the kernel: no module_exit(), it is never unloaded. */
subsys_initcall(hugepage_init);

MODULE_LICENSE("GPL");
