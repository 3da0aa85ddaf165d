// RUN: %check_kthread_lint --product=tool %s kthread-missing-should-stop %t
// RUN: %check_kthread_lint --product=plugin %s kthread-missing-should-stop %t
// RUN: %check_kthread_lint --product=clang %s kthread-missing-should-stop %t

#include <linux/kernel.h>

void do_work(void);
int have_work(void);

//===--- Rule 1: loops that never test the stop --------------------------===//

/* while (1) with a sleep: kthread_stop() wakes it, it sleeps again. */
static int poll_fn(void *data)
{
	while (1) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop never tests kthread_should_stop() and nothing else ends it: kthread_stop() waits forever for 'poll_fn' [kthread-missing-should-stop]
	// CHECK-MESSAGES: :[[@LINE-2]]:2: note: test kthread_should_stop() in the loop condition
		do_work();
		msleep(100);
	}
	return 0;
}

static struct task_struct *poll_task;

int poll_start(void)
{
	poll_task = kthread_run(poll_fn, NULL, "kt-poll");
	return PTR_ERR_OR_ZERO(poll_task);
}

void poll_stop(void)
{
	kthread_stop(poll_task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'poll_fn' to return
}

/* The handle goes through a local into the field that is stopped: the most
 * common shape in drivers (`t = kthread_run(...); ...; priv->task = t;`). */
struct ticker {
	struct task_struct *task;
};

static int ticker_fn(void *data)
{
	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop never tests kthread_should_stop() and nothing else ends it: kthread_stop() waits forever for 'ticker_fn'
		do_work();
		msleep(100);
	}
	return 0;
}

int ticker_start(struct ticker *tk)
{
	struct task_struct *t;

	t = kthread_run(ticker_fn, tk, "kt-tick");
	if (IS_ERR(t))
		return PTR_ERR(t);
	tk->task = t;
	return 0;
}

void ticker_stop(struct ticker *tk)
{
	kthread_stop(tk->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'ticker_fn' to return
}

/* The loop lives in a helper the thread function calls; the thread and its
 * stop meet through a struct field. */
struct pump {
	struct task_struct *task;
	struct completion go;
	wait_queue_head_t wq;
	struct semaphore sem;
	int ready;
};

static void pump_forever(struct pump *p)
{
	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop never tests kthread_should_stop() and nothing else ends it: kthread_stop() waits forever for 'pump_fn'
		do_work();
		schedule_timeout_interruptible(HZ);
	}
}

static int pump_fn(void *data)
// CHECK-MESSAGES: :[[@LINE-1]]:12: note: 'pump_forever' is reached from thread function 'pump_fn'
{
	struct pump *p = data;

	pump_forever(p);
	return 0;
}

int pump_start(struct pump *p)
{
	p->task = kthread_run(pump_fn, p, "kt-pump");
	return PTR_ERR_OR_ZERO(p->task);
}

void pump_stop(struct pump *p)
{
	kthread_stop(p->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'pump_fn' to return
}

/* A goto back edge is a loop too. */
static int goto_fn(void *data)
{
again:
	// CHECK-MESSAGES: :[[@LINE-1]]:1: warning: this loop never tests kthread_should_stop() and nothing else ends it: kthread_stop() waits forever for 'goto_fn'
	do_work();
	msleep(10);
	goto again;
	return 0;
}

void goto_start_stop(void)
{
	struct task_struct *t = kthread_run(goto_fn, NULL, "kt-goto");
	if (IS_ERR(t))
		return;
	kthread_stop(t);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'goto_fn' to return
}

//===--- Rule 1b: loops that test the stop but are not left on it --------===//

/* The test's result is thrown away: the loop sleeps again after the stop. */
static int dead_test_fn(void *data)
{
	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop goes on when kthread_should_stop() is true: kthread_stop() waits forever for 'dead_test_fn' to return [kthread-missing-should-stop]
		if (kthread_should_stop())
		// CHECK-MESSAGES: :[[@LINE-1]]:7: note: the stop is tested here, but no path from its true branch leaves the loop
			;
		do_work();
		msleep(100);
	}
	return 0;
}

static struct task_struct *dead_task;

int dead_start(void)
{
	dead_task = kthread_run(dead_test_fn, NULL, "kt-dead");
	return PTR_ERR_OR_ZERO(dead_task);
}

