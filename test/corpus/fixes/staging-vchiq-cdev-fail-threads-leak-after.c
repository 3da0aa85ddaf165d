// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: staging: vchiq_arm: Stop kthreads if vchiq cdev register fails
 * source: commit cfb320d990919836b49bd090c6c232c6c4d90b41 ("staging: vchiq_arm: Stop kthreads if vchiq cdev register fails")
 * file: drivers/staging/vc04_services/interface/vchiq_arm/vchiq_arm.c
 * date: 2025-03-09
 * class: leak, exit-before-stop, name
 * bug: fixed: a failed vchiq_register_chrdev() now calls
 *      vchiq_platform_uninit(), which stops the three core threads (and the
 *      keep-alive thread); vchiq_remove() uses the same helper. Left in
 *      place by this fix: the error returns of vchiq_platform_init() after
 *      vchiq_init_state() still leave the threads running, recycle_func()
 *      and vchiq_keepalive_thread_func() can still return before the stop
 *      that vchiq_platform_uninit() later issues, and the thread names are
 *      still a non-literal format.
 *      Also real (reported by the checker on the first corpus run, confirmed):
 *      vchiq_platform_conn_state_changed() passes the keep-alive thread's threadname as the
 *      format with no arguments, as vchiq_init_state() does.
 * expect: kthread-leaked-thread@vchiq_init_state|vchiq_probe
 * expect: kthread-exit-before-stop@recycle_func
 * expect: kthread-exit-before-stop@vchiq_keepalive_thread_func
 * expect: kthread-name-format@vchiq_init_state
 * expect: kthread-name-format@vchiq_platform_conn_state_changed
 */
/*
 * Reduced from vchiq_arm.c and vchiq_core.c of linux-6.12 (Debian's
 * 6.12.117 tree, which does not have cfb320d99091); the after-file applies
 * the hunks of cfb320d99091 as its 2025-04-08 stable review mail shows them
 * (6.12's probe has "goto error_exit" where upstream had "return ret").
 * Message parsing, services, slot memory and the firmware interface are
 * stand-ins.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/platform_device.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/err.h>

#define VCHIQ_MAX_SERVICES	4096
#define BITSET_SIZE(b)		((b + 31) >> 5)

enum vchiq_connstate {
	VCHIQ_CONNSTATE_DISCONNECTED,
	VCHIQ_CONNSTATE_CONNECTING,
	VCHIQ_CONNSTATE_CONNECTED,
};

struct remote_event {
	int armed;
	int fired;
	u32 __unused;
};

struct vchiq_shared_state {
	int initialised;
	struct remote_event trigger;
	struct remote_event recycle;
	struct remote_event sync_trigger;
};

struct vchiq_slot_zero {
	struct vchiq_shared_state master;
	struct vchiq_shared_state slave;
};

struct vchiq_state {
	struct device *dev;
	int id;
	enum vchiq_connstate conn_state;
	struct vchiq_shared_state *local;
	struct vchiq_shared_state *remote;
	wait_queue_head_t trigger_event;
	wait_queue_head_t recycle_event;
	wait_queue_head_t sync_trigger_event;
	int poll_needed;
	struct task_struct *slot_handler_thread;
	struct task_struct *recycle_thread;
	struct task_struct *sync_thread;
	void *platform_state;
	int fake_rx;
};

struct vchiq_arm_state {
	/* Keepalive-related data */
	struct task_struct *ka_thread;
	struct completion ka_evt;
	atomic_t ka_use_count;
	atomic_t ka_use_ack_count;
	atomic_t ka_release_count;

	rwlock_t susp_res_lock;

	struct vchiq_state *state;

	int first_connect;
};

struct vchiq_drv_mgmt {
	struct vchiq_state state;
	struct vchiq_slot_zero slot_zero;
	int fake_fw_status;
	int fake_cdev_status;
};

struct vchiq_instance {
	struct vchiq_state *state;
};

static void vchiq_platform_conn_state_changed(struct vchiq_state *state,
					      enum vchiq_connstate oldstate,
					      enum vchiq_connstate newstate);

/* ---- vchiq_core.c ---- */

/* Stand-ins for the message handling of vchiq_core.c. */
static int handle_poll(struct vchiq_state *state)
{
	return 0;
}

static void vchiq_set_conn_state(struct vchiq_state *state, enum vchiq_connstate newstate)
{
	enum vchiq_connstate oldstate = state->conn_state;

	state->conn_state = newstate;
	vchiq_platform_conn_state_changed(state, oldstate, newstate);
}

/* Stand-in: the real one parses the slots; a CONNECT message connects. */
static void parse_rx_slots(struct vchiq_state *state)
{
	if (state->fake_rx++ == 0)
		vchiq_set_conn_state(state, VCHIQ_CONNSTATE_CONNECTED);
}

