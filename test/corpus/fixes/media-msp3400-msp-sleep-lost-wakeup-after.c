// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: media: msp3400: Use wait_event_freezable_timeout() in msp_sleep()
 * source: commit 7c17c55248327d70b065378eaf2e8be0f22593ce ("media: msp3400: Use wait_event_freezable_timeout() in msp_sleep()")
 * file: drivers/media/i2c/msp3400-driver.c
 * date: 2023-12-21
 * class: lost-wakeup, is-err
 * bug: the sleep is fixed: wait_event_freezable_timeout() sets the state and
 *      then tests kthread_should_stop() || state->restart. Left in place (a
 *      different class): msp_probe() keeps the ERR_PTR of a failed
 *      kthread_run() in state->kthread, and msp_remove() passes it to
 *      kthread_stop() behind a NULL test.
 * expect: kthread-missing-is-err@msp_probe
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/freezer.h>
#include <linux/wait.h>
#include <linux/i2c.h>
#include <linux/slab.h>

/* drivers/media/i2c/msp3400-driver.h (cut to what the thread uses) */
#define MSP_MODE_EXTERN 6

struct msp_state {
	int radio;
	int mode;
	int nicam_on;
	int watch_stereo;
	/* thread */
	struct task_struct   *kthread;
	wait_queue_head_t    wq;
	unsigned int         restart:1;
	unsigned int         scan_in_progress:1;
	/* stand-in for the carrier the chip reports */
	int fake_carrier;
};

#define to_state(x) ((struct msp_state *)(x))

int msp_sleep(struct msp_state *state, int msec);
int msp3400c_thread(void *data);

/* stand-ins for the chip access of msp3400-driver.c / msp3400-kthreads.c */
static void msp_update_volume(struct msp_state *state)
{
}

static int msp_read_dsp(struct i2c_client *client, int addr)
{
	return to_state(i2c_get_clientdata(client))->fake_carrier;
}

static void watch_stereo(struct i2c_client *client)
{
	struct msp_state *state = to_state(i2c_get_clientdata(client));

	if (msp_read_dsp(client, 0x18) < 0)
		state->watch_stereo = 0;
}

/* drivers/media/i2c/msp3400-driver.c */
static void msp_wake_thread(struct i2c_client *client)
{
	struct msp_state *state = to_state(i2c_get_clientdata(client));

	if (NULL == state->kthread)
		return;
	state->watch_stereo = 0;
	state->restart = 1;
	wake_up_interruptible(&state->wq);
}

int msp_sleep(struct msp_state *state, int msec)
{
	long timeout;

	timeout = msec < 0 ? MAX_SCHEDULE_TIMEOUT : msecs_to_jiffies(msec);

	wait_event_freezable_timeout(state->wq, kthread_should_stop() ||
				     state->restart, timeout);

	return state->restart;
}

/* drivers/media/i2c/msp3400-kthreads.c (carrier scan cut) */
int msp3400c_thread(void *data)
{
	struct i2c_client *client = data;
	struct msp_state *state = to_state(i2c_get_clientdata(client));
	int count, val;

	dev_dbg(&client->dev, "msp3400 daemon started\n");
	set_freezable();
	for (;;) {
		dev_dbg(&client->dev, "msp3400 thread: sleep\n");
		msp_sleep(state, -1);
		dev_dbg(&client->dev, "msp3400 thread: wakeup\n");

restart:
		dev_dbg(&client->dev, "thread: restart scan\n");
		state->restart = 0;
		if (kthread_should_stop())
			break;

		if (state->radio || MSP_MODE_EXTERN == state->mode) {
			/* no carrier scan, just unmute */
			dev_dbg(&client->dev, "thread: no carrier scan\n");
			state->scan_in_progress = 0;
			msp_update_volume(state);
			continue;
		}

		/* mute audio */
		state->scan_in_progress = 1;
		msp_update_volume(state);

		state->watch_stereo = 0;
		state->nicam_on = 0;

		/* wait for tuner to settle down after a channel change */
		if (msp_sleep(state, 200))
			goto restart;

		val = msp_read_dsp(client, 0x1b);
		if (val > 0)
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
	dev_dbg(&client->dev, "thread: exit\n");
	return 0;
}

/* drivers/media/i2c/msp3400-driver.c */
static int msp_probe(struct i2c_client *client)
{
	struct msp_state *state;
	int (*thread_func)(void *data) = NULL;

	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return -ENOMEM;
	i2c_set_clientdata(client, state);

	init_waitqueue_head(&state->wq);

	thread_func = msp3400c_thread;

	/* startup control thread if needed */
	if (thread_func) {
		state->kthread = kthread_run(thread_func, client, "msp34xx");

		if (IS_ERR(state->kthread))
			dev_warn(&client->dev, "kernel_thread() failed\n");
		msp_wake_thread(client);
	}
	return 0;
}

static void msp_remove(struct i2c_client *client)
{
	struct msp_state *state = to_state(i2c_get_clientdata(client));

	/* shutdown control thread */
	if (state->kthread) {
		state->restart = 1;
		kthread_stop(state->kthread);
	}
	kfree(state);
}

/* stand-in for the i2c core binding the chip */
static struct i2c_client *msp_client;

static int __init msp_init(void)
{
	int ret;

	msp_client = kzalloc(sizeof(*msp_client), GFP_KERNEL);
	if (!msp_client)
		return -ENOMEM;
	device_initialize(&msp_client->dev);
	ret = msp_probe(msp_client);
	if (ret)
		kfree(msp_client);
	return ret;
}

static void __exit msp_exit(void)
{
	msp_remove(msp_client);
	kfree(msp_client);
}

module_init(msp_init);
module_exit(msp_exit);
MODULE_LICENSE("GPL");