void dead_stop(void)
{
	kthread_stop(dead_task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'dead_test_fn' to return
}

/* kthread_should_stop_or_park() is a stop test too: thrown away the same. */
static int dead_sop_fn(void *data)
{
	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop goes on when kthread_should_stop() is true: kthread_stop() waits forever for 'dead_sop_fn' to return [kthread-missing-should-stop]
		if (kthread_should_stop_or_park())
		// CHECK-MESSAGES: :[[@LINE-1]]:7: note: the stop is tested here, but no path from its true branch leaves the loop
			do_work();
		msleep(100);
	}
	return 0;
}

static struct task_struct *dead_sop_task;

int dead_sop_start(void)
{
	dead_sop_task = kthread_run(dead_sop_fn, NULL, "kt-dead-sop");
	return PTR_ERR_OR_ZERO(dead_sop_task);
}

void dead_sop_stop(void)
{
	kthread_stop(dead_sop_task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'dead_sop_fn' to return
}

/* The stop only ends the inner wait: the outer loop waits again at once. */
static DECLARE_WAIT_QUEUE_HEAD(dead_wq);
static int inner_only_fn(void *data)
{
	while (1) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop goes on when kthread_should_stop() is true: kthread_stop() waits forever for 'inner_only_fn' to return [kthread-missing-should-stop]
		// CHECK-MESSAGES: :[[@LINE+1]]:52: note: the stop is tested here, but no path from its true branch leaves the loop
		wait_event_interruptible(dead_wq, have_work() || kthread_should_stop());
		do_work();
	}
	return 0;
}

static struct task_struct *inner_task;

int inner_start(void)
{
	inner_task = kthread_run(inner_only_fn, NULL, "kt-inner");
	return PTR_ERR_OR_ZERO(inner_task);
}

void inner_stop(void)
{
	kthread_stop(inner_task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'inner_only_fn' to return
}

/* Silent: the stop leaves through a goto, a return, or a local holding it. */
static int goto_out_fn(void *data)
{
	for (;;) {
		if (kthread_should_stop())
			goto out;
		do_work();
		msleep(10);
	}
out:
	return 0;
}

static int stop_var_fn(void *data)
{
	bool stop = false;

	while (1) {
		do_work();
		msleep(10);
		stop = kthread_should_stop();
		if (stop)
			break;
	}
	return 0;
}

/* Silent: the test's result goes to a caller we read no further. */
static int consume(bool stop)
{
	return stop ? 1 : 0;
}

static int passed_on_fn(void *data)
{
	for (;;) {
		if (consume(kthread_should_stop()))
			return 0;
		msleep(10);
	}
}

static struct task_struct *leaving_tasks[3];

int leaving_start(void)
{
	leaving_tasks[0] = kthread_run(goto_out_fn, NULL, "kt-goto");
	leaving_tasks[1] = kthread_run(stop_var_fn, NULL, "kt-var");
	leaving_tasks[2] = kthread_run(passed_on_fn, NULL, "kt-passed");
	return 0;
}

void leaving_stop(void)
{
	int i;

	for (i = 0; i < 3; i++)
		kthread_stop(leaving_tasks[i]);
}

//===--- Rule 2: waits kthread_stop() does not end -----------------------===//

struct waiter {
	struct task_struct *task;
	struct completion go;
	wait_queue_head_t wq;
	struct semaphore sem;
	int ready;
	int flag;
};

/* wait_for_completion() in a loop that does test the stop: the test is
 * never reached while it waits. */
static int completion_fn(void *data)
{
	struct waiter *w = data;

	while (!kthread_should_stop()) {
		wait_for_completion(&w->go);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'wait_for_completion' on completion 'w->go' is not ended by kthread_stop(), which then waits forever [kthread-missing-should-stop]
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'completion_fn' to return
		do_work();
	}
	return 0;
}

static int wq_fn(void *data)
{
	struct waiter *w = data;

	while (!kthread_should_stop()) {
		wait_event(w->wq, w->ready);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'wait_event' on wait queue 'w->wq' is not ended by kthread_stop(), which then waits forever
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'wq_fn' to return
		w->ready = 0;
		do_work();
	}
	return 0;
}

static int sem_fn(void *data)
{
	struct waiter *w = data;

	while (!kthread_should_stop()) {
		down(&w->sem);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'down' on semaphore 'w->sem' is not ended by kthread_stop(), which then waits forever
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'sem_fn' to return
		do_work();
	}
	return 0;
}

/* An uninterruptible schedule() loop on a flag that ignores the stop. */
static int flag_fn(void *data)
{
	struct waiter *w = data;

	while (!w->flag) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'schedule()' sleeps in a loop that never tests kthread_should_stop(): the thread sleeps again after kthread_stop() wakes it
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'flag_fn' to return
	}
	return 0;
}

