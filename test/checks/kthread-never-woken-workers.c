// On kernels whose headers declare kthread_run_worker() (v6.14, and trees
// that backport it), a worker made with kthread_create_worker() must be
// woken (CheckWorkers, on by default); with CheckWorkers off, silent.
// RUN: %check_kthread_lint --product=tool --check-suffix=WORKERS %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=plugin --check-suffix=WORKERS %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=clang --check-suffix=WORKERS %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=tool --config="{CheckOptions: {kthread-never-woken.CheckWorkers: 'false'}}" %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=plugin --config="{CheckOptions: {kthread-never-woken.CheckWorkers: 'false'}}" %s kthread-never-woken %t
// RUN: %check_kthread_lint --product=clang --config="{CheckOptions: {kthread-never-woken.CheckWorkers: 'false'}}" %s kthread-never-woken %t

#include <linux/kernel.h>

/* The newer API: creating no longer wakes the worker's task. */
__printf(2, 3)
struct kthread_worker *kthread_run_worker(unsigned int flags, const char namefmt[], ...);

static struct kthread_work work;

int bad_worker_queued_but_asleep(void)
{
	struct kthread_worker *w = kthread_create_worker(0, "kt-worker");
	// CHECK-MESSAGES-WORKERS: :[[@LINE-1]]:29: warning: thread created by 'kthread_create_worker' is never woken
	if (IS_ERR(w))
		return PTR_ERR(w);
	kthread_queue_work(w, &work);
	return 0;
}

int ok_worker_woken(void)
{
	struct kthread_worker *w = kthread_create_worker(0, "kt-worker2");
	if (IS_ERR(w))
		return PTR_ERR(w);
	wake_up_process(w->task);
	kthread_queue_work(w, &work);
	return 0;
}

static struct kthread_worker *global_worker;

int ok_worker_destroyed_elsewhere(void)
{
	global_worker = kthread_create_worker(0, "kt-worker3");
	return PTR_ERR_OR_ZERO(global_worker);
}

void ok_worker_exit(void)
{
	kthread_destroy_worker(global_worker);
}