static void process_free_queue(struct vchiq_state *state, u32 *service_found,
			       size_t length)
{
	memset(service_found, 0, length);
}

static void sync_handle_msg(struct vchiq_state *state)
{
	state->fake_rx++;
}

static inline void
remote_event_create(wait_queue_head_t *wq, struct remote_event *event)
{
	event->armed = 0;
	/*
	 * Don't clear the 'fired' flag because it may already have been set
	 * by the other side.
	 */
	init_waitqueue_head(wq);
}

static inline int
remote_event_wait(wait_queue_head_t *wq, struct remote_event *event)
{
	int ret = 0;

	if (!event->fired) {
		event->armed = 1;
		mb();	/* dsb(sy) */
		ret = wait_event_interruptible(*wq, event->fired);
		if (ret) {
			event->armed = 0;
			return ret;
		}
		event->armed = 0;
		/* Ensure that the peer sees that we are not waiting (armed == 0). */
		wmb();
	}

	event->fired = 0;
	return ret;
}

/* Called by the slot handler thread */
static int
slot_handler_func(void *v)
{
	struct vchiq_state *state = v;
	struct vchiq_shared_state *local = state->local;
	int ret;

	while (!kthread_should_stop()) {
		ret = remote_event_wait(&state->trigger_event, &local->trigger);
		if (ret)
			return ret;

		/* Ensure that reads don't overtake the remote_event_wait. */
		rmb();

		if (state->poll_needed) {
			state->poll_needed = 0;

			/*
			 * Handle service polling and other rare conditions here
			 * out of the mainline code
			 */
			if (handle_poll(state) == -EAGAIN)
				state->poll_needed = 1;
		}

		parse_rx_slots(state);
	}
	return 0;
}

/* Called by the recycle thread */
static int
recycle_func(void *v)
{
	struct vchiq_state *state = v;
	struct vchiq_shared_state *local = state->local;
	u32 *found;
	size_t length;
	int ret;

	length = sizeof(*found) * BITSET_SIZE(VCHIQ_MAX_SERVICES);

	found = kmalloc_array(BITSET_SIZE(VCHIQ_MAX_SERVICES), sizeof(*found),
			      GFP_KERNEL);
	if (!found)
		return -ENOMEM;

	while (!kthread_should_stop()) {
		ret = remote_event_wait(&state->recycle_event, &local->recycle);
		if (ret)
			return ret;

		process_free_queue(state, found, length);
	}
	return 0;
}

/* Called by the sync thread */
static int
sync_func(void *v)
{
	struct vchiq_state *state = v;
	struct vchiq_shared_state *local = state->local;
	int ret;

	while (!kthread_should_stop()) {
		ret = remote_event_wait(&state->sync_trigger_event, &local->sync_trigger);
		if (ret)
			return ret;

		/* Ensure that reads don't overtake the remote_event_wait. */
		rmb();

		sync_handle_msg(state);
	}
	return 0;
}

static int
vchiq_platform_init_state(struct vchiq_state *state)
{
	struct vchiq_arm_state *platform_state;

	platform_state = devm_kzalloc(state->dev, sizeof(*platform_state), GFP_KERNEL);
	if (!platform_state)
		return -ENOMEM;

	rwlock_init(&platform_state->susp_res_lock);

	init_completion(&platform_state->ka_evt);
	atomic_set(&platform_state->ka_use_count, 0);
	atomic_set(&platform_state->ka_use_ack_count, 0);
	atomic_set(&platform_state->ka_release_count, 0);

	platform_state->state = state;

	state->platform_state = (struct opaque_platform_state *)platform_state;

	return 0;
}