/* Killable waits are not ended by kthread_stop() on any kernel. */
static int killable_fn(void *data)
{
	struct waiter *w = data;

	while (!kthread_should_stop()) {
		wait_for_completion_killable(&w->go);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'wait_for_completion_killable' on completion 'w->go' is not ended by kthread_stop(), which then waits forever
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'killable_fn' to return
		do_work();
	}
	return 0;
}

/* From v6.1 the interruptible wait returns at once after the stop
 * (TIF_NOTIFY_SIGNAL), so this loop spins, and kthread_stop() still never
 * returns: the loop is the report, not the wait. */
static int spin_fn(void *data)
{
	struct waiter *w = data;

	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop never tests kthread_should_stop() and nothing else ends it: kthread_stop() waits forever for 'spin_fn'
	// CHECK-MESSAGES: :[[@LINE-2]]:2: note: test kthread_should_stop() in the loop condition
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here waits for 'spin_fn' to return
		wait_event_interruptible(w->wq, w->ready);
		w->ready = 0;
		do_work();
	}
	return 0;
}

int waiters_start(struct waiter *w)
{
	w->task = kthread_run(completion_fn, w, "kt-c");
	w->task = kthread_run(wq_fn, w, "kt-wq");
	w->task = kthread_run(sem_fn, w, "kt-sem");
	w->task = kthread_run(flag_fn, w, "kt-flag");
	w->task = kthread_run(killable_fn, w, "kt-kill");
	w->task = kthread_run(spin_fn, w, "kt-spin");
	return 0;
}

void waiters_stop(struct waiter *w)
{
	kthread_stop(w->task); /* The notes above point here. */
}

//===--- Must stay silent ------------------------------------------------===//

/* kthreadd: loops forever, and nothing ever stops it. */
static int kthreadd_like(void *unused)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!have_work())
			schedule();
		__set_current_state(TASK_RUNNING);
		do_work();
	}
	return 0;
}

void start_kthreadd(void)
{
	kthread_run(kthreadd_like, NULL, "kthreadd");
}

/* The plain, correct loop. */
static int simple_fn(void *data)
{
	while (!kthread_should_stop()) {
		do_work();
		msleep(100);
	}
	return 0;
}

/* serio: the stop test inside the wait_event condition. */
static DECLARE_WAIT_QUEUE_HEAD(serio_wait);
static int serio_thread(void *nothing)
{
	do {
		do_work();
		wait_event_interruptible(serio_wait,
			kthread_should_stop() || have_work());
	} while (!kthread_should_stop());
	return 0;
}

/* hub_thread: drains its queue after the stop request. */
static DECLARE_WAIT_QUEUE_HEAD(khubd_wait);
static struct list_head hub_event_list;
static int hub_thread(void *__unused)
{
	set_freezable();
	do {
		do_work();
		wait_event_freezable(khubd_wait,
				!list_empty(&hub_event_list) ||
				kthread_should_stop());
	} while (!kthread_should_stop() || !list_empty(&hub_event_list));
	return 0;
}

/* pt3: a freezable loop. */
static int pt3_fetch_thread(void *data)
{
	bool was_frozen;

	set_freezable();
	while (!kthread_freezable_should_stop(&was_frozen)) {
		do_work();
		schedule_timeout_interruptible(msecs_to_jiffies(10));
	}
	return 0;
}

/* smpboot_thread_fn: parks and stops, state set before the tests. */
static int smpboot_like(void *data)
{
	while (1) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			return 0;
		}
		if (kthread_should_park()) {
			__set_current_state(TASK_RUNNING);
			kthread_parkme();
			continue;
		}
		if (!have_work()) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		do_work();
	}
}

/* A completion handshake: the stopper completes before kthread_stop(). */
static int handshake_fn(void *data)
{
	struct waiter *w = data;

	wait_for_completion(&w->go);
	while (!kthread_should_stop())
		msleep(10);
	return 0;
}

/* Interruptible and timed waits: kthread_stop() ends them on current
 * kernels, or they end by themselves. */
static int timed_fn(void *data)
{
	struct waiter *w = data;

	while (!kthread_should_stop()) {
		wait_event_timeout(w->wq, w->ready, HZ);
		wait_for_completion_timeout(&w->go, HZ);
		wait_event_interruptible(w->wq, w->ready);
		down_timeout(&w->sem, HZ);
	}
	return 0;
}

/* A user predicate that tests the stop, in a helper. */
static bool should_exit(void)
{
	return kthread_should_stop() || have_work() < 0;
}

static int helper_test_fn(void *data)
{
	for (;;) {
		if (should_exit())
			break;
		msleep(10);
	}
	return 0;
}

