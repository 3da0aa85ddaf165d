// RUN: %check_kthread_lint --product=tool %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=plugin %s kthread-missing-is-err %t
// RUN: %check_kthread_lint --product=clang %s kthread-missing-is-err %t

// Rule 3 when the cleanup does not test the handle at all: a probe that
// only logs the failed creation and succeeds leaves the ERR_PTR for its
// remove (the shapes of kecho's init, rtc-optee's probe and cppc_cpufreq's
// FIE set-up in test/corpus).

#include <linux/kernel.h>
#include <linux/platform_device.h>

static int worker_fn(void *data) { return 0; }

struct priv {
	struct task_struct *task;
	int id;
	bool thread_off;
};

//===--- Positive: logged, probe succeeds, remove stops it untested ------===//

static int logged_probe(struct platform_device *pdev)
{
	struct priv *p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->task = kthread_run(worker_fn, p, "logged");
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_run' can stay in 'p->task' after this function returns, and 'kthread_stop' will use it as a task [kthread-missing-is-err]
	if (IS_ERR(p->task))
		dev_err(&pdev->dev, "no thread\n");
	platform_set_drvdata(pdev, p);
	return 0;
}

static int logged_remove(struct platform_device *pdev)
{
	struct priv *p = platform_get_drvdata(pdev);

	kthread_stop(p->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: the error pointer reaches 'kthread_stop' here, untested; set 'p->task' to NULL when creation fails
	return 0;
}

static struct platform_driver logged_driver = {
	.probe = logged_probe,
	.remove = logged_remove,
};

//===--- Positive: `err` is 0 on the creation's failure path -------------===//

struct other {
	struct task_struct *task;
};

static int read_features(struct other *o) { return o ? 0 : -EINVAL; }

static int zero_probe(struct platform_device *pdev)
{
	struct other *o = devm_kzalloc(&pdev->dev, sizeof(*o), GFP_KERNEL);
	int err;

	if (!o)
		return -ENOMEM;
	err = read_features(o);
	if (err)
		goto out;
	o->task = kthread_create(worker_fn, o, "zero");
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_create' can stay in 'o->task' after this function returns, and 'kthread_stop' will use it as a task [kthread-missing-is-err]
	if (IS_ERR(o->task))
		goto out; /* err is still 0: the probe succeeds */
	wake_up_process(o->task);
	err = read_features(o);
	if (err < 0) {
		err = -EINVAL;
		goto out;
	}
	platform_set_drvdata(pdev, o);
out:
	return err;
}

static int zero_remove(struct platform_device *pdev)
{
	struct other *o = platform_get_drvdata(pdev);

	kthread_stop(o->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: the error pointer reaches 'kthread_stop' here, untested; set 'o->task' to NULL when creation fails
	return 0;
}

static struct platform_driver zero_driver = {
	.probe = zero_probe,
	.remove = zero_remove,
};

//===--- Silent: a flag set on the failure path guards the stop ----------===//

struct flagged {
	struct task_struct *task;
	bool off;
};

static int flag_probe(struct platform_device *pdev)
{
	struct flagged *f = devm_kzalloc(&pdev->dev, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->task = kthread_run(worker_fn, f, "flagged");
	if (IS_ERR(f->task))
		f->off = true;
	platform_set_drvdata(pdev, f);
	return 0;
}

static int flag_remove(struct platform_device *pdev)
{
	struct flagged *f = platform_get_drvdata(pdev);

	if (f->off)
		return 0;
	kthread_stop(f->task);
	return 0;
}

static struct platform_driver flag_driver = {
	.probe = flag_probe,
	.remove = flag_remove,
};

//===--- Silent: the failure is returned, through ?: ---------------------===//

struct returned {
	struct task_struct *task;
};

static int ternary_probe(struct platform_device *pdev)
{
	struct returned *r = devm_kzalloc(&pdev->dev, sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	platform_set_drvdata(pdev, r);
	r->task = kthread_run(worker_fn, r, "ternary");
	return IS_ERR(r->task) ? -ENOMEM : 0;
}

static int ternary_remove(struct platform_device *pdev)
{
	struct returned *r = platform_get_drvdata(pdev);

	kthread_stop(r->task);
	return 0;
}

static struct platform_driver ternary_driver = {
	.probe = ternary_probe,
	.remove = ternary_remove,
};

//===--- Silent: an untested use outside the cleanup ---------------------===//

// A callback the probe arms only on success may never see the error
// pointer: only the remove (or module exit) surely runs after the probe.
struct armed {
	struct task_struct *task;
};

static struct armed *armed_dev;

void armed_irq(void)
{
	wake_up_process(armed_dev->task);
}

static int armed_probe(struct platform_device *pdev)
{
	struct armed *a = devm_kzalloc(&pdev->dev, sizeof(*a), GFP_KERNEL);

	if (!a)
		return -ENOMEM;
	a->task = kthread_run(worker_fn, a, "armed");
	if (IS_ERR(a->task))
		return 0; /* runs without the helper thread; remove does not stop it */
	armed_dev = a;
	return 0;
}

static struct platform_driver armed_driver = {
	.probe = armed_probe,
};

//===--- Positive: the own unwind hands the holder's owner to the stopper ===//

// drivers/md/dm-delay.c's delay_ctr() (test/corpus): the failure path calls
// delay_dtr(ti), which reaches dc through ti->private and stops dc->worker
// behind a NULL test.
struct dm_target {
	void *private;
};

struct delay_c {
	struct task_struct *worker;
};

static void delay_dtr(struct dm_target *ti);

int delay_ctr(struct dm_target *ti)
{
	struct delay_c *dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	int ret;

	if (!dc)
		return -ENOMEM;
	ti->private = dc;
	dc->worker = kthread_create(worker_fn, dc, "dm-delay");
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_create' can stay in 'dc->worker' after this function returns, and 'kthread_stop' will use it as a task [kthread-missing-is-err]
	if (IS_ERR(dc->worker)) {
		ret = PTR_ERR(dc->worker);
		goto bad;
	}
	return 0;
bad:
	delay_dtr(ti);
	return ret;
}

static void delay_dtr(struct dm_target *ti)
{
	struct delay_c *dc = ti->private;

	if (dc->worker)
		kthread_stop(dc->worker);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: the error pointer reaches 'kthread_stop' here, past a NULL test; set 'dc->worker' to NULL when creation fails
	kfree(dc);
}

//===--- Positive: a comparison with one error value ---------------------===//

// drivers/usb/host/max3421-hcd.c before 186e8f2bdba5 (test/corpus).
int one_error_probe(struct priv *p)
{
	p->task = kthread_run(worker_fn, p, "one-error");
	if (p->task == ERR_PTR(-ENOMEM))
	// CHECK-MESSAGES: :[[@LINE-1]]:6: warning: 'kthread_run' fails with more than one error code: this comparison with one of them lets the others go on as a task [kthread-missing-is-err]
	// CHECK-MESSAGES: :[[@LINE-3]]:12: note: 'kthread_run' called here; test its result with IS_ERR()
		return -ENOMEM;
	return 0;
}

//===--- Silent: telling the errors apart after IS_ERR() -----------------===//

int one_error_after_is_err(struct priv *p)
{
	p->task = kthread_run(worker_fn, p, "errors");
	if (IS_ERR(p->task)) {
		int err = PTR_ERR(p->task);

		if (p->task == ERR_PTR(-EINTR))
			err = -ERESTARTSYS;
		p->task = NULL;
		return err;
	}
	return 0;
}

//===--- Silent: the own unwind resets the field before the reader -------===//

struct delay_ok {
	struct task_struct *worker;
};

static void delay_ok_dtr(struct dm_target *ti)
{
	struct delay_ok *dc = ti->private;

	if (dc->worker)
		kthread_stop(dc->worker);
	kfree(dc);
}

int delay_ok_ctr(struct dm_target *ti)
{
	struct delay_ok *dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	int ret;

	if (!dc)
		return -ENOMEM;
	ti->private = dc;
	dc->worker = kthread_create(worker_fn, dc, "dm-delay");
	if (IS_ERR(dc->worker)) {
		ret = PTR_ERR(dc->worker);
		dc->worker = NULL;
		goto bad;
	}
	return 0;
bad:
	delay_ok_dtr(ti);
	return ret;
}

//===--- A callback's failure leaves the object to its next user ---------===//

// drivers/media/i2c/video-i2c.c's start_streaming() before and after the
// 6.1.188 fix (test/corpus): a vb2 op fails, the device lives on.
struct stream {
	struct task_struct *kthread;
};

struct stream_ops {
	int (*start)(struct stream *s);
	void (*stop)(struct stream *s);
};

static int bad_start_streaming(struct stream *s)
{
	if (s->kthread)
		return 0;
	s->kthread = kthread_run(worker_fn, s, "stream");
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: an ERR_PTR from a failed 'kthread_run' can stay in 's->kthread' after this function returns, and 'kthread_stop' will use it as a task [kthread-missing-is-err]
	if (IS_ERR(s->kthread))
		return PTR_ERR(s->kthread);
	return 0;
}

static void stop_streaming(struct stream *s)
{
	if (!s->kthread)
		return;
	kthread_stop(s->kthread);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: the error pointer reaches 'kthread_stop' here, past a NULL test; set 's->kthread' to NULL when creation fails
	s->kthread = NULL;
}

static const struct stream_ops bad_ops = {
	.start = bad_start_streaming,
	.stop = stop_streaming,
};

struct stream_ok {
	struct task_struct *kthread;
};

static int good_start_streaming(struct stream_ok *s)
{
	int ret;

	if (s->kthread)
		return 0;
	s->kthread = kthread_run(worker_fn, s, "stream");
	ret = PTR_ERR_OR_ZERO(s->kthread);
	if (ret)
		s->kthread = NULL;
	return ret;
}

static void good_stop_streaming(struct stream_ok *s)
{
	if (!s->kthread)
		return;
	kthread_stop(s->kthread);
	s->kthread = NULL;
}

struct stream_ok_ops {
	int (*start)(struct stream_ok *s);
	void (*stop)(struct stream_ok *s);
};

static const struct stream_ok_ops good_ops = {
	.start = good_start_streaming,
	.stop = good_stop_streaming,
};

//===--- Silent: an exported function is not a callback ------------------===//

// fs/bcachefs/thread_with_file.c (v6.12): EXPORT_SYMBOL() takes the
// function's address in a variable of a section the linker discards
// (__ADDRESSABLE()); nothing calls through it, and the caller still owns
// the unwind of a failure.
#define __ADDRESSABLE(sym)						\
	static void *__attribute__((__used__))				\
	__attribute__((__section__(".discard.addressable")))		\
	__addressable_##sym = (void *)&sym;
#define EXPORT_SYMBOL(sym) extern typeof(sym) sym; __ADDRESSABLE(sym)

struct exported {
	struct task_struct *task;
};

int exported_run(struct exported *t)
{
	t->task = kthread_create(worker_fn, t, "exported");
	if (IS_ERR(t->task))
		return PTR_ERR(t->task);
	wake_up_process(t->task);
	return 0;
}
EXPORT_SYMBOL(exported_run);

void exported_exit(struct exported *t)
{
	if (t->task)
		kthread_stop(t->task);
}

//===--- Silent: .probe followed by a probe field left unset -------------===//

// 6.1's struct i2c_driver has both .probe and .probe_new (sgp30): a driver
// that sets only .probe still has a probe, and its failure still gives the
// object up, so remove never sees the ERR_PTR.

struct two_probes_driver {
	int (*probe)(struct platform_device *pdev);
	void (*remove)(struct platform_device *pdev);
	int (*probe_new)(struct platform_device *pdev);
};

struct two_probes_priv {
	struct task_struct *task;
};

static struct two_probes_priv two_probes_data;

static int two_probes_probe(struct platform_device *pdev)
{
	two_probes_data.task = kthread_run(worker_fn, &two_probes_data, "two-probes");
	if (IS_ERR(two_probes_data.task))
		return PTR_ERR(two_probes_data.task);
	return 0;
}

static void two_probes_remove(struct platform_device *pdev)
{
	if (two_probes_data.task)
		kthread_stop(two_probes_data.task);
}

static struct two_probes_driver two_probes = {
	.probe = two_probes_probe,
	.remove = two_probes_remove,
};
