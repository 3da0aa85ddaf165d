// RUN: %check_kthread_lint --product=tool %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=plugin %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=clang %s kthread-lost-wakeup %t
// Debug configs (allmodconfig) wrap set_current_state() in a state check:
// RUN: %check_kthread_lint --product=tool %s kthread-lost-wakeup %t -- -DCONFIG_DEBUG_ATOMIC_SLEEP
// Kernels before v6.1 also lose the stop in a TASK_INTERRUPTIBLE sleep:
// RUN: %check_kthread_lint --product=tool --check-suffix=OLD --config="{CheckOptions: {kthread-lost-wakeup.OldestKernel: '5.15'}}" %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=plugin --check-suffix=OLD --config="{CheckOptions: {kthread-lost-wakeup.OldestKernel: '5.15'}}" %s kthread-lost-wakeup %t -- -DCONFIG_DEBUG_ATOMIC_SLEEP
// RUN: %check_kthread_lint --product=clang --check-suffix=OLD --config="{CheckOptions: {kthread-lost-wakeup.OldestKernel: '5.15'}}" %s kthread-lost-wakeup %t -- -DCONFIG_DEBUG_ATOMIC_SLEEP

#include <linux/kernel.h>

void do_work(void);
int have_work(void);

//===--- Positives -------------------------------------------------------===//

/* Test first, then set the state: a stop in between is lost (before v6.1;
 * later kernels end this interruptible sleep with TIF_NOTIFY_SIGNAL). */
static int racy_fn(void *data)
{
	for (;;) {
		if (kthread_should_stop())
			break;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	// CHECK-MESSAGES-OLD: :[[@LINE-1]]:3: warning: 'schedule()' can sleep forever: the stop was tested before the task state was set, so a kthread_stop() in between is lost [kthread-lost-wakeup]
	// CHECK-MESSAGES-OLD: :[[@LINE-5]]:7: note: the stop is tested here
	// CHECK-MESSAGES-OLD: :[[@LINE-4]]:3: note: and the state is set only here
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The same through a while condition, in a helper the thread calls. */
static void wait_for_stop(void)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'schedule()' can sleep forever: the stop was tested before the task state was set, so a kthread_stop() in between is lost
	// CHECK-MESSAGES: :[[@LINE-4]]:10: note: the stop is tested here
	// CHECK-MESSAGES: :[[@LINE-4]]:3: note: and the state is set only here; set it before the test
	}
}

static int helper_caller(void *data)
{
	do_work();
	wait_for_stop();
	return 0;
}

//===--- Must stay silent ------------------------------------------------===//

/* The correct order (kernel/smpboot.c, ktdemo): state, test, sleep. */
static int correct_fn(void *data)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* prepare_to_wait() sets the state, then the test. */
static DECLARE_WAIT_QUEUE_HEAD(wq);
static int prepare_fn(void *data)
{
	DEFINE_WAIT(wait);

	while (!kthread_should_stop()) {
		prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);
		if (!have_work() && !kthread_should_stop())
			schedule();
		finish_wait(&wq, &wait);
		do_work();
	}
	return 0;
}

/* The wait_event macros set the state and re-test themselves. */
static int wait_event_fn(void *data)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(wq, have_work() || kthread_should_stop());
		do_work();
	}
	return 0;
}

/* A timed sleep ends by itself. */
static int timed_fn(void *data)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule_timeout(HZ);
	}
	return 0;
}

/* Back to TASK_RUNNING before schedule(): it does not sleep. */
static int running_fn(void *data)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		__set_current_state(TASK_RUNNING);
		schedule();
	}
	return 0;
}

void start_all(void)
{
	kthread_run(racy_fn, NULL, "a");
	kthread_run(helper_caller, NULL, "b");
	kthread_run(correct_fn, NULL, "c");
	kthread_run(prepare_fn, NULL, "d");
	kthread_run(wait_event_fn, NULL, "e");
	kthread_run(timed_fn, NULL, "f");
	kthread_run(running_fn, NULL, "g");
}
