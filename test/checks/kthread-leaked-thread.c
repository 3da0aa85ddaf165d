// RUN: %check_kthread_lint --product=tool %s kthread-leaked-thread %t
// RUN: %check_kthread_lint --product=plugin %s kthread-leaked-thread %t
// RUN: %check_kthread_lint --product=clang %s kthread-leaked-thread %t

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/platform_device.h>

/*
 * One translation unit holds a module (module_init/module_exit), built-in
 * initcalls and several platform drivers: a real file has either the
 * module's or the built-in initcalls, but the check treats each start (init,
 * initcall, probe) with its own cleanup (exit, none, remove) alike.
 */

static int loop_fn(void *data)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int selftest_fn(void *data)
{
	/* Detached: holds a module reference and drops it on its way out. */
	module_put_and_kthread_exit(0);
}

static DECLARE_COMPLETION(oneshot_done);
static int oneshot_fn(void *data)
{
	kthread_complete_and_exit(&oneshot_done, 0);
}

int register_hw(void);
void unregister_hw(void);
void hand_to_subsystem(struct task_struct *t);
/* Defined in another file of the module (siw_qp_tx.c-style). */
void demo_stop_tx_thread(void);

//===--- Module init and exit ---------------------------------------------===//

static struct task_struct *consumer, *producer, *poller, *oneshot;
static struct task_struct *stats, *helper_started, *optional;
static struct kthread_worker *events;
/* Shared with another file of the module, which stops it. */
struct task_struct *demo_tx_thread;
static DECLARE_WAIT_QUEUE_HEAD(demo_wq);
static bool use_optional;

static void demo_stop_stats(void)
{
	kthread_stop(stats);
}

/* module-example/ktdemo.c: the detached selftest thread; silent. */
static int demo_start_selftest(void)
{
	struct task_struct *t;

	__module_get(THIS_MODULE);
	t = kthread_create(selftest_fn, NULL, "demo-selftest");
	if (IS_ERR(t)) {
		module_put(THIS_MODULE);
		return PTR_ERR(t);
	}
	wake_up_process(t);
	return 0;
}

/* Started in a helper, handle kept nowhere: exit cannot stop it. */
static int demo_start_watchdog(void)
{
	struct task_struct *t = kthread_run(loop_fn, NULL, "demo-watchdog");
	// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: thread started by 'kthread_run' during module init 'demo_init' cannot be stopped: no field or global keeps its handle, so 'loop_fn' outlives rmmod [kthread-leaked-thread]
	// CHECK-MESSAGES: :[[@LINE+130]]:20: note: module exit function 'demo_exit' cannot reach it; keep the handle where it can, and stop the thread there

	return PTR_ERR_OR_ZERO(t);
}

/* Kept in a global that a helper of init sets: exit stops it. */
static int demo_start_helper(void)
{
	helper_started = kthread_run(loop_fn, NULL, "demo-helper");
	if (IS_ERR(helper_started))
		return PTR_ERR(helper_started);
	return 0;
}

