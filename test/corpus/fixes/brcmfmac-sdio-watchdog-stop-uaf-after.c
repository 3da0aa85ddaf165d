// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: wifi: brcmfmac: Fix potential use-after-free issue when stopping watchdog task
 * source: commit c623b63580880cc742255eaed3d79804c1b91143 ("wifi: brcmfmac: Fix potential use-after-free issue when stopping watchdog task")
 * file: drivers/net/wireless/broadcom/brcm80211/brcmfmac/sdio.c
 * date: 2026-04-16
 * class: exit-before-stop
 * bug: none. Both stop sites take a reference on the watchdog task
 *      (get_task_struct()) before send_sig() and drop it after kthread_stop()
 *      (upstream: kthread_stop_put(); the 6.1.y backport, kept here because
 *      6.1 has no kthread_stop_put(), open-codes kthread_stop() +
 *      put_task_struct()), so the thread may end on SIGTERM first.
 * expect: none
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/completion.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/device.h>
#include <linux/slab.h>

/* ---- stand-ins for the driver's private headers (sdio.h, bus.h, debug.h) ---- */
#define brcmf_dbg(level, fmt, ...)	pr_debug(fmt, ##__VA_ARGS__)
#define brcmf_err(fmt, ...)		pr_err(fmt, ##__VA_ARGS__)
#define BRCMF_WD_POLL			msecs_to_jiffies(10)

enum brcmf_sdiod_state {
	BRCMF_SDIOD_DOWN,
	BRCMF_SDIOD_DATA,
	BRCMF_SDIOD_NOMEDIUM
};

struct brcmf_sdio;

struct brcmf_sdio_dev {
	struct device *dev;
	struct brcmf_sdio *bus;
	enum brcmf_sdiod_state state;
	int fake_intr;
};

struct brcmf_bus_ops {
	void (*stop)(struct device *dev);
};

struct brcmf_bus {
	union {
		struct brcmf_sdio_dev *sdio;
	} bus_priv;
	const struct brcmf_bus_ops *ops;
};

struct brcmf_sdio_count {
	uint tickcnt;		/* Number of watchdog been schedule */
};

struct brcmf_sdio {
	struct brcmf_sdio_dev *sdiodev;	/* sdio device handler */
	struct brcmf_sdio_count sdcnt;
	struct timer_list timer;
	struct completion watchdog_wait;
	struct task_struct *watchdog_tsk;
	bool wd_active;
	struct workqueue_struct *brcmf_wq;
	struct work_struct datawork;
	bool dpc_triggered;
	bool dpc_running;
};

extern struct brcmf_sdio *brcmf_sdio_probe(struct brcmf_sdio_dev *sdiodev);
extern void brcmf_sdio_remove(struct brcmf_sdio *bus);
extern void brcmf_sdio_wd_timer(struct brcmf_sdio *bus, bool active);
extern const struct brcmf_bus_ops *brcmf_sdio_get_bus_ops(void);

/* stand-ins for the SDIO core helpers (hardware access, freezer accounting) */
static void brcmf_sdiod_freezer_count(struct brcmf_sdio_dev *sdiodev)
{
}

static void brcmf_sdiod_freezer_uncount(struct brcmf_sdio_dev *sdiodev)
{
}

static void brcmf_sdiod_try_freeze(struct brcmf_sdio_dev *sdiodev)
{
}

static void brcmf_sdio_bus_watchdog(struct brcmf_sdio *bus)
{
	/* stand-in: polls the device for interrupts, schedules the DPC */
	if (bus->sdiodev->fake_intr && !bus->dpc_triggered) {
		bus->dpc_triggered = true;
		queue_work(bus->brcmf_wq, &bus->datawork);
	}
}

static void brcmf_sdio_bus_hw_stop(struct brcmf_sdio *bus)
{
	/* stand-in: disables F2 and device interrupts, flushes queues */
	bus->dpc_triggered = false;
}

static void brcmf_sdio_dataworker(struct work_struct *work)
{
	struct brcmf_sdio *bus = container_of(work, struct brcmf_sdio,
					      datawork);

	bus->dpc_running = true;
	bus->dpc_triggered = false;
	bus->dpc_running = false;
}

/* ---- drivers/net/wireless/broadcom/brcm80211/brcmfmac/sdio.c ---- */

static void brcmf_sdio_bus_stop(struct device *dev)
{
	struct brcmf_bus *bus_if = dev_get_drvdata(dev);
	struct brcmf_sdio_dev *sdiodev = bus_if->bus_priv.sdio;
	struct brcmf_sdio *bus = sdiodev->bus;

	brcmf_dbg(TRACE, "Enter\n");

	if (bus->watchdog_tsk) {
		get_task_struct(bus->watchdog_tsk);
		send_sig(SIGTERM, bus->watchdog_tsk, 1);
		kthread_stop(bus->watchdog_tsk);
		put_task_struct(bus->watchdog_tsk);
		bus->watchdog_tsk = NULL;
	}

	if (sdiodev->state != BRCMF_SDIOD_NOMEDIUM)
		brcmf_sdio_bus_hw_stop(bus);
}

