// RUN: %check_kthread_lint --product=tool %s kthread-name-format %t
// RUN: %check_kthread_lint --product=plugin %s kthread-name-format %t
// RUN: %check_kthread_lint --product=clang %s kthread-name-format %t

#include <linux/kernel.h>

static int thread_fn(void *data) { return 0; }
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);

struct sched { const char *name; struct task_struct *thread; };
struct state { struct task_struct *slot_handler; };

#define START_WORKER(n) kthread_run(thread_fn, NULL, n)
#define SCHED_NAME(s) (s)->name

//===--- (a) A non-literal name used as the format ------------------------===//

/* drivers/gpu/drm/scheduler/sched_main.c (v6.1): a driver-given name. */
int bad_sched_init(struct sched *sched)
{
	sched->thread = kthread_run(thread_fn, sched, sched->name);
	// CHECK-MESSAGES: :[[@LINE-1]]:48: warning: thread name 'sched->name' is used as the format string of 'kthread_run': a '%' in it reads arguments that are not there [kthread-name-format]
	// CHECK-FIXES: {{^}}	sched->thread = kthread_run(thread_fn, sched, "%s", sched->name);{{$}}
	return PTR_ERR_OR_ZERO(sched->thread);
}

/* vchiq_core.c (v6.1): a name built with snprintf() first. */
int bad_snprintf_buffer(struct state *state, int id)
{
	char threadname[16];

	snprintf(threadname, sizeof(threadname), "vchiq-slot/%d", id);
	state->slot_handler = kthread_create(thread_fn, state, threadname);
	// CHECK-MESSAGES: :[[@LINE-1]]:57: warning: thread name 'threadname' is used as the format string of 'kthread_create': a '%' in it reads arguments that are not there
	// CHECK-FIXES: {{^}}	state->slot_handler = kthread_create(thread_fn, state, "%s", threadname);{{$}}
	if (IS_ERR(state->slot_handler))
		return PTR_ERR(state->slot_handler);
	wake_up_process(state->slot_handler);
	return 0;
}

/* The primitive itself, called directly. */
struct task_struct *bad_on_node(const char *name, int node)
{
	return kthread_create_on_node(thread_fn, NULL, node, name);
	// CHECK-MESSAGES: :[[@LINE-1]]:55: warning: thread name 'name' is used as the format string of 'kthread_create_on_node': a '%' in it reads arguments that are not there
	// CHECK-FIXES: {{^}}	return kthread_create_on_node(thread_fn, NULL, node, "%s", name);{{$}}
}

/* Workers are named the same way. */
struct kthread_worker *bad_worker(const char *name)
{
	return kthread_create_worker(0, name);
	// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: thread name 'name' is used as the format string of 'kthread_create_worker': a '%' in it reads arguments that are not there
	// CHECK-FIXES: {{^}}	return kthread_create_worker(0, "%s", name);{{$}}
}

/* Through the project's own macro: reported, but no fix-it, which would
 * change the macro's arguments. */
struct task_struct *bad_own_macro(const char *name)
{
	return START_WORKER(name);
	// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: thread name 'name' is used as the format string of 'kthread_run': a '%' in it reads arguments that are not there
	// CHECK-FIXES: {{^}}	return START_WORKER(name);{{$}}
}

/* The name comes out of a macro body: no fix-it either. */
struct task_struct *bad_name_macro(struct sched *s)
{
	return kthread_run(thread_fn, s, SCHED_NAME(s));
	// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: thread name 'SCHED_NAME(s)' is used as the format string of 'kthread_run': a '%' in it reads arguments that are not there
	// CHECK-FIXES: {{^}}	return kthread_run(thread_fn, s, SCHED_NAME(s));{{$}}
}

//===--- (b) Names that comm cuts at 15 characters ------------------------===//

/* kernel/audit.c (v6.1): 16 characters, shows as "audit_send_repl". */
struct task_struct *bad_long_literal(void *reply)
{
	return kthread_run(thread_fn, reply, "audit_send_reply");
	// CHECK-MESSAGES: :[[@LINE-1]]:39: warning: thread name 'audit_send_reply' is 16 characters long, but comm keeps only 15: ps and /proc show it as 'audit_send_repl' [kthread-name-format]
}

/* The fixed part alone is too long, whatever the number. */
struct task_struct *bad_long_prefix(int id)
{
	return kthread_create(thread_fn, NULL, "ktdemo-producer-%d", id);
	// CHECK-MESSAGES: :[[@LINE-1]]:41: warning: thread name 'ktdemo-producer-%d' is at least 17 characters long, but comm keeps only 15: ps and /proc show it as 'ktdemo-producer'
}

/* A string whose length we know is counted in. */
struct task_struct *bad_known_argument(void)
{
	return kthread_run(thread_fn, NULL, "%s-%s", "mydriver", "watchdog");
	// CHECK-MESSAGES: :[[@LINE-1]]:38: warning: thread name 'mydriver-watchdog' is 17 characters long, but comm keeps only 15: ps and /proc show it as 'mydriver-watchd'
}

/* An unknown string in front: what is cut depends on it. */
struct task_struct *bad_unknown_in_front(const char *dev)
{
	return kthread_run(thread_fn, NULL, "%s-consumer-worker", dev);
	// CHECK-MESSAGES: :[[@LINE-1]]:38: warning: thread name '%s-consumer-worker' is at least 16 characters long once formatted, but comm keeps only 15: the rest is lost [kthread-name-format]
}