static int __init demo_init(void)
{
	int err;

	/* module-example/ktdemo.c: run, test, unwind with goto. */
	consumer = kthread_run(loop_fn, NULL, "demo-consumer");
	if (IS_ERR(consumer))
		return PTR_ERR(consumer);

	/* Stopped when init fails, but module exit forgets it. */
	producer = kthread_create(loop_fn, NULL, "demo-producer");
	// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: thread started by 'kthread_create' during module init 'demo_init' is never stopped by 'demo_exit': 'loop_fn' runs freed code after rmmod [kthread-leaked-thread]
	// CHECK-MESSAGES: :[[@LINE+104]]:20: note: module exit function 'demo_exit' does not stop it; call kthread_stop(producer) there
	if (IS_ERR(producer)) {
		err = PTR_ERR(producer);
		goto err_stop_consumer;
	}
	set_user_nice(producer, 5);
	wake_up_process(producer);

	/* A failed registration returns without stopping the poller. */
	poller = kthread_run(loop_fn, NULL, "demo-poller");
	// CHECK-MESSAGES: :[[@LINE-1]]:11: warning: thread started by 'kthread_run' is still running when 'demo_init' fails: the failed init frees the code it runs [kthread-leaked-thread]
	if (IS_ERR(poller)) {
		err = PTR_ERR(poller);
		goto err_stop_producer;
	}
	err = register_hw();
	if (err)
		return err;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'demo_init' returns an error here with the thread still running (and 2 started before it); stop it with kthread_stop() first

	/* Pinned, then stopped and released in exit. */
	oneshot = kthread_create(loop_fn, NULL, "demo-oneshot");
	if (IS_ERR(oneshot)) {
		err = PTR_ERR(oneshot);
		goto err_unregister;
	}
	get_task_struct(oneshot);
	wake_up_process(oneshot);

	/* Only with a module parameter: the unwinding tests the same flag. */
	if (use_optional) {
		optional = kthread_run(loop_fn, NULL, "demo-optional");
		if (IS_ERR(optional)) {
			err = PTR_ERR(optional);
			goto err_stop_oneshot;
		}
	}

	/* Tested with PTR_ERR_OR_ZERO() into the error code. */
	stats = kthread_run(loop_fn, NULL, "demo-stats");
	err = PTR_ERR_OR_ZERO(stats);
	if (err)
		goto err_stop_optional;

	events = kthread_create_worker(0, "demo-events");
	if (IS_ERR(events)) {
		err = PTR_ERR(events);
		goto err_stop_stats;
	}

	/* drivers/infiniband/sw/siw (v6.1): stopped by siw_stop_tx_thread(),
	 * which another file of the module defines. */
	demo_tx_thread = kthread_run(loop_fn, NULL, "demo-tx");
	if (IS_ERR(demo_tx_thread)) {
		err = PTR_ERR(demo_tx_thread);
		goto err_destroy_events;
	}

	err = demo_start_helper();
	if (err)
		goto err_stop_tx;
	err = demo_start_selftest();
	if (err)
		goto err_stop_helper;
	err = demo_start_watchdog();
	if (err)
		goto err_stop_helper;

	/* From here on init cannot fail. */

	/* Handed to code that keeps it: its business from then on. */
	hand_to_subsystem(kthread_run(loop_fn, NULL, "demo-handed"));

	/* kthread_complete_and_exit(): exit waits for the completion. */
	kthread_run(oneshot_fn, NULL, "demo-once");

	/* Created, never woken: kthread-never-woken's business. */
	kthread_create(loop_fn, NULL, "demo-asleep");
	return 0;

err_stop_helper:
	kthread_stop(helper_started);
err_stop_tx:
	demo_stop_tx_thread();
err_destroy_events:
	kthread_destroy_worker(events);
err_stop_stats:
	kthread_stop(stats);
err_stop_optional:
	if (use_optional)
		kthread_stop(optional);
err_stop_oneshot:
	kthread_stop(oneshot);
	put_task_struct(oneshot);
err_unregister:
	unregister_hw();
	kthread_stop(poller);
err_stop_producer:
	kthread_stop(producer);
err_stop_consumer:
	kthread_stop(consumer);
	return err;
}

static void __exit demo_exit(void)
{
	wait_for_completion(&oneshot_done);
	demo_stop_tx_thread();
	kthread_destroy_worker(events);
	demo_stop_stats();
	if (use_optional)
		kthread_stop(optional);
	kthread_stop(helper_started);
	kthread_stop(oneshot);
	put_task_struct(oneshot);
	unregister_hw();
	kthread_stop(poller);
	kthread_stop(consumer);
}

module_init(demo_init);
module_exit(demo_exit);

//===--- Built-in initcalls: no exit, only the error paths -----------------===//

static struct task_struct *kauditd, *daemon_task;

/* An error after the daemon started. */
static int __init audit_like_init(void)
{
	kauditd = kthread_run(loop_fn, NULL, "kauditd");
	// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: thread started by 'kthread_run' is still running when 'audit_like_init' fails: it goes on using what the failed init gives up [kthread-leaked-thread]
	if (IS_ERR(kauditd))
		return PTR_ERR(kauditd);
	if (register_hw())
		return -ENODEV;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'audit_like_init' returns an error here with the thread still running; stop it with kthread_stop() first
	return 0;
}
late_initcall(audit_like_init);

/* kthreadd-like: started for good by built-in code, never stopped. */
static int __init daemon_init(void)
{
	daemon_task = kthread_run(loop_fn, NULL, "daemon");
	if (WARN_ON(IS_ERR(daemon_task)))
		return PTR_ERR(daemon_task);
	return 0;
}
subsys_initcall(daemon_init);

