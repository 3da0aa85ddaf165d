// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: ring-buffer: Fix crash passing ERR_PTR to kthread_stop()
 * source: upstream stable 6.1.183, as listed in Debian's linux 6.1.187-1 changelog ("ring-buffer: Fix crash passing ERR_PTR to kthread_stop()"); the after-side is linux-6.1 (6.1.192) kernel/trace/ring_buffer.c, the before-side that code with the unwind's test as it was (`if (!rb_threads[cpu]) break;`, see also the corpus case trace-ringbuffer-selftest-warn-on-null); commit id not seen
 * file: kernel/trace/ring_buffer.c
 * date: 2026-09-07
 * class: is-err
 * bug: fixed: the unwind stops at the first entry that is NULL or an error
 *      pointer (IS_ERR_OR_NULL()).
 * expect: none
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/ring_buffer.h>
#include <linux/kthread.h>
#include <linux/security.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/cpumask.h>

/*
 * Ring buffer startup self test (kernel/trace/ring_buffer.c,
 * CONFIG_RING_BUFFER_STARTUP_TEST) as in linux-6.1, as a module:
 * late_initcall() becomes module_init(). rb_write_something()'s event
 * writing is a stand-in; the threads, the creation loop, the hammer and
 * the unwind are the kernel's.
 */
static struct task_struct *rb_threads[NR_CPUS] __initdata;

struct rb_test_data {
	struct trace_buffer *buffer;
	unsigned long		events;
	unsigned long		events_nested;
	int			cpu;
	int			cnt;
};

static struct rb_test_data rb_data[NR_CPUS] __initdata;

/* 1 meg per cpu */
#define RB_TEST_BUFFER_SIZE	1048576

static bool rb_test_started __initdata;

/* Stand-in for rb_write_something(): the event writing and its checks. */
static __init void rb_write_something(struct rb_test_data *data, bool nested)
{
	bool started;

	started = rb_test_started;
	/* read rb_test_started before checking buffer enabled */
	smp_rmb();

	if (!started)
		return;
	if (nested)
		data->events_nested++;
	else
		data->events++;
}

static __init int rb_test(void *arg)
{
	struct rb_test_data *data = arg;

	while (!kthread_should_stop()) {
		rb_write_something(data, false);
		data->cnt++;

		set_current_state(TASK_INTERRUPTIBLE);
		/* Now sleep between a min of 100-300us and a max of 1ms */
		usleep_range(((data->cnt % 3) + 1) * 100, 1000);
	}

	return 0;
}

static __init void rb_ipi(void *ignore)
{
	struct rb_test_data *data;
	int cpu = smp_processor_id();

	data = &rb_data[cpu];
	rb_write_something(data, true);
}

static __init int rb_hammer_test(void *arg)
{
	while (!kthread_should_stop()) {

		/* Send an IPI to all cpus to write data! */
		smp_call_function(rb_ipi, NULL, 1);
		/* No sleep, but for non preempt, let others run */
		schedule();
	}

	return 0;
}

static __init int test_ringbuffer(void)
{
	struct task_struct *rb_hammer;
	struct trace_buffer *buffer;
	int cpu;
	int ret = 0;

	if (security_locked_down(LOCKDOWN_TRACEFS)) {
		pr_warn("Lockdown is enabled, skipping ring buffer tests\n");
		return 0;
	}

	pr_info("Running ring buffer tests...\n");

	buffer = ring_buffer_alloc(RB_TEST_BUFFER_SIZE, RB_FL_OVERWRITE);
	if (WARN_ON(!buffer))
		return 0;

	/* Disable buffer so that threads can't write to it yet */
	ring_buffer_record_off(buffer);

	for_each_online_cpu(cpu) {
		rb_data[cpu].buffer = buffer;
		rb_data[cpu].cpu = cpu;
		rb_data[cpu].cnt = cpu;
		rb_threads[cpu] = kthread_run_on_cpu(rb_test, &rb_data[cpu],
						     cpu, "rbtester/%u");
		if (WARN_ON(IS_ERR(rb_threads[cpu]))) {
			pr_cont("FAILED\n");
			ret = PTR_ERR(rb_threads[cpu]);
			goto out_free;
		}
	}

	/* Now create the rb hammer! */
	rb_hammer = kthread_run(rb_hammer_test, NULL, "rbhammer");
	if (WARN_ON(IS_ERR(rb_hammer))) {
		pr_cont("FAILED\n");
		ret = PTR_ERR(rb_hammer);
		goto out_free;
	}

	ring_buffer_record_on(buffer);
	/*
	 * Show buffer is enabled before setting rb_test_started.
	 * Yes there's a small race window where events could be
	 * dropped and the thread wont catch it. But when a ring
	 * buffer gets enabled, there will always be some kind of
	 * delay before other CPUs see it. Thus, we don't care about
	 * those dropped events. We care about events dropped after
	 * the threads see that the buffer is active.
	 */
	smp_wmb();
	rb_test_started = true;

	set_current_state(TASK_INTERRUPTIBLE);
	/* Just run for 10 seconds */;
	schedule_timeout(10 * HZ);

	kthread_stop(rb_hammer);

 out_free:
	for_each_online_cpu(cpu) {
		if (IS_ERR_OR_NULL(rb_threads[cpu]))
			break;
		kthread_stop(rb_threads[cpu]);
	}
	if (ret) {
		ring_buffer_free(buffer);
		return ret;
	}

	/* Report! (the per-cpu statistics and the buffer check are cut) */
	pr_info("finished\n");
	for_each_online_cpu(cpu) {
		struct rb_test_data *data = &rb_data[cpu];

		pr_info("CPU %d: events %lu nested %lu\n", cpu, data->events,
			data->events_nested);
	}

	ring_buffer_free(buffer);
	return ret;
}

module_init(test_ringbuffer);

MODULE_LICENSE("GPL");
