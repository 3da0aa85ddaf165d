// Interruptible waits hang kthread_stop() only on kernels before about v6.1.
// Reported when the headers are older (LINUX_VERSION_CODE), or when the
// OldestKernel option names an older kernel.
// RUN: %check_kthread_lint --product=tool %s kthread-missing-should-stop %t -- -DOLD_HEADERS
// RUN: %check_kthread_lint --product=plugin %s kthread-missing-should-stop %t -- -DOLD_HEADERS
// RUN: %check_kthread_lint --product=clang %s kthread-missing-should-stop %t -- -DOLD_HEADERS
// RUN: %check_kthread_lint --product=tool --config="{CheckOptions: {kthread-missing-should-stop.OldestKernel: '5.15'}}" %s kthread-missing-should-stop %t
// RUN: %check_kthread_lint --product=plugin --config="{CheckOptions: {kthread-missing-should-stop.OldestKernel: '5.15'}}" %s kthread-missing-should-stop %t
// RUN: %check_kthread_lint --product=clang --config="{CheckOptions: {kthread-missing-should-stop.OldestKernel: '5.15'}}" %s kthread-missing-should-stop %t

#ifdef OLD_HEADERS
#define LINUX_VERSION_CODE 331264 /* 5.14.0 */
#endif
#include <linux/kernel.h>

struct ev {
	struct task_struct *task;
	wait_queue_head_t wq;
	struct completion go;
	int pending;
};

static int ev_fn(void *data)
{
	struct ev *e = data;

	while (!kthread_should_stop()) {
		wait_event_interruptible(e->wq, e->pending);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'wait_event_interruptible' on wait queue 'e->wq' is not ended by kthread_stop() before v6.1, which then waits forever [kthread-missing-should-stop]
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'ev_fn' to return
		e->pending = 0;
		wait_for_completion_interruptible(&e->go);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'wait_for_completion_interruptible' on completion 'e->go' is not ended by kthread_stop() before v6.1, which then waits forever
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'ev_fn' to return
	}
	return 0;
}

/* Still silent: the stop test is in the condition. */
static int ok_fn(void *data)
{
	struct ev *e = data;

	while (!kthread_should_stop())
		wait_event_interruptible(e->wq, e->pending || kthread_should_stop());
	return 0;
}

int ev_start(struct ev *e)
{
	e->task = kthread_run(ev_fn, e, "kt-ev");
	e->task = kthread_run(ok_fn, e, "kt-ok");
	return 0;
}

void ev_stop(struct ev *e)
{
	kthread_stop(e->task);
}