/* drivers/misc/sgi-xp/xpc_main.c (v6.1): on failure, init tells the
 * checker thread to exit and waits for its completion; silent. */
static DECLARE_COMPLETION(hb_checker_exited);
static bool hb_exiting;

static int hb_checker_fn(void *data)
{
	while (!READ_ONCE(hb_exiting))
		schedule_timeout_interruptible(HZ);
	complete(&hb_checker_exited);
	return 0;
}

static void hb_do_exit(void)
{
	WRITE_ONCE(hb_exiting, true);
	wait_for_completion(&hb_checker_exited);
}

static int __init hb_init(void)
{
	struct task_struct *kthread;

	kthread = kthread_run(hb_checker_fn, NULL, "hb-checker");
	if (IS_ERR(kthread))
		return -EBUSY;
	if (register_hw()) {
		hb_do_exit();
		return -EBUSY;
	}
	return 0;
}
fs_initcall(hb_init);

//===--- Platform drivers: probe and remove --------------------------------===//

struct foo_priv {
	struct task_struct *task;
	struct kthread_worker *worker;
	void *buf;
};

/* drivers/tty/mips_ejtag_fdc.c (v6.1): probe starts, remove stops; the
 * error path after the start stops it too. */
static int good_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->task = kthread_run(loop_fn, priv, "good-poll");
	if (IS_ERR(priv->task))
		return PTR_ERR(priv->task);
	ret = register_hw();
	if (ret < 0)
		goto err_stop;
	platform_set_drvdata(pdev, priv);
	return 0;

err_stop:
	kthread_stop(priv->task);
	return ret;
}

static int good_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	kthread_stop(priv->task);
	return 0;
}

static struct platform_driver good_driver = {
	.probe = good_probe,
	.remove = good_remove,
	.driver = { .name = "good" },
};

struct bar_priv {
	struct task_struct *task;
	void *buf;
};

/* remove forgets the thread; the error path leaks it as well. */
static int bad_probe(struct platform_device *pdev)
{
	struct bar_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->task = kthread_run(loop_fn, priv, "bad-poll");
	// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: thread started by 'kthread_run' during probe 'bad_probe' is never stopped by 'bad_remove': 'loop_fn' runs freed code after unbind and rmmod [kthread-leaked-thread]
	// CHECK-MESSAGES: :[[@LINE+12]]:12: note: remove function 'bad_remove' does not stop it; call kthread_stop(priv->task) there
	// CHECK-MESSAGES: :[[@LINE-3]]:15: warning: thread started by 'kthread_run' is still running when 'bad_probe' fails: it outlives the probe and runs code that rmmod frees [kthread-leaked-thread]
	if (IS_ERR(priv->task))
		return PTR_ERR(priv->task);
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'bad_probe' returns an error here with the thread still running; stop it with kthread_stop() first
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int bad_remove(struct platform_device *pdev)
{
	struct bar_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf);
	return 0;
}

static struct platform_driver bad_driver = {
	.probe = bad_probe,
	.remove = bad_remove,
};

struct baz_priv {
	struct task_struct *task;
};

static void baz_stop(void *data)
{
	struct baz_priv *priv = data;

	kthread_stop(priv->task);
}

/* A devm action stops the thread, on probe failure and on unbind: silent. */
static int devm_probe(struct platform_device *pdev)
{
	struct baz_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	int ret;

	if (!priv)
		return -ENOMEM;
	priv->task = kthread_run(loop_fn, priv, "devm-poll");
	if (IS_ERR(priv->task))
		return PTR_ERR(priv->task);
	ret = devm_add_action_or_reset(&pdev->dev, baz_stop, priv);
	if (ret)
		return ret;
	return register_hw();
}

static void devm_remove(struct platform_device *pdev)
{
	unregister_hw();
}

static struct platform_driver devm_driver = {
	.probe = devm_probe,
	.remove_new = devm_remove,
};

struct qux_priv {
	struct kthread_worker *worker;
};