static int
vchiq_init_state(struct vchiq_state *state, struct vchiq_slot_zero *slot_zero, struct device *dev)
{
	struct vchiq_shared_state *local;
	struct vchiq_shared_state *remote;
	char threadname[16];
	int ret;

	local = &slot_zero->slave;
	remote = &slot_zero->master;

	if (local->initialised) {
		if (remote->initialised)
			dev_err(dev, "local state has already been initialised\n");
		else
			dev_err(dev, "master/slave mismatch two slaves\n");

		return -EINVAL;
	}

	memset(state, 0, sizeof(struct vchiq_state));

	state->dev = dev;

	/*
	 * initialize shared state pointers
	 */

	state->local = local;
	state->remote = remote;

	remote_event_create(&state->trigger_event, &local->trigger);
	remote_event_create(&state->recycle_event, &local->recycle);
	remote_event_create(&state->sync_trigger_event, &local->sync_trigger);

	ret = vchiq_platform_init_state(state);
	if (ret)
		return ret;

	/*
	 * bring up slot handler thread
	 */
	snprintf(threadname, sizeof(threadname), "vchiq-slot/%d", state->id);
	state->slot_handler_thread = kthread_create(&slot_handler_func, (void *)state, threadname);

	if (IS_ERR(state->slot_handler_thread)) {
		dev_err(state->dev, "couldn't create thread %s\n", threadname);
		return PTR_ERR(state->slot_handler_thread);
	}
	set_user_nice(state->slot_handler_thread, -19);

	snprintf(threadname, sizeof(threadname), "vchiq-recy/%d", state->id);
	state->recycle_thread = kthread_create(&recycle_func, (void *)state, threadname);
	if (IS_ERR(state->recycle_thread)) {
		dev_err(state->dev, "couldn't create thread %s\n", threadname);
		ret = PTR_ERR(state->recycle_thread);
		goto fail_free_handler_thread;
	}
	set_user_nice(state->recycle_thread, -19);

	snprintf(threadname, sizeof(threadname), "vchiq-sync/%d", state->id);
	state->sync_thread = kthread_create(&sync_func, (void *)state, threadname);
	if (IS_ERR(state->sync_thread)) {
		dev_err(state->dev, "couldn't create thread %s\n", threadname);
		ret = PTR_ERR(state->sync_thread);
		goto fail_free_recycle_thread;
	}
	set_user_nice(state->sync_thread, -20);

	wake_up_process(state->slot_handler_thread);
	wake_up_process(state->recycle_thread);
	wake_up_process(state->sync_thread);

	/* Indicate readiness to the other side */
	local->initialised = 1;

	return 0;

fail_free_recycle_thread:
	kthread_stop(state->recycle_thread);
fail_free_handler_thread:
	kthread_stop(state->slot_handler_thread);

	return ret;
}

/* ---- vchiq_arm.c ---- */

static struct vchiq_arm_state *vchiq_platform_get_arm_state(struct vchiq_state *state)
{
	return (struct vchiq_arm_state *)state->platform_state;
}

static void
vchiq_platform_uninit(struct vchiq_drv_mgmt *mgmt)
{
	struct vchiq_arm_state *arm_state;

	kthread_stop(mgmt->state.sync_thread);
	kthread_stop(mgmt->state.recycle_thread);
	kthread_stop(mgmt->state.slot_handler_thread);

	arm_state = vchiq_platform_get_arm_state(&mgmt->state);
	if (!IS_ERR_OR_NULL(arm_state->ka_thread))
		kthread_stop(arm_state->ka_thread);
}

/* Stand-ins for the service API the keep-alive thread uses. */
static int vchiq_initialise(struct vchiq_state *state, struct vchiq_instance **instance_out)
{
	struct vchiq_instance *instance;

	instance = kzalloc(sizeof(*instance), GFP_KERNEL);
	if (!instance)
		return -ENOMEM;
	instance->state = state;
	*instance_out = instance;
	return 0;
}

static int vchiq_connect(struct vchiq_instance *instance)
{
	return 0;
}

static int vchiq_use_service(struct vchiq_instance *instance, unsigned int handle)
{
	return 0;
}

static int vchiq_release_service(struct vchiq_instance *instance, unsigned int handle)
{
	return 0;
}

static void vchiq_shutdown(struct vchiq_instance *instance)
{
	kfree(instance);
}

static int
vchiq_keepalive_thread_func(void *v)
{
	struct vchiq_state *state = (struct vchiq_state *)v;
	struct vchiq_arm_state *arm_state = vchiq_platform_get_arm_state(state);
	struct vchiq_instance *instance;
	unsigned int ka_handle = 0;
	int ret;

	ret = vchiq_initialise(state, &instance);
	if (ret) {
		dev_err(state->dev, "suspend: %s: vchiq_initialise failed %d\n", __func__, ret);
		goto exit;
	}

	ret = vchiq_connect(instance);
	if (ret) {
		dev_err(state->dev, "suspend: %s: vchiq_connect failed %d\n", __func__, ret);
		goto shutdown;
	}

	while (!kthread_should_stop()) {
		long rc = 0, uc = 0;

		if (wait_for_completion_interruptible(&arm_state->ka_evt)) {
			dev_dbg(state->dev, "suspend: %s: interrupted\n", __func__);
			flush_signals(current);
			continue;
		}

		/*
		 * read and clear counters.  Do release_count then use_count to
		 * prevent getting more releases than uses
		 */
		rc = atomic_xchg(&arm_state->ka_release_count, 0);
		uc = atomic_xchg(&arm_state->ka_use_count, 0);

		/*
		 * Call use/release service the requisite number of times.
		 * Process use before release so use counts don't go negative
		 */
		while (uc--) {
			atomic_inc(&arm_state->ka_use_ack_count);
			ret = vchiq_use_service(instance, ka_handle);
			if (ret) {
				dev_err(state->dev, "suspend: %s: vchiq_use_service error %d\n",
					__func__, ret);
			}
		}
		while (rc--) {
			ret = vchiq_release_service(instance, ka_handle);
			if (ret) {
				dev_err(state->dev, "suspend: %s: vchiq_release_service error %d\n",
					__func__, ret);
			}
		}
	}

shutdown:
	vchiq_shutdown(instance);
exit:
	return 0;
}

