// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: xen-netback: take a reference to the RX task thread
 * source: commit 107866a8eb0b664675a260f1ba0655010fac1e08 ("xen-netback: take a reference to the RX task thread")
 * file: drivers/net/xen-netback/interface.c, drivers/net/xen-netback/rx.c, drivers/net/xen-netback/netback.c
 * date: 2021-06-08
 * class: exit-before-stop
 * bug: xenvif_kthread_guest_rx() returns on its own when the frontend is
 *      found rogue (vif->disabled on queue 0), which the guest can trigger;
 *      the backend tear-down (xenvif_disconnect_queue()) later calls
 *      kthread_stop(queue->task) with no task reference: use-after-free
 *      (XSA-374 / CVE-2021-28691).
 * expect: kthread-exit-before-stop@xenvif_kthread_guest_rx
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/wait.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/interrupt.h>

/* ---- stand-ins for drivers/net/xen-netback/common.h ---- */
#define NETBK_RX_EOI		0x01
#define NETBK_COMMON_EOI	0x04

struct xenbus_device;

struct xenvif {
	struct net_device *dev;
	unsigned long stall_timeout;
	bool disabled;
	int fake_carrier;
};

struct xenvif_queue {
	unsigned int id;
	char name[IFNAMSIZ + 4];
	struct xenvif *vif;
	unsigned int tx_irq;
	unsigned int rx_irq;
	char tx_irq_name[IFNAMSIZ + 4];
	char rx_irq_name[IFNAMSIZ + 4];
	atomic_t eoi_pending;
	wait_queue_head_t wq;
	struct task_struct *task;
	wait_queue_head_t dealloc_wq;
	struct task_struct *dealloc_task;
	atomic_t inflight_packets;
	struct sk_buff_head rx_queue;
	bool stalled;
	int fake_rx_slots;
	int fake_dealloc_todo;
};

extern int xenvif_kthread_guest_rx(void *data);
extern int xenvif_dealloc_kthread(void *data);
extern bool xenvif_have_rx_work(struct xenvif_queue *queue, bool test_kthread);
extern void xenvif_carrier_off(struct xenvif *vif);
extern int xenvif_connect_data(struct xenvif_queue *queue,
			       unsigned long tx_ring_ref,
			       unsigned long rx_ring_ref,
			       unsigned int tx_evtchn,
			       unsigned int rx_evtchn);

/* stand-ins for ring, grant and event-channel helpers (hardware access) */
static bool xenvif_rx_ring_slots_available(struct xenvif_queue *queue)
{
	return queue->fake_rx_slots > 0;
}

static bool xenvif_rx_queue_stalled(const struct xenvif_queue *queue)
{
	return !queue->stalled && queue->fake_rx_slots == 0;
}

static bool xenvif_rx_queue_ready(struct xenvif_queue *queue)
{
	return queue->stalled && queue->fake_rx_slots > 0;
}

static long xenvif_rx_queue_timeout(struct xenvif_queue *queue)
{
	return HZ;
}

static void xenvif_rx_action(struct xenvif_queue *queue)
{
	queue->fake_rx_slots--;
}

static void xenvif_queue_carrier_on(struct xenvif_queue *queue)
{
	queue->stalled = false;
}

static void xenvif_queue_carrier_off(struct xenvif_queue *queue)
{
	queue->stalled = true;
}

static void xenvif_rx_queue_drop_expired(struct xenvif_queue *queue)
{
}

static void xenvif_rx_queue_purge(struct xenvif_queue *queue)
{
	skb_queue_purge(&queue->rx_queue);
}

static void xen_irq_lateeoi(unsigned int irq, unsigned int eoi_flags)
{
}

static bool tx_dealloc_work_todo(struct xenvif_queue *queue)
{
	return queue->fake_dealloc_todo;
}

static void xenvif_tx_dealloc_action(struct xenvif_queue *queue)
{
	queue->fake_dealloc_todo = 0;
}

static struct xenbus_device *xenvif_to_xenbus_device(struct xenvif *vif)
{
	return NULL;
}

static int xenvif_map_frontend_data_rings(struct xenvif_queue *queue,
					  unsigned long tx_ring_ref,
					  unsigned long rx_ring_ref)
{
	return 0;
}

static void xenvif_unmap_frontend_data_rings(struct xenvif_queue *queue)
{
}

static irqreturn_t xenvif_interrupt(int irq, void *dev_id)
{
	return IRQ_HANDLED;
}

static int bind_interdomain_evtchn_to_irqhandler_lateeoi(
	struct xenbus_device *dev, unsigned int evtchn,
	irq_handler_t handler, unsigned long irqflags,
	const char *devname, void *dev_id)
{
	return -ENODEV;
}

static void unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
}

/* ---- drivers/net/xen-netback/rx.c ---- */

bool xenvif_have_rx_work(struct xenvif_queue *queue, bool test_kthread)
{
	return xenvif_rx_ring_slots_available(queue) ||
		(queue->vif->stall_timeout &&
		 (xenvif_rx_queue_stalled(queue) ||
		  xenvif_rx_queue_ready(queue))) ||
		(test_kthread && kthread_should_stop()) ||
		queue->vif->disabled;
}

static void xenvif_wait_for_rx_work(struct xenvif_queue *queue)
{
	DEFINE_WAIT(wait);

	if (xenvif_have_rx_work(queue, true))
		return;

	for (;;) {
		long ret;

		prepare_to_wait(&queue->wq, &wait, TASK_INTERRUPTIBLE);
		if (xenvif_have_rx_work(queue, true))
			break;
		if (atomic_fetch_andnot(NETBK_RX_EOI | NETBK_COMMON_EOI,
					&queue->eoi_pending) &
		    (NETBK_RX_EOI | NETBK_COMMON_EOI))
			xen_irq_lateeoi(queue->rx_irq, 0);

		ret = schedule_timeout(xenvif_rx_queue_timeout(queue));
		if (!ret)
			break;
	}
	finish_wait(&queue->wq, &wait);
}

