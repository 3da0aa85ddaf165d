// RUN: %check_kthread_lint --product=tool %s kthread-exit-before-stop %t
// RUN: %check_kthread_lint --product=plugin %s kthread-exit-before-stop %t
// RUN: %check_kthread_lint --product=clang %s kthread-exit-before-stop %t

#include <linux/kernel.h>

void do_work(void);
int have_work(void);

//===--- Positives -------------------------------------------------------===//

/* kthread_stop_put() without get_task_struct() first drops the thread's own
 * reference: the task is no more pinned than with kthread_stop(). */
static struct task_struct *unpinned_put_task;

static int unpinned_put_fn(void *data)
{
	do_work();
	return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'unpinned_put_fn' can end here before kthread_should_stop() is true: 'unpinned_put_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop_put' called here on a task that may be gone
}

void unpinned_put_cycle(void)
{
	unpinned_put_task = kthread_run(unpinned_put_fn, NULL, "kt-unpinned");
	if (IS_ERR(unpinned_put_task))
		return;
	kthread_stop_put(unpinned_put_task);
}

/* The popular tutorial: wait for a completion, return; cleanup does
 * complete() then kthread_stop(). The thread may be gone by then. */
static DECLARE_COMPLETION(release);
static struct task_struct *tutorial_task;

static int tutorial_fn(void *data)
{
	wait_for_completion(&release);
	pr_info("released\n");
	return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'tutorial_fn' can end here before kthread_should_stop() is true: 'tutorial_exit' then stops a task that may be freed [kthread-exit-before-stop]
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here on a task that may be gone
}

int tutorial_init(void)
{
	tutorial_task = kthread_run(tutorial_fn, NULL, "kt-tutorial");
	return PTR_ERR_OR_ZERO(tutorial_task);
}

void tutorial_exit(void)
{
	complete(&release);
	kthread_stop(tutorial_task);
}

/* An early error return in a loop that otherwise waits for the stop; the
 * thread and its stop meet through a struct field. */
struct poller {
	struct task_struct *task;
	int broken;
};

static int poller_fn(void *data)
{
	struct poller *p = data;

	while (!kthread_should_stop()) {
		if (p->broken)
			return -EINVAL;
	// CHECK-MESSAGES: :[[@LINE-1]]:4: warning: thread function 'poller_fn' can end here before kthread_should_stop() is true: 'poller_stop' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here on a task that may be gone
		msleep(10);
	}
	return 0;
}

int poller_start(struct poller *p)
{
	p->task = kthread_run(poller_fn, p, "kt-poller");
	return PTR_ERR_OR_ZERO(p->task);
}

void poller_stop(struct poller *p)
{
	kthread_stop(p->task);
}

/* A loop that also ends when its own work is done: `&&` of the negated
 * stop test is false when either side is, so the return is reachable
 * unstopped. */
static struct task_struct *done_task;
static int done_flag;

static int done_fn(void *arg)
{
	while (!kthread_should_stop() && !done_flag)
		msleep(10);
	return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'done_fn' can end here before kthread_should_stop() is true: 'done_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
}

void done_cycle(void)
{
	done_task = kthread_run(done_fn, NULL, "kt-done");
	if (!IS_ERR(done_task))
		kthread_stop(done_task);
}

/* The data pointer's NULL test is real when some creation passes NULL. */
static struct task_struct *maybe_task;

static int maybe_fn(void *arg)
{
	int *count = arg;

	if (!count)
		return -EINVAL;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: thread function 'maybe_fn' can end here before kthread_should_stop() is true: 'maybe_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
	while (!kthread_should_stop())
		msleep(*count);
	return 0;
}

void maybe_cycle(void)
{
	maybe_task = kthread_run(maybe_fn, NULL, "kt-maybe");
	if (!IS_ERR(maybe_task))
		kthread_stop(maybe_task);
}

/* Comparing the data pointer with another pointer is no NULL test. */
static struct task_struct *cmp_task;
static int cmp_limit;

