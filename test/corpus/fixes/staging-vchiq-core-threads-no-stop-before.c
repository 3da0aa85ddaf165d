// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: staging: vc04_services: vchiq_core: Stop kthreads on vchiq module unload
 * source: commit 863a756aaf49 ("staging: vc04_services: vchiq_core: Stop kthreads on vchiq module unload")
 * file: drivers/staging/vc04_services/interface/vchiq_arm/vchiq_core.c
 * date: 2024-07-15
 * class: should-stop, leak, name
 * bug: the slot handler, recycle and sync threads loop in while (1) around
 *      remote_event_wait() (a wait_event_interruptible() whose condition has
 *      no stop test) and never look at kthread_should_stop(); vchiq_remove()
 *      does not stop them at all, so they outlive the module (the fix adds
 *      the stops and, so that they can end, the kthread_should_stop() loop
 *      tests). The only kthread_stop() calls, in vchiq_init_state()'s error
 *      unwind, come before wake_up_process(): a never-woken thread stops
 *      without running, so there is no hang to report, only the leak. The
 *      thread name is passed as a non-literal format (threadname) with no
 *      arguments.
 * expect: kthread-leaked-thread@vchiq_init_state|vchiq_probe
 * expect: kthread-name-format@vchiq_init_state
 */
/*
 * Reduced from drivers/staging/vc04_services/interface/vchiq_arm/vchiq_core.c
 * and vchiq_arm.c as they were before 863a756aaf49 (thread loops as in
 * linux-6.1, probe/remove as in the mgmt-based driver of 2024). Message
 * parsing, service handling and the firmware interface are stand-ins.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/platform_device.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>

#define VCHIQ_MAX_SERVICES	4096
#define BITSET_SIZE(b)		((b + 31) >> 5)

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
	struct vchiq_shared_state *local;
	struct vchiq_shared_state *remote;
	wait_queue_head_t trigger_event;
	wait_queue_head_t recycle_event;
	wait_queue_head_t sync_trigger_event;
	int poll_needed;
	struct task_struct *slot_handler_thread;
	struct task_struct *recycle_thread;
	struct task_struct *sync_thread;
	int fake_rx;
};

struct vchiq_drv_mgmt {
	struct vchiq_state state;
	struct vchiq_slot_zero slot_zero;
};

/* Stand-ins for the message handling of vchiq_core.c. */
static int handle_poll(struct vchiq_state *state)
{
	return 0;
}

static void parse_rx_slots(struct vchiq_state *state)
{
	state->fake_rx++;
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
	if (!event->fired) {
		event->armed = 1;
		mb();	/* dsb(sy) */
		if (wait_event_interruptible(*wq, event->fired)) {
			event->armed = 0;
			return 0;
		}
		event->armed = 0;
		/* Ensure that the peer sees that we are not waiting (armed == 0). */
		wmb();
	}

	event->fired = 0;
	return 1;
}

/* Called by the slot handler thread */
static int
slot_handler_func(void *v)
{
	struct vchiq_state *state = v;
	struct vchiq_shared_state *local = state->local;

	while (1) {
		remote_event_wait(&state->trigger_event, &local->trigger);

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

	length = sizeof(*found) * BITSET_SIZE(VCHIQ_MAX_SERVICES);

	found = kmalloc_array(BITSET_SIZE(VCHIQ_MAX_SERVICES), sizeof(*found),
			      GFP_KERNEL);
	if (!found)
		return -ENOMEM;

	while (1) {
		remote_event_wait(&state->recycle_event, &local->recycle);

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

	while (1) {
		remote_event_wait(&state->sync_trigger_event, &local->sync_trigger);

		/* Ensure that reads don't overtake the remote_event_wait. */
		rmb();

		sync_handle_msg(state);
	}
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

/* Stand-in: the real one maps the slot memory and talks to the firmware. */
static int vchiq_platform_init(struct platform_device *pdev, struct vchiq_state *state)
{
	struct vchiq_drv_mgmt *mgmt = platform_get_drvdata(pdev);

	return vchiq_init_state(state, &mgmt->slot_zero, &pdev->dev);
}

/* Stand-in for the character device registration. */
static int vchiq_register_chrdev(struct device *parent)
{
	return 0;
}

static void vchiq_deregister_chrdev(void)
{
}

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
		goto error_exit;
	}

	return 0;

failed_platform_init:
	dev_err(&pdev->dev, "arm: Could not initialize vchiq platform\n");
error_exit:
	return ret;
}

static int vchiq_remove(struct platform_device *pdev)
{
	vchiq_deregister_chrdev();

	return 0;
}

static const struct of_device_id vchiq_of_match[] = {
	{ .compatible = "brcm,bcm2835-vchiq" },
	{},
};
MODULE_DEVICE_TABLE(of, vchiq_of_match);

static struct platform_driver vchiq_driver = {
	.driver = {
		.name = "bcm2835_vchiq",
		.of_match_table = vchiq_of_match,
	},
	.probe = vchiq_probe,
	.remove = vchiq_remove,
};
module_platform_driver(vchiq_driver);

MODULE_LICENSE("GPL");
