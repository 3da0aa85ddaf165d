// RUN: %check_kthread_lint --product=tool %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=plugin %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=clang %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=tool --check-suffix=STRICT --config="{CheckOptions: {kthread-missing-is-err.StrictStorage: 'true'}}" %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=plugin --check-suffix=STRICT --config="{CheckOptions: {kthread-missing-is-err.StrictStorage: 'true'}}" %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=clang --check-suffix=STRICT --config="{CheckOptions: {kthread-missing-is-err.StrictStorage: 'true'}}" %s kthread-missing-is-err %t

#include <linux/kernel.h>
#include <linux/device.h>

static int worker_fn(void *data) { return 0; }

struct priv {
	struct task_struct *task;
	struct completion done;
	int id;
};

//===--- Rule 1: used before IS_ERR() ------------------------------------===//

int bad_wake_unchecked(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-bad");
	wake_up_process(t);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 't' may be an ERR_PTR here: 'wake_up_process' would use a failed 'kthread_create' as a task [kthread-missing-is-err]
	// CHECK-MESSAGES: :[[@LINE-3]]:26: note: 'kthread_create' called here; test its result with IS_ERR() and return PTR_ERR() first
	return 0;
}

int bad_bind_before_test(unsigned int cpu)
{
	struct task_struct *t;

	t = kthread_create_on_node(worker_fn, NULL, 0, "kt/%u", cpu);
	kthread_bind(t, cpu);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 't' may be an ERR_PTR here: 'kthread_bind' would use a failed 'kthread_create_on_node' as a task
	// CHECK-MESSAGES: :[[@LINE-3]]:6: note: 'kthread_create_on_node' called here; test its result with IS_ERR() and return PTR_ERR() first
	if (IS_ERR(t))
		return PTR_ERR(t);
	wake_up_process(t);
	return 0;
}

int bad_deref(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-deref");
	pr_info("started pid %d\n", t->pid);
	// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 't' may be an ERR_PTR here: dereferencing a failed 'kthread_run' oopses
	// CHECK-MESSAGES: :[[@LINE-3]]:26: note: 'kthread_run' called here; test its result with IS_ERR() and return PTR_ERR() first
	return 0;
}

int bad_only_on_one_path(int flag)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-path");
	if (flag) {
		if (IS_ERR(t))
			return PTR_ERR(t);
	}
	kthread_stop(t);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 't' may be an ERR_PTR here: 'kthread_stop' would use a failed 'kthread_run' as a task
	return 0;
}

struct unwinder {
	struct task_struct *task;
};

