// SPDX-License-Identifier: GPL-2.0
/*
 * ktdemo - the kthread API used the way the kernel wants it.
 *
 * This is kthread-lint's reference module: kthread-lint must report nothing
 * here, and every buggy variant under variants/ is this file with exactly one
 * mistake put in. The rules quoted in the comments are those of
 * include/linux/kthread.h and kernel/kthread.c; the module needs v6.1 or
 * later (wait_for_completion_state()).
 *
 * Five threads, one per pattern:
 *   consumer  - kthread_run(); sleeps on a wait queue whose condition
 *               includes kthread_should_stop().
 *   producer  - kthread_create() + IS_ERR/PTR_ERR + wake_up_process(); a
 *               timed worker loop in the lost-wakeup-safe order.
 *   waiter    - waits for a completion; the module completes it *before*
 *               kthread_stop().
 *   oneshot   - does its job and returns without waiting to be stopped; the
 *               module pins its task with get_task_struct() so that the
 *               later kthread_stop() + put_task_struct() is safe.
 *   selftest  - detached: holds a module reference, returns on its own with
 *               module_put_and_kthread_exit(), and is never kthread_stop()ed.
 * Every thread says in dmesg that it ran and what it did.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

#define KTDEMO_PERIOD_MS	100	/* one produced item per period */
#define KTDEMO_LOG_ITEMS	3	/* log only the first items, not all */

/*
 * Every handle is a global because module exit (and the error path of init)
 * must find each thread again to stop it before the module's code goes away.
 */
static struct task_struct *consumer;
static struct task_struct *producer;
static struct task_struct *waiter;
static struct task_struct *oneshot;

static DECLARE_WAIT_QUEUE_HEAD(ktdemo_wq);	/* consumer sleeps here */
static DECLARE_COMPLETION(ktdemo_release);	/* the waiter sleeps on it */
static atomic_t ktdemo_items = ATOMIC_INIT(0);	/* produced, not consumed */

/*
 * Sleeps until kthread_stop(). The state is set *before* the stop bit is
 * tested: if kthread_stop() comes between the test and schedule(), its
 * wake_up_process() has already put us back to TASK_RUNNING and schedule()
 * returns at once. Testing first and setting the state after would lose
 * that wake-up and sleep forever, with kthread_stop() waiting for us.
 */