/* No remove at all, and nothing stops the worker. */
static int noremove_probe(struct platform_device *pdev)
{
	struct qux_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->worker = kthread_create_worker(0, "qux-events");
	// CHECK-MESSAGES: :[[@LINE-1]]:17: warning: thread started by 'kthread_create_worker' in probe 'noremove_probe' is never stopped: 'noremove_driver' has no remove function, so the thread runs freed code after rmmod [kthread-leaked-thread]
	// CHECK-MESSAGES: :[[@LINE+7]]:31: note: driver 'noremove_driver' declared here; stop the thread in a remove function
	if (IS_ERR(priv->worker))
		return PTR_ERR(priv->worker);
	platform_set_drvdata(pdev, priv);
	return 0;
}

static struct platform_driver noremove_driver = {
	.probe = noremove_probe,
};

/* A thread per cpu in a loop, unwound in a loop: not judged (one handle
 * stands for many), and remove stops them all. */
static struct task_struct *percpu_tasks[8];

static int percpu_probe(struct platform_device *pdev)
{
	int cpu, ret;

	for (cpu = 0; cpu < 8; cpu++) {
		percpu_tasks[cpu] = kthread_run_on_cpu(loop_fn, NULL, cpu, "pcpu/%u");
		if (IS_ERR(percpu_tasks[cpu])) {
			ret = PTR_ERR(percpu_tasks[cpu]);
			goto err;
		}
	}
	return 0;
err:
	while (--cpu >= 0)
		kthread_stop(percpu_tasks[cpu]);
	return ret;
}

static int percpu_remove(struct platform_device *pdev)
{
	int cpu;

	for (cpu = 0; cpu < 8; cpu++)
		kthread_stop(percpu_tasks[cpu]);
	return 0;
}

static struct platform_driver percpu_driver = {
	.probe = percpu_probe,
	.remove = percpu_remove,
};

/* drivers/crypto/mxs-dcp.c (v6.1): two threads in two slots of one array,
 * unwound one by one and stopped in remove; silent. */
enum { CHAN_SHA, CHAN_AES, NCHANS };
struct dcp {
	struct task_struct *thread[NCHANS];
};

static int dcp_probe(struct platform_device *pdev)
{
	struct dcp *sdcp = devm_kzalloc(&pdev->dev, sizeof(*sdcp), GFP_KERNEL);
	int ret;

	if (!sdcp)
		return -ENOMEM;
	platform_set_drvdata(pdev, sdcp);
	sdcp->thread[CHAN_SHA] = kthread_run(loop_fn, NULL, "dcp/sha");
	if (IS_ERR(sdcp->thread[CHAN_SHA]))
		return PTR_ERR(sdcp->thread[CHAN_SHA]);
	sdcp->thread[CHAN_AES] = kthread_run(loop_fn, NULL, "dcp/aes");
	if (IS_ERR(sdcp->thread[CHAN_AES])) {
		ret = PTR_ERR(sdcp->thread[CHAN_AES]);
		goto err_stop_sha;
	}
	ret = register_hw();
	if (ret)
		goto err_stop_aes;
	return 0;

err_stop_aes:
	kthread_stop(sdcp->thread[CHAN_AES]);
err_stop_sha:
	kthread_stop(sdcp->thread[CHAN_SHA]);
	return ret;
}

static int dcp_remove(struct platform_device *pdev)
{
	struct dcp *sdcp = platform_get_drvdata(pdev);

	kthread_stop(sdcp->thread[CHAN_AES]);
	kthread_stop(sdcp->thread[CHAN_SHA]);
	return 0;
}

static struct platform_driver dcp_driver = {
	.probe = dcp_probe,
	.remove = dcp_remove,
};

/* drivers/platform/surface/surface3_power.c (v6.1): the unwinding stops the
 * thread only if a flag says it runs, and the thread sets that flag itself:
 * a failure before it first ran leaves it running. */
struct mshw_data {
	struct task_struct *poll_task;
	bool kthread_running;
};

static int mshw_poll_task(void *data)
{
	struct mshw_data *cdata = data;

	cdata->kthread_running = true;
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	cdata->kthread_running = false;
	return 0;
}

static int mshw_probe(struct platform_device *pdev)
{
	struct mshw_data *data = devm_kzalloc(&pdev->dev, sizeof(*data), GFP_KERNEL);
	int error;

	if (!data)
		return -ENOMEM;
	platform_set_drvdata(pdev, data);
	data->poll_task = kthread_run(mshw_poll_task, data, "mshw0011_adp");
	// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: thread started by 'kthread_run' is still running when 'mshw_probe' fails: it outlives the probe and runs code that rmmod frees [kthread-leaked-thread]
	if (IS_ERR(data->poll_task))
		return PTR_ERR(data->poll_task);
	error = register_hw();
	if (error)
		goto out_err;
	return 0;

out_err:
	if (data->kthread_running)
		kthread_stop(data->poll_task);
	return error;
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'mshw_probe' returns an error here with the thread still running; stop it with kthread_stop() first
}

