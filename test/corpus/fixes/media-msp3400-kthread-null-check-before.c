// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: V4L/DVB (4996): Msp3400: fix kthread_run error check
 * source: lore <20061227165731.PS93321100023@infradead.org> ([PATCH 23/28] of Mauro Carvalho Chehab's V4L/DVB pull to LKML, patch by Akinobu Mita; the fixed line is in linux-6.1 drivers/media/i2c/msp3400-driver.c)
 * file: drivers/media/i2c/msp3400-driver.c
 * date: 2006-12-27
 * class: is-err, lost-wakeup
 * bug: msp_probe() tests the kthread_run() result with `state->kthread == NULL`, which
 *      never sees the ERR_PTR. The failure is only warned about, probe returns 0, and
 *      the ERR_PTR stays in state->kthread: msp_wake_thread()'s NULL test lets it
 *      through, and msp_remove()'s `if (state->kthread) kthread_stop(state->kthread)`
 *      stops an error pointer: oops when the i2c client is removed.
 *      Unrelated to this fix, msp_sleep() tests kthread_should_stop() before
 *      set_current_state(TASK_INTERRUPTIBLE); schedule(): a stop in between is lost
 *      and the thread sleeps forever (rewritten with wait_event_freezable_timeout()
 *      by linux-6.12); it is the same in the after-file.
 * kernel: 2.6
 * expect: kthread-missing-is-err@msp_probe
 * expect: kthread-lost-wakeup@msp_sleep
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/i2c.h>
#include <linux/kthread.h>
#include <linux/freezer.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/jiffies.h>

static int msp_debug;
module_param(msp_debug, int, 0644);
MODULE_PARM_DESC(msp_debug, "debug level");

#define dev_dbg_lvl(__dev, __level, __debug, __fmt, __arg...)		\
	do {								\
		if (__debug >= __level)					\
			dev_printk(KERN_DEBUG, __dev, __fmt, ##__arg);	\
	} while (0)

#define OPMODE_MANUAL      0
#define OPMODE_AUTODETECT  1   /* use autodetect (>= msp3410 only) */
#define OPMODE_AUTOSELECT  2   /* use autodetect & autoselect (>= msp34xxG)   */

/* Stand-in for struct msp_state (msp3400-driver.h), cut to what the thread,
 * its start/stop and its wake-up use. */
struct msp_state {
	int opmode;
	int radio;
	int scan_in_progress;
	int fake_carrier;

	/* thread */
	struct task_struct   *kthread;
	wait_queue_head_t    wq;
	unsigned int         restart:1;
	unsigned int         watch_stereo:1;
};

/* Stand-ins for the chip access (msp_reset(), msp3400c_set_mode(), ...). */
static int msp_reset(struct i2c_client *client)
{
	return 0;
}

static void msp_update_volume(struct msp_state *state)
{
	state->fake_carrier++;
}

static void watch_stereo(struct i2c_client *client)
{
	struct msp_state *state = i2c_get_clientdata(client);

	state->watch_stereo = state->fake_carrier & 1;
}

/* ------------------------------------------------------------------------ */

static void msp_wake_thread(struct i2c_client *client)
{
	struct msp_state *state = i2c_get_clientdata(client);

	if (NULL == state->kthread)
		return;
	state->watch_stereo = 0;
	state->restart = 1;
	wake_up_interruptible(&state->wq);
}

static int msp_sleep(struct msp_state *state, int timeout)
{
	DECLARE_WAITQUEUE(wait, current);

	add_wait_queue(&state->wq, &wait);
	if (!kthread_should_stop()) {
		if (timeout < 0) {
			set_current_state(TASK_INTERRUPTIBLE);
			schedule();
		} else {
			schedule_timeout_interruptible
						(msecs_to_jiffies(timeout));
		}
	}

	remove_wait_queue(&state->wq, &wait);
	try_to_freeze();
	return state->restart;
}

/* msp3400-kthreads.c: msp3400c_thread(), cut to its sleep / restart / stop
 * skeleton (the carrier scan is one stand-in call). */
static int msp3400c_thread(void *data)
{
	struct i2c_client *client = data;
	struct msp_state *state = i2c_get_clientdata(client);
	int count;

	dev_dbg_lvl(&client->dev, 1, msp_debug, "msp3400 daemon started\n");
	set_freezable();
	for (;;) {
		dev_dbg_lvl(&client->dev, 2, msp_debug, "msp3400 thread: sleep\n");
		msp_sleep(state, -1);
		dev_dbg_lvl(&client->dev, 2, msp_debug, "msp3400 thread: wakeup\n");

restart:
		dev_dbg_lvl(&client->dev, 2, msp_debug, "thread: restart scan\n");
		state->restart = 0;
		if (kthread_should_stop())
			break;

		if (state->radio) {
			/* no carrier scan, just unmute */
			dev_dbg_lvl(&client->dev, 1, msp_debug,
				"thread: no carrier scan\n");
			state->scan_in_progress = 0;
			msp_update_volume(state);
			continue;
		}

		/* mute audio */
		state->scan_in_progress = 1;
		msp_update_volume(state);

		/* wait for tuner to settle down after a channel change */
		if (msp_sleep(state, 200))
			goto restart;

		/* (carrier detection cut) */
		state->watch_stereo = 1;

		/* unmute */
		state->scan_in_progress = 0;
		msp_update_volume(state);

		/* monitor tv audio mode, the first time don't wait
		   so long to get a quick stereo/bilingual result */
		count = 3;
		while (state->watch_stereo) {
			if (msp_sleep(state, count ? 1000 : 5000))
				goto restart;
			if (count)
				count--;
			watch_stereo(client);
		}
	}
	dev_dbg_lvl(&client->dev, 1, msp_debug, "thread: exit\n");
	return 0;
}

static int msp_probe(struct i2c_client *client, const struct i2c_device_id *id)
{
	struct msp_state *state;
	int (*thread_func)(void *data) = NULL;

	if (msp_reset(client) == -1) {
		dev_dbg_lvl(&client->dev, 1, msp_debug, "msp3400 not found\n");
		return -ENODEV;
	}

	state = devm_kzalloc(&client->dev, sizeof(*state), GFP_KERNEL);
	if (!state)
		return -ENOMEM;

	i2c_set_clientdata(client, state);

	init_waitqueue_head(&state->wq);
	state->opmode = OPMODE_MANUAL;

	/* version-specific initialization */
	switch (state->opmode) {
	case OPMODE_MANUAL:
		thread_func = msp3400c_thread;
		break;
	case OPMODE_AUTODETECT:
	case OPMODE_AUTOSELECT:
		/* msp3410d_thread / msp34xxg_thread: same skeleton, cut */
		thread_func = msp3400c_thread;
		break;
	}

	/* startup control thread if needed */
	if (thread_func) {
		state->kthread = kthread_run(thread_func, client, "msp34xx");

		if (state->kthread == NULL)
			dev_warn(&client->dev, "kernel_thread() failed\n");
		msp_wake_thread(client);
	}
	return 0;
}

static void msp_remove(struct i2c_client *client)
{
	struct msp_state *state = i2c_get_clientdata(client);

	/* shutdown control thread */
	if (state->kthread) {
		state->restart = 1;
		kthread_stop(state->kthread);
	}
	msp_reset(client);
}

/* ----------------------------------------------------------------------- */

static const struct i2c_device_id msp_id[] = {
	{ "msp3400", 0 },
	{ }
};
MODULE_DEVICE_TABLE(i2c, msp_id);

static struct i2c_driver msp_driver = {
	.driver = {
		.name	= "msp3400",
	},
	.probe		= msp_probe,
	.remove		= msp_remove,
	.id_table	= msp_id,
};

module_i2c_driver(msp_driver);

MODULE_LICENSE("GPL");