int bad_stop_in_error_path(struct unwinder *p)
{
	int err;

	p->task = kthread_run(worker_fn, p, "kt-unwind");
	if (IS_ERR(p->task)) {
		err = PTR_ERR(p->task);
		goto out_stop;
	}
	return 0;
out_stop:
	kthread_stop(p->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'p->task' may be an ERR_PTR here: 'kthread_stop' would use a failed 'kthread_run' as a task
	return err;
}

//===--- Rule 2: NULL tests ----------------------------------------------===//

int bad_null_test(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-null");
	if (!t)
	// CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'kthread_run' returns ERR_PTR() on failure, never NULL: this test lets the error pointer go on as a task [kthread-missing-is-err]
	// CHECK-FIXES: {{^}}	if (IS_ERR(t)){{$}}
		return -ENOMEM;
	kthread_stop(t);
	return 0;
}

int bad_eq_null(struct priv *p)
{
	p->task = kthread_create(worker_fn, p, "kt-eq");
	if (p->task == NULL)
	// CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'kthread_create' returns ERR_PTR() on failure, never NULL: this test lets the error pointer go on as a task
	// CHECK-FIXES: {{^}}	if (IS_ERR(p->task)){{$}}
		return -ENOMEM;
	wake_up_process(p->task);
	return 0;
}

int bad_null_ne_reversed(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-ne");
	if (NULL != t) {
	// CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'kthread_run' returns ERR_PTR() on failure, never NULL: this test lets the error pointer go on as a task
	// CHECK-FIXES: {{^}}	if (!IS_ERR(t)) {{{$}}
		kthread_stop(t);
	}
	return 0;
}

int bad_if_handle(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-if");
	if (t)
	// CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'kthread_run' returns ERR_PTR() on failure, never NULL: this test lets the error pointer go on as a task
	// CHECK-FIXES: {{^}}	if (!IS_ERR(t)){{$}}
		kthread_stop(t);
	return 0;
}

int bad_warn_on_null(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-warn");
	if (WARN_ON(!t))
	// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'kthread_run' returns ERR_PTR() on failure, never NULL: this test lets the error pointer go on as a task
	// CHECK-FIXES: {{^}}	if (WARN_ON(IS_ERR(t))){{$}}
		return -ENOMEM;
	kthread_stop(t);
	return 0;
}

struct task_struct *fallback_task;

struct task_struct *bad_elvis(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-elvis");
	return t ?: fallback_task;
	// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'kthread_run' returns ERR_PTR() on failure, never NULL: this test lets the error pointer go on as a task
}

//===--- Rule 3: an ERR_PTR left in storage ------------------------------===//

struct ctx {
	struct task_struct *poller;
	int state;
};

/* The poller is optional: on failure the device works without it, and the
 * ERR_PTR stays for the NULL-guarded stop (the shape of the v6.1 bugs in
 * cx88, saa7134, msp3400). */
int ctx_start(struct ctx *c)
{
	c->poller = kthread_run(worker_fn, c, "kt-poll");
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_run' can stay in 'c->poller' after this function returns, and 'kthread_stop' will use it as a task [kthread-missing-is-err]
	if (IS_ERR(c->poller))
		pr_warn("no poller, polling disabled\n");
	return 0;
}

void ctx_stop(struct ctx *c)
{
	if (c->poller)
		kthread_stop(c->poller);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: the error pointer reaches 'kthread_stop' here, past a NULL test; set 'c->poller' to NULL when creation fails
}

//===--- Must stay silent ------------------------------------------------===//

/* Probe returns the failure: remove() never runs after a failed probe, so
 * its NULL-guarded stop never sees the ERR_PTR (drivers/iio/chemical/sgp30.c,
 * drivers/platform/x86/intel_ips.c). Reported only with StrictStorage. */
struct probed {
	struct task_struct *task;
};

int probed_probe(struct probed *p)
{
	int err;

	p->task = kthread_run(worker_fn, p, "kt-probed");
	// CHECK-MESSAGES-STRICT: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_run' can stay in 'p->task' after this function returns
	if (IS_ERR(p->task)) {
		err = PTR_ERR(p->task);
		return err;
	}
	return 0;
}

void probed_remove(struct probed *p)
{
	if (p->task)
		kthread_stop(p->task);
	// CHECK-MESSAGES-STRICT: :[[@LINE-1]]:3: note: the error pointer reaches 'kthread_stop' here, past a NULL test
}

/* drivers/char/ipmi/ipmi_ipmb.c: the failure is returned, but the probe's
 * own unwind first runs the cleanup, whose NULL test lets the ERR_PTR
 * through to kthread_stop(). */
struct ipmb_dev {
	struct task_struct *thread;
};
int ipmb_register(struct ipmb_dev *iidev);

static void ipmb_stop_thread(struct ipmb_dev *iidev)
{
	if (iidev->thread) {
		struct task_struct *t = iidev->thread;

		iidev->thread = NULL;
		kthread_stop(t);
	}
}

static void ipmb_cleanup(struct ipmb_dev *iidev)
{
	ipmb_stop_thread(iidev);
}

int ipmb_probe(struct ipmb_dev *iidev)
{
	int rv;

	iidev->thread = kthread_run(worker_fn, iidev, "kipmb");
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_run' can stay in 'iidev->thread' after this function returns, and 'kthread_stop' will use it as a task [kthread-missing-is-err]
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: the error pointer reaches 'kthread_stop' here, past a NULL test
	if (IS_ERR(iidev->thread)) {
		rv = PTR_ERR(iidev->thread);
		goto out_err;
	}
	rv = ipmb_register(iidev);
	if (rv)
		goto out_err;
	return 0;
out_err:
	ipmb_cleanup(iidev);
	return rv;
}

/* Unwind loops over the elements created before the failed one
 * (drivers/md/bcache/btree.c, fs/jfs/super.c, st-dma-fence-chain.c). */
static int loop_fn(void *d)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}
static struct task_struct *pool[4];
struct check_info { struct task_struct *thread; int result; };
struct check_state { struct check_info infos[4]; };