/* kernel/rcu/rcutorture.c (v6.1): shows as "rcu_torture_boo" on every cpu. */
struct task_struct *bad_long_on_cpu(unsigned int cpu)
{
	return kthread_run_on_cpu(thread_fn, NULL, cpu, "rcu_torture_boost_%u");
	// CHECK-MESSAGES: :[[@LINE-1]]:50: warning: thread name 'rcu_torture_boost_%u' is at least 19 characters long, but comm keeps only 15: ps and /proc show it as 'rcu_torture_boo'
}

/* A constant cpu number is known. */
struct task_struct *bad_known_cpu(void)
{
	return kthread_create_on_cpu(thread_fn, NULL, 123, "kt-housekeep/%u");
	// CHECK-MESSAGES: :[[@LINE-1]]:53: warning: thread name 'kt-housekeep/123' is 16 characters long, but comm keeps only 15: ps and /proc show it as 'kt-housekeep/12'
}

//===--- (c) *_on_cpu formats take the cpu number, and only it ------------===//

/* drivers/firmware/psci/psci_checker.c (v6.1): no conversion, and too long. */
struct task_struct *bad_no_cpu_conversion(unsigned int cpu)
{
	return kthread_create_on_cpu(thread_fn, NULL, cpu, "psci_suspend_test");
	// CHECK-MESSAGES: :[[@LINE-1]]:53: warning: 'kthread_create_on_cpu' passes the cpu number to the name format, but 'psci_suspend_test' has no conversion for it: every cpu's thread gets the same name [kthread-name-format]
	// CHECK-MESSAGES: :[[@LINE-2]]:53: warning: thread name 'psci_suspend_test' is 17 characters long, but comm keeps only 15: ps and /proc show it as 'psci_suspend_te'
}

struct task_struct *bad_two_conversions(unsigned int cpu)
{
	return kthread_run_on_cpu(thread_fn, NULL, cpu, "kt/%u:%d");
	// CHECK-MESSAGES: :[[@LINE-1]]:50: warning: 'kthread_run_on_cpu' passes only the cpu number, but 'kt/%u:%d' reads 2 arguments: the others are garbage in the name, or an oops on '%s' [kthread-name-format]
}

struct task_struct *bad_string_conversion(unsigned int cpu)
{
	return kthread_run_on_cpu(thread_fn, NULL, cpu, "kt/%s");
	// CHECK-MESSAGES: :[[@LINE-1]]:50: warning: 'kthread_run_on_cpu' passes the cpu number as an unsigned int, but 'kt/%s' formats it with '%s': the name comes out as garbage [kthread-name-format]
}

struct task_struct *bad_long_conversion(unsigned int cpu)
{
	return kthread_create_on_cpu(thread_fn, NULL, cpu, "kt/%lu");
	// CHECK-MESSAGES: :[[@LINE-1]]:53: warning: 'kthread_create_on_cpu' passes the cpu number as an unsigned int, but 'kt/%lu' formats it with '%lu': the name comes out as garbage
}

//===--- Must stay silent -------------------------------------------------===//

/* The fix of (a): the name is an argument. */
struct task_struct *ok_percent_s(struct sched *sched)
{
	return kthread_run(thread_fn, sched, "%s", sched->name);
}

/* kernel/irq/manage.c (v6.1): "irq/%d-%s", the compiler checks the args. */
struct task_struct *ok_irq_thread(int irq, const char *name)
{
	return kthread_create(thread_fn, NULL, "irq/%d-%s", irq, name);
}

/* drivers/md/dm-crypt.c (v6.1): 14 characters before the device name. */
struct task_struct *ok_dm_crypt(const char *devname)
{
	return kthread_run(thread_fn, NULL, "dmcrypt_write/%s", devname);
}

/* Exactly 15 characters fit. */
struct task_struct *ok_fifteen(void)
{
	return kthread_run(thread_fn, NULL, "ktdemo-consumer");
}

/* A name format with arguments of its own: the compiler's business. */
struct task_struct *ok_format_variable(const char *fmt, int id)
{
	return kthread_run(thread_fn, NULL, fmt, id);
}

/* A constant array is a literal name, and a short one. */
static const char short_name[] = "kt-short";
struct task_struct *ok_const_array(void)
{
	return kthread_run(thread_fn, NULL, short_name);
}

/* kernel/trace/trace_hwlat.c (v6.1) and drivers/tty/mips_ejtag_fdc.c. */
struct task_struct *ok_on_cpu(unsigned int cpu)
{
	struct task_struct *t = kthread_run_on_cpu(thread_fn, NULL, cpu, "hwlatd/%u");

	if (IS_ERR(t))
		return t;
	return kthread_run_on_cpu(thread_fn, NULL, cpu, "ttyFDC/%u");
}

/* A signed conversion prints every cpu number the same way. */
struct task_struct *ok_on_cpu_signed(unsigned int cpu)
{
	return kthread_create_on_cpu(thread_fn, NULL, cpu, "kt-poll/%d");
}

/* kernel/trace/trace_osnoise.c (v6.1): a name formatted beforehand; the
 * *_on_cpu format is unchecked whatever it is, and not a printf hole we
 * could fix with "%s". */
struct task_struct *ok_on_cpu_prebuilt(unsigned int cpu, const char *comm)
{
	return kthread_run_on_cpu(thread_fn, NULL, cpu, comm);
}

/* "%%" is a literal percent sign, not a conversion. */
struct task_struct *ok_on_cpu_percent(unsigned int cpu)
{
	return kthread_create_on_cpu(thread_fn, NULL, cpu, "kt%%/%u");
}

/* Workers: kthread_create_worker_on_cpu() is __printf in v6.1. */
struct kthread_worker *ok_worker_on_cpu(int cpu)
{
	return kthread_create_worker_on_cpu(cpu, 0, "kt-worker/%d", cpu);
}