static int mshw_remove(struct platform_device *pdev)
{
	struct mshw_data *cdata = platform_get_drvdata(pdev);

	if (cdata->kthread_running)
		kthread_stop(cdata->poll_task);
	return 0;
}

static struct platform_driver mshw_driver = {
	.probe = mshw_probe,
	.remove = mshw_remove,
};

//===--- Threads started by what probe calls (function summaries) ---------===//

struct core_state {
	struct task_struct *slot_thread;
	struct task_struct *sync_thread;
};

struct core_priv {
	struct core_state state;
	int irq;
};

/* staging/vchiq: the threads are started two calls below probe, which then
 * fails on a later step without stopping them. */
static int core_init_state(struct core_state *state)
{
	state->slot_thread = kthread_create(loop_fn, state, "core-slot");
	if (IS_ERR(state->slot_thread))
		return PTR_ERR(state->slot_thread);
	state->sync_thread = kthread_create(loop_fn, state, "core-sync");
	// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: thread started by 'kthread_create' is still running when 'core_probe' fails: it outlives the probe and runs code that rmmod frees [kthread-leaked-thread]
	if (IS_ERR(state->sync_thread)) {
		kthread_stop(state->slot_thread);
		return PTR_ERR(state->sync_thread);
	}
	wake_up_process(state->slot_thread);
	wake_up_process(state->sync_thread);
	return 0;
}

static int core_platform_init(struct core_priv *priv)
{
	return core_init_state(&priv->state);
}