static void ktdemo_sleep_until_stopped(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int ktdemo_consumer_fn(void *data)
{
	unsigned int n = 0;

	pr_info("consumer: started\n");
	while (!kthread_should_stop()) {
		/*
		 * kthread_stop() wakes this thread exactly once. The wait
		 * re-tests its condition after every wake-up, so the condition
		 * itself must include kthread_should_stop(); without it the
		 * thread goes straight back to sleep and kthread_stop() (and
		 * with it rmmod) waits forever. wait_event_idle() sleeps
		 * uninterruptibly (nothing but the condition ends it) without
		 * counting in the load average, as an idle worker should.
		 */
		wait_event_idle(ktdemo_wq,
				atomic_read(&ktdemo_items) > 0 || kthread_should_stop());
		while (atomic_add_unless(&ktdemo_items, -1, 0)) {
			if (++n <= KTDEMO_LOG_ITEMS)
				pr_info("consumer: consumed item %u\n", n);
		}
	}
	pr_info("consumer: exiting after %u items (stop requested: %d)\n",
		n, kthread_should_stop());
	return 0;
}

static int ktdemo_producer_fn(void *data)
{
	unsigned int n = 0;

	pr_info("producer: started\n");
	for (;;) {
		/* Lost-wakeup-safe order: state, then stop test, then sleep. */
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule_timeout(msecs_to_jiffies(KTDEMO_PERIOD_MS));
		/* Woken by kthread_stop(): no last item for the consumer. */
		if (kthread_should_stop())
			break;
		atomic_inc(&ktdemo_items);
		wake_up(&ktdemo_wq);
		if (++n <= KTDEMO_LOG_ITEMS)
			pr_info("producer: produced item %u\n", n);
	}
	__set_current_state(TASK_RUNNING);
	pr_info("producer: exiting after %u items (stop requested: %d)\n",
		n, kthread_should_stop());
	return 0;
}

static int ktdemo_waiter_fn(void *data)
{
	pr_info("waiter: started, waiting for release\n");
	/*
	 * This wait ends only with complete(&ktdemo_release): kthread_stop()
	 * wakes the thread but does not complete the completion, so the wait
	 * goes back to sleep. Whoever stops this thread must complete() first,
	 * then call kthread_stop(). The sleep is TASK_IDLE: uninterruptible
	 * (not even kthread_stop()'s TIF_NOTIFY_SIGNAL of v6.1+ ends it), yet
	 * neither a hung task after hung_task_timeout_secs nor load, although
	 * it lasts as long as the module is loaded.
	 */
	wait_for_completion_state(&ktdemo_release, TASK_IDLE);
	pr_info("waiter: released\n");
	/*
	 * Do not return before being asked to: kthread_stop() is coming, and
	 * it must find a live task (see oneshot for the other way).
	 */
	ktdemo_sleep_until_stopped();
	pr_info("waiter: exiting (stop requested: %d)\n",
		kthread_should_stop());
	return 0;
}

static int ktdemo_oneshot_fn(void *data)
{
	unsigned long sum = 0, i;

	pr_info("oneshot: started\n");
	for (i = 1; i <= 1000; i++)
		sum += i;
	/*
	 * Returning before kthread_stop() is fine here only because init
	 * holds a reference on our task (get_task_struct()); without it the
	 * task could be freed before module exit calls kthread_stop() on it.
	 */
	pr_info("oneshot: sum 1..1000 = %lu, exiting (stop requested: %d)\n",
		sum, kthread_should_stop());
	return 0;
}

static int ktdemo_selftest_fn(void *data)
{
	unsigned int n, i, sum, ok = 0;

	pr_info("selftest: started\n");
	for (n = 0; n < 32; n++) {
		for (sum = 0, i = 1; i <= n; i++)
			sum += i;
		ok += sum == n * (n + 1) / 2;
	}
	pr_info("selftest: %u/32 passed\n", ok);
	/*
	 * Nobody stops this thread: it ends itself and drops the module
	 * reference that init took for it, in one step, so that the module
	 * cannot be unloaded while this code still runs.
	 */
	module_put_and_kthread_exit(0);
}

/* Starts the detached selftest thread; see ktdemo_selftest_fn(). */
static int ktdemo_start_selftest(void)
{
	struct task_struct *t;

	/* Taken before the thread can run; the thread drops it on exit. */
	__module_get(THIS_MODULE);
	/*
	 * kthread_create() returns a thread that sleeps until woken, so its
	 * creator can finish setting it up first: here, the lowest priority.
	 */
	t = kthread_create(ktdemo_selftest_fn, NULL, "ktdemo-selftest");
	if (IS_ERR(t)) {
		/* Never NULL on failure: an ERR_PTR, tested with IS_ERR(). */
		module_put(THIS_MODULE);
		return PTR_ERR(t);
	}
	set_user_nice(t, MAX_NICE);
	/* Nothing else will ever wake or stop it: without this it never runs. */
	wake_up_process(t);
	return 0;
}

static int __init ktdemo_init(void)
{
	int err;

	/*
	 * The consumer first, so that everything produced has a reader.
	 * kthread_run() = kthread_create() + wake_up_process() when the
	 * creation succeeded; on failure it yields an ERR_PTR, never NULL.
	 */
	consumer = kthread_run(ktdemo_consumer_fn, NULL, "ktdemo-consumer");
	if (IS_ERR(consumer))
		return PTR_ERR(consumer);

	/* Created asleep, so that it can be set up before it runs. */
	producer = kthread_create(ktdemo_producer_fn, NULL, "ktdemo-producer");
	if (IS_ERR(producer)) {
		err = PTR_ERR(producer);
		goto err_stop_consumer;
	}
	set_user_nice(producer, 5);
	wake_up_process(producer);

	waiter = kthread_run(ktdemo_waiter_fn, NULL, "ktdemo-waiter");
	if (IS_ERR(waiter)) {
		err = PTR_ERR(waiter);
		goto err_stop_producer;
	}

	/*
	 * The reference must be taken between creation and wake-up: once
	 * woken, the thread may finish and its task be freed at any time.
	 */
	oneshot = kthread_create(ktdemo_oneshot_fn, NULL, "ktdemo-oneshot");
	if (IS_ERR(oneshot)) {
		err = PTR_ERR(oneshot);
		goto err_stop_waiter;
	}
	get_task_struct(oneshot);
	wake_up_process(oneshot);

	err = ktdemo_start_selftest();
	if (err)
		goto err_stop_oneshot;

	pr_info("loaded\n");
	return 0;

	/* Undo in the reverse order of creation, exactly like module exit. */
err_stop_oneshot:
	kthread_stop(oneshot);
	put_task_struct(oneshot);
err_stop_waiter:
	complete(&ktdemo_release);
	kthread_stop(waiter);
err_stop_producer:
	kthread_stop(producer);
err_stop_consumer:
	kthread_stop(consumer);
	return err;
}

static void __exit ktdemo_exit(void)
{
	int ret;

	/* Pinned by get_task_struct(): safe even though it has returned. */
	ret = kthread_stop(oneshot);
	put_task_struct(oneshot);
	pr_info("exit: oneshot stopped (%d)\n", ret);

	/*
	 * complete() first: kthread_stop() would wake the thread, but
	 * wait_for_completion() would put it straight back to sleep and
	 * kthread_stop() would wait for it forever.
	 */
	complete(&ktdemo_release);
	ret = kthread_stop(waiter);
	pr_info("exit: waiter stopped (%d)\n", ret);

	/* The producer before the consumer: nothing is produced unread. */
	ret = kthread_stop(producer);
	pr_info("exit: producer stopped (%d)\n", ret);
	ret = kthread_stop(consumer);
	pr_info("exit: consumer stopped (%d)\n", ret);

	/* selftest holds a module reference: it has already ended. */
	pr_info("unloaded\n");
}

module_init(ktdemo_init);
module_exit(ktdemo_exit);

MODULE_DESCRIPTION("kthread-lint reference module: the kthread API used correctly");
MODULE_AUTHOR("kthread-lint developers");
MODULE_LICENSE("GPL");
