// RUN: %check_kthread_lint --product=tool %s kthread-busy-loop %t
// RUN: %check_kthread_lint --product=plugin %s kthread-busy-loop %t
// RUN: %check_kthread_lint --product=clang %s kthread-busy-loop %t
// RUN: %check_kthread_lint --product=tool --check-suffix=KNOWN --config="{CheckOptions: {kthread-busy-loop.NonSleepingFunctions: 'poll_hw_status'}}" %s kthread-busy-loop %t -- -DPOLL_IS_KNOWN
// RUN: %check_kthread_lint --product=plugin --check-suffix=KNOWN --config="{CheckOptions: {kthread-busy-loop.NonSleepingFunctions: 'poll_hw_status'}}" %s kthread-busy-loop %t -- -DPOLL_IS_KNOWN
// RUN: %check_kthread_lint --product=clang --check-suffix=KNOWN --config="{CheckOptions: {kthread-busy-loop.NonSleepingFunctions: 'poll_hw_status'}}" %s kthread-busy-loop %t -- -DPOLL_IS_KNOWN

#include <linux/kernel.h>

void do_work(void);
int poll_hw_status(void);
static atomic_t items;
static DECLARE_WAIT_QUEUE_HEAD(wq);
static spinlock_t lock;

//===--- Positives -------------------------------------------------------===//

/* The popular tutorial loop: work, and nothing that sleeps. */
static int tutorial_fn(void *data)
{
	unsigned int n = 0;

	while (!kthread_should_stop()) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop in thread function 'tutorial_fn' never sleeps, blocks or yields: it spins a CPU until kthread_stop() [kthread-busy-loop]
	// CHECK-MESSAGES: :[[@LINE-2]]:2: note: sleep in it (wait_event_interruptible(), msleep()) or at least call cond_resched()
		atomic_inc(&items);
		wake_up(&wq);
		pr_info("item %u\n", ++n);
	}
	return 0;
}

/* mdelay() busy-waits: it does not sleep. The loop is in a helper. */
static void produce(void)
{
	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop in thread function 'producer_fn' never sleeps, blocks or yields: it spins a CPU until kthread_stop()
		if (kthread_should_stop())
			break;
		spin_lock(&lock);
		atomic_inc(&items);
		spin_unlock(&lock);
		mdelay(10);
	}
}

static int producer_fn(void *data)
{
	produce();
	return 0;
}

/* A trylock never waits: spinning on one spins the CPU (lunatik's
 * luathread_func() before it sleeps, test/corpus). */
static struct mutex busy_mutex;

static int trylock_fn(void *data)
{
	while (!kthread_should_stop())
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop in thread function 'trylock_fn' never sleeps, blocks or yields: it spins a CPU until kthread_stop()
		if (mutex_trylock(&busy_mutex))
			break;
	return 0;
}

#ifdef POLL_IS_KNOWN
/* With NonSleepingFunctions naming poll_hw_status, this spins. */
static int poll_fn(void *data)
{
	while (!kthread_should_stop())
	// CHECK-MESSAGES-KNOWN: :[[@LINE-1]]:2: warning: this loop in thread function 'poll_fn' never sleeps
		poll_hw_status();
	return 0;
}
#else
/* An external function not known to be non-sleeping may sleep: silent. */
static int poll_fn(void *data)
{
	while (!kthread_should_stop())
		poll_hw_status();
	return 0;
}
#endif

//===--- Must stay silent ------------------------------------------------===//

/* A trylock loop that sleeps when the lock is busy (lunatik's
 * luathread_func() after it, or drivers polling a shared resource). */
static int trylock_nap_fn(void *data)
{
	while (!kthread_should_stop()) {
		if (mutex_trylock(&busy_mutex))
			break;
		msleep(1);
	}
	return 0;
}

static int sleeping_fn(void *data)
{
	while (!kthread_should_stop()) {
		do_work();
		msleep(100);
	}
	return 0;
}

static int yielding_fn(void *data)
{
	while (!kthread_should_stop()) {
		atomic_inc(&items);
		cond_resched();
	}
	return 0;
}

static int waiting_fn(void *data)
{
	while (!kthread_should_stop())
		wait_event_interruptible(wq, atomic_read(&items) || kthread_should_stop());
	return 0;
}

/* Sleeps in a helper of the same file. */
static void nap(void)
{
	schedule_timeout_interruptible(HZ);
}

static int napping_fn(void *data)
{
	while (!kthread_should_stop()) {
		atomic_inc(&items);
		nap();
	}
	return 0;
}

/* A loop that does not test the stop is not this check's business. */
static int bounded_fn(void *data)
{
	int i;

	for (i = 0; i < 10; i++)
		atomic_inc(&items);
	while (!kthread_should_stop())
		msleep(10);
	return 0;
}

void start_all(void)
{
	kthread_run(tutorial_fn, NULL, "a");
	kthread_run(producer_fn, NULL, "b");
	kthread_run(poll_fn, NULL, "c");
	kthread_run(trylock_fn, NULL, "t");
	kthread_run(trylock_nap_fn, NULL, "u");
	kthread_run(sleeping_fn, NULL, "d");
	kthread_run(yielding_fn, NULL, "e");
	kthread_run(waiting_fn, NULL, "f");
	kthread_run(napping_fn, NULL, "g");
	kthread_run(bounded_fn, NULL, "h");
}