static int core_probe(struct platform_device *pdev)
{
	struct core_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	int ret;

	if (!priv)
		return -ENOMEM;
	/* Silent here: a failure of the callee means it started nothing. */
	ret = core_platform_init(priv);
	if (ret)
		return ret;
	ret = register_hw();
	if (ret)
		return ret;
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'core_probe' returns an error here with the thread still running (and 1 started before it); stop it with kthread_stop() first
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int core_remove(struct platform_device *pdev)
{
	struct core_priv *priv = platform_get_drvdata(pdev);

	kthread_stop(priv->state.sync_thread);
	kthread_stop(priv->state.slot_thread);
	return 0;
}

static struct platform_driver core_driver = {
	.probe = core_probe,
	.remove = core_remove,
};

/* Silent: the same start, and the unwind stops what the callee started. */
static void fine_teardown(struct core_state *state)
{
	kthread_stop(state->sync_thread);
	kthread_stop(state->slot_thread);
}

static int fine_init_state(struct core_state *state)
{
	state->slot_thread = kthread_run(loop_fn, state, "fine-slot");
	if (IS_ERR(state->slot_thread))
		return PTR_ERR(state->slot_thread);
	state->sync_thread = kthread_run(loop_fn, state, "fine-sync");
	if (IS_ERR(state->sync_thread)) {
		kthread_stop(state->slot_thread);
		return PTR_ERR(state->sync_thread);
	}
	return 0;
}

static int fine_probe(struct platform_device *pdev)
{
	struct core_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	int ret;

	if (!priv)
		return -ENOMEM;
	ret = fine_init_state(&priv->state);
	if (ret)
		return ret;
	ret = register_hw();
	if (ret)
		goto err_teardown;
	platform_set_drvdata(pdev, priv);
	return 0;

err_teardown:
	fine_teardown(&priv->state);
	return ret;
}

static int fine_remove(struct platform_device *pdev)
{
	struct core_priv *priv = platform_get_drvdata(pdev);

	fine_teardown(&priv->state);
	return 0;
}

static struct platform_driver fine_driver = {
	.probe = fine_probe,
	.remove = fine_remove,
};

/* Silent: a callee that returns its object (scsi_host_alloc()) or NULL: its
 * NULL is not tied to the threads, so nothing is concluded from it. */
struct host {
	struct task_struct *ehandler;
};

static struct host *host_alloc(void)
{
	struct host *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return NULL;
	h->ehandler = kthread_run(loop_fn, h, "host-eh");
	if (IS_ERR(h->ehandler)) {
		kfree(h);
		return NULL;
	}
	return h;
}

static void host_release(struct host *h)
{
	kthread_stop(h->ehandler);
	kfree(h);
}

static int host_probe(struct platform_device *pdev)
{
	struct host *h = host_alloc();

	if (!h)
		return -ENOMEM;
	platform_set_drvdata(pdev, h);
	return 0;
}

static int host_remove(struct platform_device *pdev)
{
	host_release(platform_get_drvdata(pdev));
	return 0;
}

static struct platform_driver host_driver = {
	.probe = host_probe,
	.remove = host_remove,
};

//===--- Stopped five calls below remove (callee summaries, no depth) -----===//

struct deep_priv {
	struct task_struct *task;
};

static void deep_stop(struct task_struct *t)
{
	kthread_stop(t);
}

static void deep_teardown_4(struct deep_priv *p) { deep_stop(p->task); }
static void deep_teardown_3(struct deep_priv *p) { deep_teardown_4(p); }
static void deep_teardown_2(struct deep_priv *p) { deep_teardown_3(p); }
static void deep_teardown_1(struct deep_priv *p) { deep_teardown_2(p); }

static int deep_probe(struct platform_device *pdev)
{
	struct deep_priv *p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->task = kthread_run(loop_fn, p, "deep");
	if (IS_ERR(p->task))
		return PTR_ERR(p->task);
	platform_set_drvdata(pdev, p);
	return 0;
}

static int deep_remove(struct platform_device *pdev)
{
	deep_teardown_1(platform_get_drvdata(pdev));
	return 0;
}

static struct platform_driver deep_driver = {
	.probe = deep_probe,
	.remove = deep_remove,
};

//===--- Hands the module back four calls down (no depth limit) ----------===//

static void selftest_done_4(void) { module_put_and_kthread_exit(0); }
static void selftest_done_3(void) { selftest_done_4(); }
static void selftest_done_2(void) { selftest_done_3(); }
static void selftest_done_1(void) { selftest_done_2(); }

static int deep_selftest_fn(void *data)
{
	/* Detached, like selftest_fn: it drops its module reference as it ends. */
	selftest_done_1();
	return 0;
}

struct deep_selftest_priv {
	struct task_struct *task;
};

static int deep_selftest_probe(struct platform_device *pdev)
{
	struct deep_selftest_priv *p =
		devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	__module_get(THIS_MODULE);
	p->task = kthread_run(deep_selftest_fn, p, "deep-selftest");
	if (IS_ERR(p->task)) {
		module_put(THIS_MODULE);
		return PTR_ERR(p->task);
	}
	return 0;
}

static int deep_selftest_remove(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver deep_selftest_driver = {
	.probe = deep_selftest_probe,
	.remove = deep_selftest_remove,
};

//===--- free_irq(irq, priv) frees the handler, not priv ------------------===//

// drivers/memstick/host/r592.c's probe: the unwind frees the IRQ with the
// private data as its cookie, then stops the thread kept in that data.
#include <linux/interrupt.h>

struct irq_priv {
	struct task_struct *task;
	unsigned int irq;
};

static irqreturn_t irq_priv_handler(int irq, void *data)
{
	return 0;
}

static int irq_priv_probe(struct platform_device *pdev)
{
	struct irq_priv *p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
	int error;

	if (!p)
		return -ENOMEM;
	p->task = kthread_run(loop_fn, p, "irq-priv");
	if (IS_ERR(p->task))
		return PTR_ERR(p->task);
	error = request_irq(p->irq, irq_priv_handler, IRQF_SHARED, "irq-priv", p);
	if (error)
		goto stop;
	error = register_hw();
	if (error)
		goto free;
	platform_set_drvdata(pdev, p);
	return 0;
free:
	free_irq(p->irq, p);
stop:
	kthread_stop(p->task);
	return error;
}

static int irq_priv_remove(struct platform_device *pdev)
{
	struct irq_priv *p = platform_get_drvdata(pdev);

	free_irq(p->irq, p);
	kthread_stop(p->task);
	return 0;
}

static struct platform_driver irq_priv_driver = {
	.probe = irq_priv_probe,
	.remove = irq_priv_remove,
};