static int
brcmf_sdio_watchdog_thread(void *data)
{
	struct brcmf_sdio *bus = (struct brcmf_sdio *)data;
	int wait;

	allow_signal(SIGTERM);
	/* Run until signal received */
	brcmf_sdiod_freezer_count(bus->sdiodev);
	while (1) {
		if (kthread_should_stop())
			break;
		brcmf_sdiod_freezer_uncount(bus->sdiodev);
		wait = wait_for_completion_interruptible(&bus->watchdog_wait);
		brcmf_sdiod_freezer_count(bus->sdiodev);
		brcmf_sdiod_try_freeze(bus->sdiodev);
		if (!wait) {
			brcmf_sdio_bus_watchdog(bus);
			/* Count the tick for reference */
			bus->sdcnt.tickcnt++;
			reinit_completion(&bus->watchdog_wait);
		} else
			break;
	}
	return 0;
}

static void
brcmf_sdio_watchdog(struct timer_list *t)
{
	struct brcmf_sdio *bus = from_timer(bus, t, timer);

	if (bus->watchdog_tsk) {
		complete(&bus->watchdog_wait);
		/* Reschedule the watchdog */
		if (bus->wd_active)
			mod_timer(&bus->timer,
				  jiffies + BRCMF_WD_POLL);
	}
}

static const struct brcmf_bus_ops brcmf_sdio_bus_ops = {
	.stop = brcmf_sdio_bus_stop,
};

const struct brcmf_bus_ops *brcmf_sdio_get_bus_ops(void)
{
	return &brcmf_sdio_bus_ops;
}

struct brcmf_sdio *brcmf_sdio_probe(struct brcmf_sdio_dev *sdiodev)
{
	struct brcmf_sdio *bus;
	struct workqueue_struct *wq;

	brcmf_dbg(TRACE, "Enter\n");

	/* Allocate private bus interface state */
	bus = kzalloc(sizeof(struct brcmf_sdio), GFP_ATOMIC);
	if (!bus)
		goto fail;

	bus->sdiodev = sdiodev;
	sdiodev->bus = bus;
	INIT_WORK(&bus->datawork, brcmf_sdio_dataworker);

	/* single-threaded workqueue */
	wq = alloc_ordered_workqueue("brcmf_wq/%s", WQ_MEM_RECLAIM | WQ_HIGHPRI,
				     dev_name(sdiodev->dev));
	if (!wq) {
		brcmf_err("insufficient memory to create txworkqueue\n");
		goto fail;
	}
	brcmf_sdiod_freezer_count(sdiodev);
	bus->brcmf_wq = wq;

	/* Set up the watchdog timer */
	timer_setup(&bus->timer, brcmf_sdio_watchdog, 0);
	/* Initialize watchdog thread */
	init_completion(&bus->watchdog_wait);
	bus->watchdog_tsk = kthread_run(brcmf_sdio_watchdog_thread,
					bus, "brcmf_wdog/%s",
					dev_name(sdiodev->dev));
	if (IS_ERR(bus->watchdog_tsk)) {
		pr_warn("brcmf_watchdog thread failed to start\n");
		bus->watchdog_tsk = NULL;
	}
	/* Initialize DPC thread */
	bus->dpc_triggered = false;
	bus->dpc_running = false;

	brcmf_dbg(INFO, "completed!!\n");

	return bus;

fail:
	brcmf_sdio_remove(bus);
	return NULL;
}

/* Detach and free everything */
void brcmf_sdio_remove(struct brcmf_sdio *bus)
{
	brcmf_dbg(TRACE, "Enter\n");

	if (bus) {
		/* Stop watchdog task */
		if (bus->watchdog_tsk) {
			get_task_struct(bus->watchdog_tsk);
			send_sig(SIGTERM, bus->watchdog_tsk, 1);
			kthread_stop(bus->watchdog_tsk);
			put_task_struct(bus->watchdog_tsk);
			bus->watchdog_tsk = NULL;
		}

		cancel_work_sync(&bus->datawork);
		if (bus->brcmf_wq)
			destroy_workqueue(bus->brcmf_wq);

		if (bus->sdiodev->state != BRCMF_SDIOD_NOMEDIUM)
			brcmf_sdio_wd_timer(bus, false);
		kfree(bus);
	}

	brcmf_dbg(TRACE, "Disconnected\n");
}

void brcmf_sdio_wd_timer(struct brcmf_sdio *bus, bool active)
{
	/* Totally stop the timer */
	if (!active && bus->wd_active) {
		del_timer_sync(&bus->timer);
		bus->wd_active = false;
		return;
	}

	/* don't start the wd until fw is loaded */
	if (bus->sdiodev->state != BRCMF_SDIOD_DATA)
		return;

	if (active) {
		if (!bus->wd_active) {
			/* Create timer again when watchdog period is
			   dynamically changed or in the first instance
			 */
			bus->timer.expires = jiffies + BRCMF_WD_POLL;
			add_timer(&bus->timer);
			bus->wd_active = true;
		} else {
			/* Re arm the timer, at last watchdog period */
			mod_timer(&bus->timer, jiffies + BRCMF_WD_POLL);
		}
	}
}

MODULE_LICENSE("GPL");