static int cmp_fn(void *arg)
{
	int *count = arg;

	if (count == &cmp_limit)
		return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: thread function 'cmp_fn' can end here before kthread_should_stop() is true: 'cmp_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
	while (!kthread_should_stop())
		msleep(*count);
	return 0;
}

void cmp_cycle(int *count)
{
	cmp_task = kthread_run(cmp_fn, count, "kt-cmp");
	if (!IS_ERR(cmp_task))
		kthread_stop(cmp_task);
}

/* A timeout compared with a positive value is a real exit condition. */
static struct task_struct *slow_task;

static int slow_fn(void *arg)
{
	for (;;) {
		long left = schedule_timeout_interruptible(HZ);

		if (left > 0 || kthread_should_stop())
			break;
	}
	return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'slow_fn' can end here before kthread_should_stop() is true: 'slow_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
}

void slow_cycle(void)
{
	slow_task = kthread_run(slow_fn, NULL, "kt-slow");
	if (!IS_ERR(slow_task))
		kthread_stop(slow_task);
}

/* Signalled before the early return: the stopper goes on to the stop. */
static DECLARE_COMPLETION(ready_done);
static struct task_struct *ready_task;

static int ready_fn(void *data)
{
	complete(&ready_done);
	if (!have_work())
		return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: thread function 'ready_fn' can end here before kthread_should_stop() is true: 'ready_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here on a task that may be gone
	while (!kthread_should_stop())
		msleep(10);
	return 0;
}

void ready_cycle(void)
{
	ready_task = kthread_run(ready_fn, NULL, "kt-ready");
	if (IS_ERR(ready_task))
		return;
	wait_for_completion(&ready_done);
	kthread_stop(ready_task);
}

/* A thread that allows a signal can be interrupted by it, stop or not. */
static struct task_struct *sig_task;

static int sig_fn(void *data)
{
	allow_signal(SIGKILL);
	while (!kthread_should_stop()) {
		if (msleep_interruptible(1000))
			break;
		do_work();
	}
	return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'sig_fn' can end here before kthread_should_stop() is true: 'sig_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
}

void sig_cycle(void)
{
	sig_task = kthread_run(sig_fn, NULL, "kt-sig");
	if (!IS_ERR(sig_task))
		kthread_stop(sig_task);
}

/* kthread_exit() ends the thread just the same. */
static struct task_struct *exiter;

static int exiter_fn(void *data)
{
	do_work();
	kthread_exit(0);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'exiter_fn' can end here before kthread_should_stop() is true: 'exiter_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
}

void exiter_cycle(void)
{
	exiter = kthread_run(exiter_fn, NULL, "kt-exit");
	if (!IS_ERR(exiter))
		kthread_stop(exiter);
}

/* kthread_complete_and_exit() (v5.17) too, though it completes a completion
 * first: the stopper does not wait on it. */
static struct task_struct *completer;
static DECLARE_COMPLETION(completer_done);

static int completer_fn(void *data)
{
	do_work();
	kthread_complete_and_exit(&completer_done, 0);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'completer_fn' can end here before kthread_should_stop() is true: 'completer_cycle' then stops a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
}

void completer_cycle(void)
{
	completer = kthread_run(completer_fn, NULL, "kt-complete");
	if (!IS_ERR(completer))
		kthread_stop(completer);
}

/* Two stoppers: which of them races (btmrvl's probe unwind is safe, its
 * remove is not) is for the reader to judge, so both are named. */
static struct task_struct *twice;

static int twice_fn(void *data)
{
	do_work();
	return 0;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: thread function 'twice_fn' can end here before kthread_should_stop() is true: 'twice_unwind', and 1 more, then stop a task that may be freed
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'kthread_stop' called here on a task that may be gone
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here on a task that may be gone
}

int twice_start(void)
{
	twice = kthread_run(twice_fn, NULL, "kt-twice");
	return PTR_ERR_OR_ZERO(twice);
}