int pool_start(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		pool[i] = kthread_run(loop_fn, NULL, "pool/%d", i);
		if (IS_ERR(pool[i])) {
			for (--i; i >= 0; i--)
				kthread_stop(pool[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

int check_start(struct check_state *st)
{
	int i;

	for (i = 0; i < 4; i++) {
		st->infos[i].thread = kthread_run(loop_fn, NULL, "chk/%d", i);
		if (IS_ERR(st->infos[i].thread)) {
			for (--i; i >= 0; i--)
				kthread_stop(st->infos[i].thread);
			return -ENOMEM;
		}
	}
	return 0;
}

static struct task_struct *commit_pool[4];
static int commit_threads = 4;

int commit_start(void)
{
	int i, rc;

	for (i = 0; i < commit_threads; i++) {
		commit_pool[i] = kthread_run(loop_fn, NULL, "jfsCommit");
		if (IS_ERR(commit_pool[i])) {
			rc = PTR_ERR(commit_pool[i]);
			commit_threads = i;
			goto kill_committask;
		}
	}
	return 0;
kill_committask:
	for (i = 0; i < commit_threads; i++)
		kthread_stop(commit_pool[i]);
	return rc;
}

/* The unwind loop that still includes the failed element. */
int commit_start_all(void)
{
	int i, rc, n = 4;

	for (i = 0; i < n; i++) {
		commit_pool[i] = kthread_run(loop_fn, NULL, "jfsCommit");
		if (IS_ERR(commit_pool[i])) {
			rc = PTR_ERR(commit_pool[i]);
			goto kill;
		}
	}
	return 0;
kill:
	for (i = 0; i < n; i++)
		kthread_stop(commit_pool[i]);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'commit_pool[]' may be an ERR_PTR here: 'kthread_stop' would use a failed 'kthread_run' as a task
	// CHECK-MESSAGES: :{{[0-9]+}}:20: note: 'kthread_run' called here
	return rc;
}

/* drivers/iio/chemical/sgp30.c: the failure is returned through
 * dev_err_probe(), which logs and returns its error argument; remove() runs
 * only after a successful probe. */
struct sgp_data {
	struct task_struct *iaq_thread;
};

int sgp_probe(struct device *dev, struct sgp_data *data)
{
	data->iaq_thread = kthread_run(loop_fn, data, "sgp-iaq");
	// CHECK-MESSAGES-STRICT: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_run' can stay in 'data->iaq_thread' after this function returns
	if (IS_ERR(data->iaq_thread))
		return dev_err_probe(dev, PTR_ERR(data->iaq_thread),
				     "failed to start IAQ thread\n");
	return 0;
}

void sgp_remove(struct sgp_data *data)
{
	if (data->iaq_thread)
		kthread_stop(data->iaq_thread);
	// CHECK-MESSAGES-STRICT: :[[@LINE-1]]:3: note: the error pointer reaches 'kthread_stop' here, past a NULL test
}

/* The caller frees the object on failure (drivers/ptp/ptp_clock.c). */
struct ptp_like {
	struct kthread_worker *kworker;
};

struct ptp_like *ptp_like_register(void)
{
	struct ptp_like *ptp = kzalloc(sizeof(*ptp), GFP_KERNEL);
	int err = -ENOMEM;

	if (!ptp)
		goto no_memory;
	ptp->kworker = kthread_create_worker(0, "ptp");
	if (IS_ERR(ptp->kworker)) {
		err = PTR_ERR(ptp->kworker);
		goto kworker_err;
	}
	return ptp;
kworker_err:
	kfree(ptp);
no_memory:
	return ERR_PTR(err);
}

void ptp_like_unregister(struct ptp_like *ptp)
{
	if (ptp->kworker)
		kthread_destroy_worker(ptp->kworker);
	kfree(ptp);
}

/* A BUG_ON() before the reset to NULL (mm/vmscan.c kswapd_run()). */
struct pgdat_like {
	struct task_struct *kswapd;
};
extern int system_state;

void kswapd_like_run(struct pgdat_like *pgdat)
{
	if (!pgdat->kswapd) {
		pgdat->kswapd = kthread_run(worker_fn, pgdat, "kswapd0");
		if (IS_ERR(pgdat->kswapd)) {
			BUG_ON(system_state < 2);
			pr_err("Failed to start kswapd\n");
			pgdat->kswapd = NULL;
		}
	}
}

void kswapd_like_stop(struct pgdat_like *pgdat)
{
	struct task_struct *kswapd = pgdat->kswapd;

	if (kswapd) {
		kthread_stop(kswapd);
		pgdat->kswapd = NULL;
	}
}

/* The canonical pattern (drivers everywhere). */
int ok_is_err_return(void)
{
	struct task_struct *t;

	t = kthread_create(worker_fn, NULL, "kt-ok");
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, 0);
	wake_up_process(t);
	return 0;
}

/* `if (!IS_ERR(t))` guards, as in kthread_run itself. */
void ok_not_is_err_guard(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "kt-guard");
	if (!IS_ERR(t))
		wake_up_process(t);
}

/* IS_ERR_OR_NULL, with unlikely() around it. */
int ok_is_err_or_null(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-eon");
	if (unlikely(IS_ERR_OR_NULL(t)))
		return -ENOMEM;
	kthread_stop(t);
	return 0;
}

/* drivers/... style: goto error unwinding, the field reset to NULL. */
int ok_goto_unwind(struct priv *p)
{
	int err;

	p->task = kthread_run(worker_fn, p, "kt-unw");
	if (IS_ERR(p->task)) {
		err = PTR_ERR(p->task);
		p->task = NULL;
		goto err_free;
	}
	return 0;
err_free:
	kfree(p);
	return err;
}

void ok_priv_stop(struct priv *p)
{
	if (p->task)
		kthread_stop(p->task);
}

/* PTR_ERR_OR_ZERO through a variable (fs/, net/). */
int ok_ptr_err_or_zero(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-poz");
	int ret = PTR_ERR_OR_ZERO(t);
	if (ret)
		return ret;
	kthread_stop(t);
	return 0;
}

/* The result returned to the caller: the caller's business. */
struct task_struct *ok_returned(void *data)
{
	return kthread_create(worker_fn, data, "kt-ret");
}

/* kthread_run's own IS_ERR is not the caller's, but stays silent inside. */
void ok_run_discarded(void)
{
	kthread_run(worker_fn, NULL, "kt-fire-and-forget");
}

/* WARN_ON(IS_ERR(t)) as the test (kernel/...). */
int ok_warn_on_is_err(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-woe");
	if (WARN_ON(IS_ERR(t)))
		return PTR_ERR(t);
	kthread_stop(t);
	return 0;
}

/* pr_err("%pe") prints the error pointer: not a use. */
int ok_print_error(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-pe");
	if (IS_ERR(t)) {
		pr_err("cannot start thread: %pe\n", t);
		return PTR_ERR(t);
	}
	kthread_stop(t);
	return 0;
}

/* The module-global pattern: init returns on failure, so exit never runs
 * with the error pointer, and exit stops unconditionally. */
static struct task_struct *g_thread;

int ok_global_init(void)
{
	g_thread = kthread_run(worker_fn, NULL, "kt-global");
	if (IS_ERR(g_thread))
		return PTR_ERR(g_thread);
	return 0;
}

void ok_global_exit(void)
{
	kthread_stop(g_thread);
}

/* Per-CPU threads in an array, tested in the loop (smpboot-like). */
static struct task_struct *per_cpu_threads[4];

int ok_array(void)
{
	int cpu;

	for (cpu = 0; cpu < 4; cpu++) {
		per_cpu_threads[cpu] = kthread_create_on_cpu(worker_fn, NULL, cpu, "kt/%u");
		if (IS_ERR(per_cpu_threads[cpu]))
			return PTR_ERR(per_cpu_threads[cpu]);
		kthread_park(per_cpu_threads[cpu]);
	}
	return 0;
}

/* A local test variable, as in drivers/.../: bool failed = IS_ERR(t). */
int ok_test_variable(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-var");
	bool failed = IS_ERR(t);

	if (failed)
		return PTR_ERR(t);
	kthread_stop(t);
	return 0;
}

/* A redundant NULL test beside IS_ERR() (lib/test_firmware.c,
 * drivers/block/aoe/aoecmd.c): IS_ERR() sees the failure. */
int ok_null_or_is_err(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-both");

	if (t == NULL || IS_ERR(t))
		return -ENOMEM;
	kthread_stop(t);
	return 0;
}

int ok_not_or_is_err(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-both2");

	if (!t || IS_ERR(t))
		return -ENOMEM;
	kthread_stop(t);
	return 0;
}

/* NOLINT works as in clang-tidy. */
int suppressed(void)
{
	struct task_struct *t = kthread_run(worker_fn, NULL, "kt-nolint");
	if (!t) // NOLINT(kthread-missing-is-err)
		return -ENOMEM;
	return 0;
}

/* msp3400's probe: a function pointer set NULL, then chosen on some paths;
   the branch that starts the thread is feasible, and so is its NULL test. */
int bad_null_test_under_chosen_fn(int mode)
{
	int (*thread_func)(void *data) = NULL;
	struct task_struct *t;

	switch (mode) {
	case 1:
		thread_func = worker_fn;
		break;
	}
	if (thread_func) {
		t = kthread_run(thread_func, NULL, "kt-chosen");
		if (t == NULL)
		// CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'kthread_run' returns ERR_PTR() on failure, never NULL
			return -ENOMEM;
		kthread_stop(t);
	}
	return 0;
}