/* A loop with its own way out. */
static int break_fn(void *data)
{
	struct waiter *w = data;

	for (;;) {
		msleep(10);
		if (w->flag)
			break;
	}
	while (!kthread_should_stop())
		msleep(10);
	return 0;
}

/* The audit's FP-6: a helper waits for I/O that a completion handler of the
 * same file signals (fs/ocfs2/cluster/heartbeat.c, drivers/md/dm-*.c);
 * kthread_stop() only waits a little longer. */
struct io_dev {
	struct completion io_done;
};

void io_end(struct io_dev *d)
{
	complete(&d->io_done);
}

void submit_io(struct io_dev *d);

static void do_io(struct io_dev *d)
{
	struct completion on_stack;

	submit_io(d);
	wait_for_completion(&d->io_done);
	init_completion(&on_stack);
	wait_for_completion(&on_stack);
	wait_for_completion_io(&d->io_done);
}

static int io_fn(void *data)
{
	while (!kthread_should_stop()) {
		do_io(data);
		msleep(10);
	}
	return 0;
}

/* The audit's FP-7 (vchiq_core.c): created, then stopped on the creator's
 * error path before anything woke it; the function never runs. */
int setup_hw(void);
static int never_runs_fn(void *data)
{
	for (;;)
		msleep(10);
	return 0;
}

int early_stop_init(void)
{
	struct task_struct *t = kthread_create(never_runs_fn, NULL, "kt-early");

	if (IS_ERR(t))
		return PTR_ERR(t);
	if (setup_hw()) {
		kthread_stop(t);
		return -ENODEV;
	}
	return 0;
}

struct silent {
	struct task_struct *t[10];
	struct waiter w;
};

int silent_start(struct silent *s)
{
	s->t[0] = kthread_run(simple_fn, NULL, "kt-simple");
	s->t[1] = kthread_run(serio_thread, NULL, "kseriod");
	s->t[2] = kthread_run(hub_thread, NULL, "khubd");
	s->t[3] = kthread_run(pt3_fetch_thread, NULL, "pt3");
	s->t[4] = kthread_create_on_cpu(smpboot_like, NULL, 0, "smp/%u");
	s->t[5] = kthread_run(handshake_fn, &s->w, "kt-hs");
	s->t[6] = kthread_run(timed_fn, &s->w, "kt-timed");
	s->t[7] = kthread_run(helper_test_fn, NULL, "kt-helper");
	s->t[8] = kthread_run(break_fn, &s->w, "kt-break");
	s->t[9] = kthread_run(io_fn, NULL, "kt-io");
	return 0;
}

void silent_stop(struct silent *s)
{
	int i;

	complete(&s->w.go);
	for (i = 0; i < 10; i++)
		kthread_stop(s->t[i]);
}

/* The same loop four calls below the thread function: followed however
 * deep. */
static void deep_pump_forever(void)
{
	for (;;) {
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: this loop never tests kthread_should_stop() and nothing else ends it: kthread_stop() waits forever for 'deep_pump_fn'
		do_work();
		schedule_timeout_interruptible(HZ);
	}
}

static void deep_pump_3(void) { deep_pump_forever(); }
static void deep_pump_2(void) { deep_pump_3(); }
static void deep_pump_1(void) { deep_pump_2(); }

static int deep_pump_fn(void *data)
// CHECK-MESSAGES: :[[@LINE-1]]:12: note: 'deep_pump_forever' is reached from thread function 'deep_pump_fn'
{
	deep_pump_1();
	return 0;
}

static struct task_struct *deep_pump_task;

int deep_pump_start(void)
{
	deep_pump_task = kthread_run(deep_pump_fn, NULL, "kt-deep-pump");
	return PTR_ERR_OR_ZERO(deep_pump_task);
}

void deep_pump_stop(void)
{
	kthread_stop(deep_pump_task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'kthread_stop' called here waits for 'deep_pump_fn' to return
}

/* Silent: the thread waits for the module's own lock, which its unlock in a
 * header of the module wakes; kthread_stop() only waits for the holder. */
#include "kthread-missing-should-stop-rwsem.h"

struct gc {
	struct task_struct *task;
	struct drv_rwsem sem;
};

static int gc_fn(void *data)
{
	struct gc *gc = data;

	while (!kthread_should_stop()) {
		drv_down_read(&gc->sem);
		do_work();
		msleep(100);
	}
	return 0;
}

int gc_start(struct gc *gc)
{
	gc->task = kthread_run(gc_fn, gc, "kt-gc");
	return PTR_ERR_OR_ZERO(gc->task);
}

void gc_stop(struct gc *gc)
{
	kthread_stop(gc->task);
}