void twice_unwind(int err)
{
	if (err)
		kthread_stop(twice);
}

void twice_remove(void)
{
	kthread_stop(twice);
}

//===--- Must stay silent ------------------------------------------------===//

/* Returns only after the stop test was true. */
static int loop_fn(void *data)
{
	while (!kthread_should_stop()) {
		do_work();
		msleep(10);
	}
	return 0;
}

/* A tail loop after the work: waits for the stop before returning. */
static int tail_fn(void *data)
{
	do_work();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

/* The stop test through a variable (kernel/workqueue.c rescuer_thread). */
static int rescuer_like(void *data)
{
	bool should_stop;

repeat:
	set_current_state(TASK_IDLE);
	should_stop = kthread_should_stop();
	do_work();
	if (should_stop) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	schedule();
	goto repeat;
}

/* A helper that only returns once the stop was requested. */
static void sleep_until_stopped(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int helper_fn(void *data)
{
	do_work();
	sleep_until_stopped();
	return 0;
}

/* Returns early, but the stopper holds a reference. */
static struct task_struct *pinned;

static int oneshot_fn(void *data)
{
	do_work();
	return 0;
}

int pinned_start(void)
{
	pinned = kthread_run(oneshot_fn, NULL, "kt-oneshot");
	if (IS_ERR(pinned))
		return PTR_ERR(pinned);
	get_task_struct(pinned);
	return 0;
}

void pinned_stop(void)
{
	kthread_stop(pinned);
	put_task_struct(pinned);
}

/* net/core/pktgen.c: pinned through the local the handle came back in, then
 * kept in a field that the exit path stops and puts. */
struct pg_thread { struct task_struct *tsk; int exiting; };

static int pg_worker(void *arg)
{
	struct pg_thread *t = arg;

	while (!kthread_should_stop()) {
		if (t->exiting)
			break;
		msleep(10);
	}
	return 0;
}

int pg_create(struct pg_thread *t)
{
	struct task_struct *p = kthread_run(pg_worker, t, "kpktgend");

	if (IS_ERR(p))
		return PTR_ERR(p);
	t->tsk = p;
	get_task_struct(p);
	return 0;
}

void pg_exit(struct pg_thread *t)
{
	t->exiting = 1;
	kthread_stop(t->tsk);
	put_task_struct(t->tsk);
}

/* kthread_should_stop_or_park() (v6.12's wait_woken()) is a stop test: a
 * loop on it returns only once it is true (the doc page says what this
 * misses: it is true on a park too). */
static struct task_struct *sop_task;

static int sop_fn(void *data)
{
	while (!kthread_should_stop_or_park()) {
		do_work();
		msleep(10);
	}
	return 0;
}

void sop_cycle(void)
{
	sop_task = kthread_run(sop_fn, NULL, "kt-sop");
	if (!IS_ERR(sop_task))
		kthread_stop(sop_task);
}

/* kthread_stop_put() names the reference it drops. */
static struct task_struct *stop_put_task;

void stop_put_cycle(void)
{
	stop_put_task = kthread_run(oneshot_fn, NULL, "kt-stopput");
	if (IS_ERR(stop_put_task))
		return;
	get_task_struct(stop_put_task);
	kthread_stop_put(stop_put_task);
}

/* ext4's lazyinit thread: it clears ext4_li_info before it returns on its
 * own, and the stopper tests it first (fs/ext4/super.c). */
struct li_info { int dummy; };
static struct li_info *li_info;
static struct task_struct *lazyinit_task;

static int lazyinit_fn(void *arg)
{
	while (have_work())
		do_work();
	kfree(li_info);
	li_info = NULL;
	return 0;
}

int lazyinit_start(void)
{
	lazyinit_task = kthread_run(lazyinit_fn, NULL, "ext4lazyinit");
	return PTR_ERR_OR_ZERO(lazyinit_task);
}

void lazyinit_destroy(void)
{
	if (!li_info || !lazyinit_task)
		return;
	kthread_stop(lazyinit_task);
}

/* fs/ocfs2/journal.c ocfs2_commit_thread(): the loop ends only once the
 * stop was requested and the work drained, written as a negated `&&` (the
 * De Morgan twin of `!kthread_should_stop() || !list_empty(&q)`). */
struct journal { int num_trans; wait_queue_head_t wq; struct task_struct *task; };

static int commit_thread(void *arg)
{
	struct journal *j = arg;

	while (!(kthread_should_stop() && j->num_trans == 0)) {
		wait_event_interruptible(j->wq, j->num_trans ||
					 kthread_should_stop());
		do_work();
	}
	return 0;
}

/* The same drain loop with `||`, and with the stop test second. */
static int drain_thread(void *arg)
{
	struct journal *j = arg;

	while (j->num_trans != 0 || !kthread_should_stop())
		wait_event_interruptible(j->wq, j->num_trans ||
					 kthread_should_stop());
	return 0;
}

void journal_cycle(struct journal *j)
{
	j->task = kthread_run(commit_thread, j, "commit");
	kthread_stop(j->task);
	j->task = kthread_run(drain_thread, j, "drain");
	kthread_stop(j->task);
}

/* drivers/misc/genwqe/card_base.c: a flag that starts at 0 and is then only
 * set from the stop test, inside the wait condition. */
struct health { struct task_struct *task; wait_queue_head_t wq; int ready; };

static int health_thread(void *data)
{
	struct health *h = data;
	int should_stop = 0;

	while (!kthread_should_stop()) {
		wait_event_interruptible_timeout(h->wq,
			h->ready || (should_stop = kthread_should_stop()), HZ);
		if (should_stop)
			break;
		do_work();
	}
	return 0;
}

/* drivers/media/pci/solo6x10: schedule_timeout() never returns a negative
 * value, so only the stop test can take this break. */
static int ring_thread(void *data)
{
	for (;;) {
		long timeout = schedule_timeout_interruptible(HZ);

		if (timeout == -ERESTARTSYS || kthread_should_stop())
			break;
		do_work();
	}
	return 0;
}

/* drivers/media/spi/cxd2880-spi.c: a defensive NULL test of the data
 * pointer, which every creation passes non-NULL. */
static int ts_read(void *arg)
{
	struct health *h = NULL;

	h = arg;
	if (!h)
		return -EINVAL;
	while (!kthread_should_stop())
		wait_event_interruptible(h->wq, h->ready || kthread_should_stop());
	return 0;
}

void health_cycle(struct health *h)
{
	h->task = kthread_run(health_thread, h, "health");
	kthread_stop(h->task);
	h->task = kthread_run(ring_thread, h, "ring");
	kthread_stop(h->task);
	h->task = kthread_run(ts_read, h, "ts");
	kthread_stop(h->task);
}

/* kernel/trace/preemptirq_delay_test.c: the stopper first waits for a
 * completion the thread signals only after its early return, so it never
 * reaches kthread_stop() after that return (it would hang instead). */
static DECLARE_COMPLETION(test_done);
int alloc_mask(void);

static int delay_run(void *data)
{
	if (!alloc_mask())
		return -ENOMEM;
	do_work();
	complete(&test_done);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int run_test(void)
{
	struct task_struct *task = kthread_run(delay_run, NULL, "delay");

	if (IS_ERR(task))
		return PTR_ERR(task);
	wait_for_completion(&test_done);
	kthread_stop(task);
	return 0;
}

/* A thread ignores signals, so an interrupted sleep or lock means that
 * kthread_stop() set TIF_NOTIFY_SIGNAL (v6.1+), or never happens
 * (av7110's arm_thread, trace_hwlat's kthread_fn). */
struct arm_mon { struct task_struct *task; wait_queue_head_t wq; struct mutex lock; int ready; };

static int arm_thread(void *data)
{
	struct arm_mon *a = data;
	long timeout;

	for (;;) {
		timeout = wait_event_interruptible_timeout(a->wq,
				kthread_should_stop(), 5 * HZ);
		if (-ERESTARTSYS == timeout || kthread_should_stop())
			break;
		if (mutex_lock_interruptible(&a->lock))
			break;
		do_work();
		mutex_unlock(&a->lock);
		if (msleep_interruptible(10))
			break;
	}
	return 0;
}

void arm_cycle(struct arm_mon *a)
{
	a->task = kthread_run(arm_thread, a, "arm_mon");
	kthread_stop(a->task);
}

/* The same through a helper that returns 0 or what the interruptible wait
 * returned (vchiq_core.c's remote_event_wait() in v6.12, test/corpus). */
struct remote_event { int fired; };
struct slots { struct task_struct *task; wait_queue_head_t wq; struct remote_event ev; };

static int remote_event_wait(wait_queue_head_t *wq, struct remote_event *event)
{
	int ret = 0;

	if (!event->fired) {
		ret = wait_event_interruptible(*wq, event->fired);
		if (ret)
			return ret;
	}
	event->fired = 0;
	return ret;
}

static int slot_thread(void *data)
{
	struct slots *s = data;
	int ret;

	while (!kthread_should_stop()) {
		ret = remote_event_wait(&s->wq, &s->ev);
		if (ret)
			return ret;
		do_work();
	}
	return 0;
}

void slot_cycle(struct slots *s)
{
	s->task = kthread_run(slot_thread, s, "slots");
	kthread_stop(s->task);
}

/* But a helper that also returns other non-zero values says nothing. */
static int event_wait_or_error(wait_queue_head_t *wq, struct remote_event *event)
{
	if (event->fired < 0)
		return -5; /* -EIO */
	return wait_event_interruptible(*wq, event->fired);
}

struct failing_slots { struct task_struct *task; wait_queue_head_t wq; struct remote_event ev; };

static int failing_slot_thread(void *data)
{
	struct failing_slots *s = data;

	while (!kthread_should_stop()) {
		if (event_wait_or_error(&s->wq, &s->ev))
			return -5;
		// CHECK-MESSAGES: :[[@LINE-1]]:4: warning: thread function 'failing_slot_thread' can end here before kthread_should_stop() is true: 'failing_slot_cycle' then stops a task that may be freed [kthread-exit-before-stop]
		// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'kthread_stop' called here on a task that may be gone
		do_work();
	}
	return 0;
}

void failing_slot_cycle(struct failing_slots *s)
{
	s->task = kthread_run(failing_slot_thread, s, "slots");
	kthread_stop(s->task);
}

/* A thread that nothing stops may return whenever it likes. */
static int fire_and_forget(void *data)
{
	do_work();
	return 0;
}

void fire(void)
{
	kthread_run(fire_and_forget, NULL, "kt-fire");
}

struct silent {
	struct task_struct *t[4];
};

void silent_cycle(struct silent *s)
{
	int i;

	s->t[0] = kthread_run(loop_fn, NULL, "a");
	s->t[1] = kthread_run(tail_fn, NULL, "b");
	s->t[2] = kthread_run(rescuer_like, NULL, "c");
	s->t[3] = kthread_run(helper_fn, NULL, "d");
	for (i = 0; i < 4; i++)
		kthread_stop(s->t[i]);
}

/* The same helper four calls down: followed however deep. */
static void wind_down_3(void) { sleep_until_stopped(); }
static void wind_down_2(void) { wind_down_3(); }
static void wind_down_1(void) { wind_down_2(); }

static int deep_helper_fn(void *data)
{
	do_work();
	wind_down_1();
	return 0;
}

static struct task_struct *deep_helper;

int deep_helper_start(void)
{
	deep_helper = kthread_run(deep_helper_fn, NULL, "kt-deep-helper");
	if (IS_ERR(deep_helper))
		return PTR_ERR(deep_helper);
	return 0;
}

void deep_helper_stop(void)
{
	kthread_stop(deep_helper);
}