int xenvif_kthread_guest_rx(void *data)
{
	struct xenvif_queue *queue = data;
	struct xenvif *vif = queue->vif;

	if (!vif->stall_timeout)
		xenvif_queue_carrier_on(queue);

	for (;;) {
		xenvif_wait_for_rx_work(queue);

		if (kthread_should_stop())
			break;

		/* This frontend is found to be rogue, disable it in
		 * kthread context. Currently this is only set when
		 * netback finds out frontend sends malformed packet,
		 * but we cannot disable the interface in softirq
		 * context so we defer it here, if this thread is
		 * associated with queue 0.
		 */
		if (unlikely(vif->disabled && queue->id == 0)) {
			xenvif_carrier_off(vif);
			break;
		}

		if (!skb_queue_empty(&queue->rx_queue))
			xenvif_rx_action(queue);

		/* If the guest hasn't provided any Rx slots for a
		 * while it's probably not responsive, drop the
		 * carrier so packets are dropped earlier.
		 */
		if (vif->stall_timeout) {
			if (xenvif_rx_queue_stalled(queue))
				xenvif_queue_carrier_off(queue);
			else if (xenvif_rx_queue_ready(queue))
				xenvif_queue_carrier_on(queue);
		}

		/* Queued packets may have foreign pages from other
		 * domains.  These cannot be queued indefinitely as
		 * this would starve guests of grant refs and transmit
		 * slots.
		 */
		xenvif_rx_queue_drop_expired(queue);

		cond_resched();
	}

	/* Bin any remaining skbs */
	xenvif_rx_queue_purge(queue);

	return 0;
}

/* ---- drivers/net/xen-netback/netback.c ---- */

static bool xenvif_dealloc_kthread_should_stop(struct xenvif_queue *queue)
{
	/* Dealloc thread must remain running until all inflight
	 * packets complete.
	 */
	return kthread_should_stop() &&
		!atomic_read(&queue->inflight_packets);
}

int xenvif_dealloc_kthread(void *data)
{
	struct xenvif_queue *queue = data;

	for (;;) {
		wait_event_interruptible(queue->dealloc_wq,
					 tx_dealloc_work_todo(queue) ||
					 xenvif_dealloc_kthread_should_stop(queue));
		if (xenvif_dealloc_kthread_should_stop(queue))
			break;

		xenvif_tx_dealloc_action(queue);
		cond_resched();
	}

	/* Unmap anything remaining*/
	if (tx_dealloc_work_todo(queue))
		xenvif_tx_dealloc_action(queue);

	return 0;
}

/* ---- drivers/net/xen-netback/interface.c ---- */

static void xenvif_disconnect_queue(struct xenvif_queue *queue)
{
	if (queue->task) {
		kthread_stop(queue->task);
		queue->task = NULL;
	}

	if (queue->dealloc_task) {
		kthread_stop(queue->dealloc_task);
		queue->dealloc_task = NULL;
	}

	if (queue->tx_irq) {
		unbind_from_irqhandler(queue->tx_irq, queue);
		if (queue->tx_irq == queue->rx_irq)
			queue->rx_irq = 0;
		queue->tx_irq = 0;
	}

	if (queue->rx_irq) {
		unbind_from_irqhandler(queue->rx_irq, queue);
		queue->rx_irq = 0;
	}

	xenvif_unmap_frontend_data_rings(queue);
}

int xenvif_connect_data(struct xenvif_queue *queue,
			unsigned long tx_ring_ref,
			unsigned long rx_ring_ref,
			unsigned int tx_evtchn,
			unsigned int rx_evtchn)
{
	struct xenbus_device *dev = xenvif_to_xenbus_device(queue->vif);
	struct task_struct *task;
	int err;

	BUG_ON(queue->tx_irq);
	BUG_ON(queue->task);
	BUG_ON(queue->dealloc_task);

	err = xenvif_map_frontend_data_rings(queue, tx_ring_ref,
					     rx_ring_ref);
	if (err < 0)
		goto err;

	init_waitqueue_head(&queue->wq);
	init_waitqueue_head(&queue->dealloc_wq);
	atomic_set(&queue->inflight_packets, 0);

	queue->stalled = true;

	task = kthread_run(xenvif_kthread_guest_rx, queue,
			   "%s-guest-rx", queue->name);
	if (IS_ERR(task))
		goto kthread_err;
	queue->task = task;

	task = kthread_run(xenvif_dealloc_kthread, queue,
			   "%s-dealloc", queue->name);
	if (IS_ERR(task))
		goto kthread_err;
	queue->dealloc_task = task;

	if (tx_evtchn == rx_evtchn) {
		/* feature-split-event-channels == 0 */
		err = bind_interdomain_evtchn_to_irqhandler_lateeoi(
			dev, tx_evtchn, xenvif_interrupt, 0,
			queue->name, queue);
		if (err < 0)
			goto err;
		queue->tx_irq = queue->rx_irq = err;
	} else {
		/* feature-split-event-channels == 1: cut */
		err = -EINVAL;
		goto err;
	}

	return 0;

kthread_err:
	pr_warn("Could not allocate kthread for %s\n", queue->name);
	err = PTR_ERR(task);
err:
	xenvif_disconnect_queue(queue);
	return err;
}

void xenvif_carrier_off(struct xenvif *vif)
{
	/* stand-in: netif_carrier_off() and xenvif_down() under rtnl_lock() */
	vif->fake_carrier = 0;
}

MODULE_LICENSE("GPL");
