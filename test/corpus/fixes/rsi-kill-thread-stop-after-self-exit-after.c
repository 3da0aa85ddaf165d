// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: wifi: rsi: fix kthread lifetime race between self-exit and external-stop
 * source: commit db57a1aa54ff68669781976e4edb045e09e2b65b ("wifi: rsi: fix kthread lifetime race between self-exit and external-stop")
 * file: drivers/net/wireless/rsi/rsi_common.h, drivers/net/wireless/rsi/rsi_91x_main.c
 * date: 2026-04-22
 * class: exit-before-stop
 * bug: none. rsi_kill_thread() no longer calls kthread_stop(): it sets
 *      thread_done, wakes the thread and waits on the completion that the
 *      thread signals in kthread_complete_and_exit(), so no one touches the
 *      task after the thread ends on its own.
 * expect: none
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <linux/skbuff.h>
#include <linux/mutex.h>
#include <linux/slab.h>

/* ---- stand-ins for drivers/net/wireless/rsi/rsi_main.h ---- */
#define ERR_ZONE		BIT(0)
#define INFO_ZONE		BIT(1)
#define rsi_dbg(zone, fmt, arg...)	pr_debug(fmt, ##arg)
#define NUM_SOFT_QUEUES		6

struct rsi_event {
	atomic_t event_condition;
	wait_queue_head_t event_queue;
};

struct rsi_thread {
	void (*thread_function)(void *);
	struct completion completion;
	struct task_struct *task;
	struct rsi_event event;
	atomic_t thread_done;
};

struct rsi_hw;

struct rsi_common {
	struct rsi_hw *priv;
	struct rsi_thread tx_thread;
	struct sk_buff_head tx_queue[NUM_SOFT_QUEUES];
	struct mutex mutex;
	struct mutex tx_lock;
	struct mutex rx_lock;
	struct mutex tx_bus_mutex;
	bool init_done;
	u16 oper_mode;
	u8 coex_mode;
};

struct rsi_hw {
	struct rsi_common *priv;
	void *rsi_dev;
	u32 (*determine_event_timeout)(struct rsi_hw *adapter);
};

extern struct rsi_hw *rsi_91x_init(u16 oper_mode);
extern void rsi_91x_deinit(struct rsi_hw *adapter);

/* stand-in for rsi_91x_core.c: sends the queued packets to the device */
static void rsi_core_qos_processor(struct rsi_common *common)
{
	struct sk_buff *skb;
	int ii;

	mutex_lock(&common->tx_lock);
	for (ii = 0; ii < NUM_SOFT_QUEUES; ii++) {
		skb = skb_dequeue(&common->tx_queue[ii]);
		if (skb)
			dev_kfree_skb(skb);
	}
	mutex_unlock(&common->tx_lock);
}

/* ---- drivers/net/wireless/rsi/rsi_common.h ---- */
#define EVENT_WAIT_FOREVER              0

static inline int rsi_init_event(struct rsi_event *pevent)
{
	atomic_set(&pevent->event_condition, 1);
	init_waitqueue_head(&pevent->event_queue);
	return 0;
}

static inline int rsi_wait_event(struct rsi_event *event, u32 timeout)
{
	int status = 0;

	if (!timeout)
		status = wait_event_interruptible(event->event_queue,
				(atomic_read(&event->event_condition) == 0));
	else
		status = wait_event_interruptible_timeout(event->event_queue,
				(atomic_read(&event->event_condition) == 0),
				timeout);
	return status;
}

static inline void rsi_set_event(struct rsi_event *event)
{
	atomic_set(&event->event_condition, 0);
	wake_up_interruptible(&event->event_queue);
}

static inline void rsi_reset_event(struct rsi_event *event)
{
	atomic_set(&event->event_condition, 1);
}

static inline int rsi_create_kthread(struct rsi_common *common,
				     struct rsi_thread *thread,
				     void *func_ptr,
				     u8 *name)
{
	init_completion(&thread->completion);
	atomic_set(&thread->thread_done, 0);
	thread->task = kthread_run(func_ptr, common, "%s", name);
	if (IS_ERR(thread->task))
		return (int)PTR_ERR(thread->task);

	return 0;
}

static inline void rsi_kill_thread(struct rsi_thread *handle)
{
	atomic_inc(&handle->thread_done);
	rsi_set_event(&handle->event);
	wait_for_completion(&handle->completion);
}

/* ---- drivers/net/wireless/rsi/rsi_91x_main.c ---- */

/**
 * rsi_tx_scheduler_thread() - This function is a kernel thread to send the
 *			       packets to the device.
 * @common: Pointer to the driver private structure.
 *
 * Return: None.
 */
static void rsi_tx_scheduler_thread(struct rsi_common *common)
{
	struct rsi_hw *adapter = common->priv;
	u32 timeout = EVENT_WAIT_FOREVER;

	do {
		if (adapter->determine_event_timeout)
			timeout = adapter->determine_event_timeout(adapter);
		rsi_wait_event(&common->tx_thread.event, timeout);
		rsi_reset_event(&common->tx_thread.event);

		if (common->init_done)
			rsi_core_qos_processor(common);
	} while (atomic_read(&common->tx_thread.thread_done) == 0);
	kthread_complete_and_exit(&common->tx_thread.completion, 0);
}

struct rsi_hw *rsi_91x_init(u16 oper_mode)
{
	struct rsi_hw *adapter = NULL;
	struct rsi_common *common = NULL;
	u8 ii = 0;

	adapter = kzalloc(sizeof(*adapter), GFP_KERNEL);
	if (!adapter)
		return NULL;

	adapter->priv = kzalloc(sizeof(*common), GFP_KERNEL);
	if (adapter->priv == NULL) {
		rsi_dbg(ERR_ZONE, "%s: Failed in allocation of memory\n",
			__func__);
		kfree(adapter);
		return NULL;
	} else {
		common = adapter->priv;
		common->priv = adapter;
	}

	for (ii = 0; ii < NUM_SOFT_QUEUES; ii++)
		skb_queue_head_init(&common->tx_queue[ii]);

	rsi_init_event(&common->tx_thread.event);
	mutex_init(&common->mutex);
	mutex_init(&common->tx_lock);
	mutex_init(&common->rx_lock);
	mutex_init(&common->tx_bus_mutex);

	if (rsi_create_kthread(common,
			       &common->tx_thread,
			       rsi_tx_scheduler_thread,
			       "Tx-Thread")) {
		rsi_dbg(ERR_ZONE, "%s: Unable to init tx thrd\n", __func__);
		goto err;
	}

	common->oper_mode = oper_mode;
	common->coex_mode = 1;
	rsi_dbg(INFO_ZONE, "%s: oper_mode = %d, coex_mode = %d\n",
		__func__, common->oper_mode, common->coex_mode);

	common->init_done = true;
	return adapter;

err:
	kfree(common);
	kfree(adapter);
	return NULL;
}

/**
 * rsi_91x_deinit() - This function de-intializes os intf operations.
 * @adapter: Pointer to the adapter structure.
 *
 * Return: None.
 */
void rsi_91x_deinit(struct rsi_hw *adapter)
{
	struct rsi_common *common = adapter->priv;
	u8 ii;

	rsi_dbg(INFO_ZONE, "%s: Performing deinit os ops\n", __func__);

	rsi_kill_thread(&common->tx_thread);

	for (ii = 0; ii < NUM_SOFT_QUEUES; ii++)
		skb_queue_purge(&common->tx_queue[ii]);

	common->init_done = false;

	kfree(common);
	kfree(adapter->rsi_dev);
	kfree(adapter);
}

MODULE_LICENSE("GPL");