/* Stand-in for the slot memory, ioremap, irq and firmware setup. */
static int vchiq_platform_init(struct platform_device *pdev, struct vchiq_state *state)
{
	struct device *dev = &pdev->dev;
	struct vchiq_drv_mgmt *drv_mgmt = platform_get_drvdata(pdev);
	struct vchiq_slot_zero *vchiq_slot_zero = &drv_mgmt->slot_zero;
	int err, irq;

	err = vchiq_init_state(state, vchiq_slot_zero, dev);
	if (err)
		return err;

	irq = platform_get_irq(pdev, 0);
	if (irq <= 0)
		return irq;

	/* Send the base address of the slots to VideoCore */
	err = drv_mgmt->fake_fw_status;
	if (err) {
		dev_err(dev, "failed to send firmware property: %d\n", err);
		return err;
	}

	return 0;
}

static void vchiq_platform_conn_state_changed(struct vchiq_state *state,
					      enum vchiq_connstate oldstate,
					      enum vchiq_connstate newstate)
{
	struct vchiq_arm_state *arm_state = vchiq_platform_get_arm_state(state);
	char threadname[16];

	if (state->conn_state != VCHIQ_CONNSTATE_CONNECTED)
		return;

	write_lock_bh(&arm_state->susp_res_lock);
	if (arm_state->first_connect) {
		write_unlock_bh(&arm_state->susp_res_lock);
		return;
	}

	arm_state->first_connect = 1;
	write_unlock_bh(&arm_state->susp_res_lock);
	snprintf(threadname, sizeof(threadname), "vchiq-keep/%d",
		 state->id);
	arm_state->ka_thread = kthread_create(&vchiq_keepalive_thread_func,
					      (void *)state,
					      threadname);
	if (IS_ERR(arm_state->ka_thread)) {
		dev_err(state->dev, "suspend: Couldn't create thread %s\n",
			threadname);
	} else {
		wake_up_process(arm_state->ka_thread);
	}
}

/* Stand-ins for the character device registration. */
static int vchiq_register_chrdev(struct device *parent)
{
	struct vchiq_drv_mgmt *mgmt = dev_get_drvdata(parent);

	return mgmt->fake_cdev_status;
}

static void vchiq_deregister_chrdev(void)
{
}

static const struct of_device_id vchiq_of_match[] = {
	{ .compatible = "brcm,bcm2835-vchiq" },
	{ .compatible = "brcm,bcm2836-vchiq" },
	{},
};
MODULE_DEVICE_TABLE(of, vchiq_of_match);

static int vchiq_probe(struct platform_device *pdev)
{
	struct vchiq_drv_mgmt *mgmt;
	int ret;

	mgmt = devm_kzalloc(&pdev->dev, sizeof(*mgmt), GFP_KERNEL);
	if (!mgmt)
		return -ENOMEM;

	platform_set_drvdata(pdev, mgmt);

	ret = vchiq_platform_init(pdev, &mgmt->state);
	if (ret)
		goto failed_platform_init;

	/*
	 * Simply exit on error since the function handles cleanup in
	 * cases of failure.
	 */
	ret = vchiq_register_chrdev(&pdev->dev);
	if (ret) {
		dev_err(&pdev->dev, "arm: Failed to initialize vchiq cdev\n");
		vchiq_platform_uninit(mgmt);
		goto error_exit;
	}

	return 0;

failed_platform_init:
	dev_err(&pdev->dev, "arm: Could not initialize vchiq platform\n");
error_exit:
	return ret;
}

static void vchiq_remove(struct platform_device *pdev)
{
	struct vchiq_drv_mgmt *mgmt = dev_get_drvdata(&pdev->dev);

	vchiq_deregister_chrdev();
	vchiq_platform_uninit(mgmt);
}

static struct platform_driver vchiq_driver = {
	.driver = {
		.name = "bcm2835_vchiq",
		.of_match_table = vchiq_of_match,
	},
	.probe = vchiq_probe,
	.remove_new = vchiq_remove,
};

module_platform_driver(vchiq_driver);

MODULE_LICENSE("GPL");
