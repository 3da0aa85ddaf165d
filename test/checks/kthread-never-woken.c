// RUN: %check_kthread_lint --product=tool %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=plugin %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=clang %s kthread-never-woken %t

#include <linux/kernel.h>

static int worker_fn(void *data) { return 0; }
void register_thread(struct task_struct *t);
int setup_hw(void);

//===--- Positives -------------------------------------------------------===//

/* Created, bound, never woken: worker_fn never runs. */
int bad_bound_only(unsigned int cpu)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-bound");
	// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: thread created by 'kthread_create' is never woken: 'worker_fn' never runs, and the task sleeps forever [kthread-never-woken]
	// CHECK-MESSAGES: :[[@LINE-2]]:26: note: call wake_up_process() once it is set up, or create it with kthread_run()
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, cpu);
	return 0;
}

/* Kept in a field that nothing in the file ever wakes or stops. */
struct idle_dev {
	struct task_struct *task;
};

int bad_field_never_woken(struct idle_dev *d)
{
	d->task = kthread_create_on_node(worker_fn, d, 0, "kt-field");
	// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: thread created by 'kthread_create_on_node' is never woken: 'worker_fn' never runs, and the task sleeps forever
	if (IS_ERR(d->task))
		return PTR_ERR(d->task);
	return 0;
}

/* The error path after creation forgets the created thread. */
int bad_error_path(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-leak");
	// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: thread created by 'kthread_create' is never woken on some paths: 'worker_fn' never runs, and the task sleeps forever
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (setup_hw())
		return -ENODEV;
	wake_up_process(t);
	return 0;
}

/* A local copy of another field wakes that one, not this one. */
struct two_dev { struct task_struct *a, *b; };

static void wake_b(struct two_dev *d)
{
	struct task_struct *t = d->b;

	if (t)
		wake_up_process(t);
}

int bad_wakes_other(struct two_dev *d)
{
	d->a = kthread_create(worker_fn, d, "kt-a");
	// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: thread created by 'kthread_create' is never woken: 'worker_fn' never runs, and the task sleeps forever
	if (IS_ERR(d->a))
		return PTR_ERR(d->a);
	wake_b(d);
	return 0;
}

//===--- Must stay silent ------------------------------------------------===//

/* The canonical create, test, wake. */
int ok_create_wake(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-ok");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wake_up_process(t);
	return 0;
}

/* kthread_run wakes it. */
void ok_run(void)
{
	kthread_run(worker_fn, NULL, "kt-run");
}

/* smpboot: per-CPU threads created and parked, unparked when the CPU
 * comes online. */
static struct task_struct *percpu_thread[4];

int ok_smpboot_create(unsigned int cpu)
{
	struct task_struct *tsk;

	tsk = kthread_create_on_cpu(worker_fn, NULL, cpu, "ksoftirqd/%u");
	if (IS_ERR(tsk))
		return PTR_ERR(tsk);
	kthread_park(tsk);
	percpu_thread[cpu] = tsk;
	return 0;
}

/* Stored at probe, woken from another function through the same field. */
struct lazy_dev {
	struct task_struct *task;
};

int ok_lazy_probe(struct lazy_dev *d)
{
	d->task = kthread_create(worker_fn, d, "kt-lazy");
	if (IS_ERR(d->task))
		return PTR_ERR(d->task);
	return 0;
}

void ok_lazy_open(struct lazy_dev *d)
{
	wake_up_process(d->task);
}

/* Stopping a never-woken thread is legal: worker_fn never runs. */
int ok_stop_on_setup_failure(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-stop");
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (setup_hw()) {
		kthread_stop(t);
		return -ENODEV;
	}
	wake_up_process(t);
	return 0;
}

/* Returned to the caller, who wakes it. */
struct task_struct *ok_returned(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-ret");
	return t;
}

/* Handed to a function this file cannot see. */
int ok_escaped(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-esc");
	if (IS_ERR(t))
		return PTR_ERR(t);
	register_thread(t);
	return 0;
}

/* Parked, for a later kthread_unpark() through the global. */
static struct task_struct *parked;

int ok_park_global(void)
{
	parked = kthread_create(worker_fn, NULL, "kt-parked");
	if (IS_ERR(parked))
		return PTR_ERR(parked);
	kthread_park(parked);
	return 0;
}

/* drivers/scsi/qla2xxx/qla_os.c: woken by a helper that copies the field
 * into a local first (qla2xxx_wake_dpc()), and stopped the same way. */
struct qla_hw { struct task_struct *dpc_thread; };
int qla_setup_hw(struct qla_hw *ha);

static void qla_wake_dpc(struct qla_hw *ha)
{
	struct task_struct *t = ha->dpc_thread;

	if (t)
		wake_up_process(t);
}

static void qla_free_device(struct qla_hw *ha)
{
	if (ha->dpc_thread) {
		struct task_struct *t = ha->dpc_thread;

		ha->dpc_thread = NULL;
		kthread_stop(t);
	}
}

int qla_probe(struct qla_hw *ha)
{
	ha->dpc_thread = kthread_create(worker_fn, ha, "qla_dpc");
	if (IS_ERR(ha->dpc_thread)) {
		ha->dpc_thread = NULL;
		return -ENOMEM;
	}
	if (qla_setup_hw(ha))
		goto failed;
	qla_wake_dpc(ha);
	return 0;
failed:
	qla_free_device(ha);
	return -1;
}
