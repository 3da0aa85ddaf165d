// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: ipmi:ssif: Fix a shutdown race
 * source: lore 20260530160247.922043486@linuxfoundation.org ("[PATCH 5.15 285/776] ipmi:ssif: Fix a shutdown race", the 5.15.y form of 6bd0eb6d759b ("ipmi:ssif: Fix a shutdown race"), which needs v6.1's kthread_stop())
 * file: drivers/char/ipmi/ipmi_ssif.c
 * date: 2026-05-30
 * class: exit-before-stop
 * bug: shutdown_ssif() sets ssif_info->stopping, completes wake_thread and
 *      then calls kthread_stop() on a thread it holds no reference to.
 *      ipmi_ssif_thread() wakes from the completion, sees stopping, breaks
 *      out of its loop and returns before kthread_should_stop() was ever
 *      true, so the task can exit and be freed before kthread_stop()
 *      touches it (use-after-free). Also, in both files: ssif_probe()'s
 *      error unwind (ipmi_register_smi() failing) does not stop the thread
 *      it started, which then runs on after the failed probe (fixed by the
 *      next 5.15.y patch, "ipmi:ssif: Clean up kthread on errors").
 * expect: kthread-exit-before-stop@ipmi_ssif_thread
 * expect: kthread-leaked-thread@ssif_probe
 * kernel: 5.15
 */
/*
 * Reduced from drivers/char/ipmi/ipmi_ssif.c as in linux-6.1 (Debian), taken
 * back to the 5.15.y state the patch applies to: the thread still breaks on
 * stopping, shutdown_ssif() still completes wake_thread before kthread_stop()
 * and does not clear ssif_info->thread, and ssif_probe() has no kthread_stop()
 * in its error unwind (both added by the next 5.15.y patch, 286/776
 * "ipmi:ssif: Clean up kthread on errors", upstream 75c486cb1bca). The
 * probe/remove prototypes are 6.1's, so that it builds against 6.1 headers.
 * The i2c message state machine, the ACPI/DMI/hardcoded address discovery
 * and the BMC capability probing are cut; the message handler is a
 * stand-in.
 */
#define pr_fmt(fmt) "ipmi_ssif: " fmt
#define dev_fmt(fmt) "ipmi_ssif: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/i2c.h>
#include <linux/ipmi_smi.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/completion.h>

#define DEVICE_NAME "ipmi_ssif"

#define	SSIF_IPMI_REQUEST			2
#define	SSIF_IPMI_RESPONSE			3

enum ssif_intf_state {
	SSIF_IDLE,
	SSIF_GETTING_FLAGS,
	SSIF_GETTING_EVENTS,
	SSIF_CLEARING_FLAGS,
	SSIF_GETTING_MESSAGES,
	/* FIXME - add watchdog stuff. */
};

struct ssif_info;

typedef void (*ssif_i2c_done)(struct ssif_info *ssif_info, int result,
			     unsigned char *data, unsigned int len);

struct ssif_info {
	struct ipmi_smi     *intf;
	spinlock_t	    lock;
	enum ssif_intf_state ssif_state;

	struct ipmi_smi_handlers handlers;

	/* Used for sending/receiving data.  +1 for the length. */
	unsigned char data[IPMI_MAX_MSG_LENGTH + 1];
	unsigned int  data_len;

	/* Temp receive buffer, gets copied into data. */
	unsigned char recv[I2C_SMBUS_BLOCK_MAX];

	struct i2c_client *client;
	ssif_i2c_done done_handler;

	/* Thread interface handling */
	struct task_struct *thread;
	struct completion wake_thread;
	bool stopping;
	int i2c_read_write;
	int i2c_command;
	unsigned char *i2c_data;
	unsigned int i2c_size;

	struct timer_list retry_timer;
	int retries_left;

	long watch_timeout;		/* Timeout for flags check, 0 if off. */
	struct timer_list watch_timer;	/* Flag fetch timer. */
};

static DEFINE_MUTEX(ssif_infos_mutex);

static int ipmi_ssif_thread(void *data)
{
	struct ssif_info *ssif_info = data;

	while (!kthread_should_stop()) {
		int result;

		/* Wait for something to do */
		result = wait_for_completion_interruptible(
						&ssif_info->wake_thread);
		if (ssif_info->stopping)
			break;
		if (result == -ERESTARTSYS)
			continue;
		init_completion(&ssif_info->wake_thread);

		if (ssif_info->i2c_read_write == I2C_SMBUS_WRITE) {
			result = i2c_smbus_write_block_data(
				ssif_info->client, ssif_info->i2c_command,
				ssif_info->i2c_data[0],
				ssif_info->i2c_data + 1);
			ssif_info->done_handler(ssif_info, result, NULL, 0);
		} else {
			result = i2c_smbus_read_block_data(
				ssif_info->client, ssif_info->i2c_command,
				ssif_info->i2c_data);
			if (result < 0)
				ssif_info->done_handler(ssif_info, result,
							NULL, 0);
			else
				ssif_info->done_handler(ssif_info, 0,
							ssif_info->i2c_data,
							result);
		}
	}

	return 0;
}

static void ssif_i2c_send(struct ssif_info *ssif_info,
			ssif_i2c_done handler,
			int read_write, int command,
			unsigned char *data, unsigned int size)
{
	ssif_info->done_handler = handler;

	ssif_info->i2c_read_write = read_write;
	ssif_info->i2c_command = command;
	ssif_info->i2c_data = data;
	ssif_info->i2c_size = size;
	complete(&ssif_info->wake_thread);
}

/* Stand-in for the message state machine. */
static void msg_done_handler(struct ssif_info *ssif_info, int result,
			     unsigned char *data, unsigned int len)
{
	ssif_info->ssif_state = SSIF_IDLE;
}

static void retry_timeout(struct timer_list *t)
{
	struct ssif_info *ssif_info = from_timer(ssif_info, t, retry_timer);

	if (ssif_info->stopping)
		return;
}

static void watch_timeout(struct timer_list *t)
{
	struct ssif_info *ssif_info = from_timer(ssif_info, t, watch_timer);

	if (ssif_info->stopping)
		return;
}

/* Stand-in for sender()/start_send()/start_resend(). */
static void sender(void                *send_info,
		   struct ipmi_smi_msg *msg)
{
	struct ssif_info *ssif_info = send_info;

	memcpy(ssif_info->data + 1, msg->data, msg->data_size);
	ssif_info->data[0] = msg->data_size;
	ssif_info->data_len = msg->data_size;
	ssif_info->ssif_state = SSIF_GETTING_MESSAGES;
	ssif_i2c_send(ssif_info, msg_done_handler, I2C_SMBUS_WRITE,
		      SSIF_IPMI_REQUEST, ssif_info->data,
		      ssif_info->data_len + 1);
}

static int ssif_start_processing(void            *send_info,
				 struct ipmi_smi *intf)
{
	struct ssif_info *ssif_info = send_info;

	ssif_info->intf = intf;

	return 0;
}

static void shutdown_ssif(void *send_info)
{
	struct ssif_info *ssif_info = send_info;

	dev_set_drvdata(&ssif_info->client->dev, NULL);

	/* make sure the driver is not looking for flags any more. */
	while (ssif_info->ssif_state != SSIF_IDLE)
		schedule_timeout(1);

	ssif_info->stopping = true;
	del_timer_sync(&ssif_info->watch_timer);
	del_timer_sync(&ssif_info->retry_timer);
	if (ssif_info->thread) {
		complete(&ssif_info->wake_thread);
		kthread_stop(ssif_info->thread);
	}
}

static void ssif_remove(struct i2c_client *client)
{
	struct ssif_info *ssif_info = i2c_get_clientdata(client);

	if (!ssif_info)
		return;

	/*
	 * After this point, we won't deliver anything asychronously
	 * to the message handler.  We can unregister ourself.
	 */
	ipmi_unregister_smi(ssif_info->intf);

	kfree(ssif_info);
}

static int ssif_probe(struct i2c_client *client)
{
	struct ssif_info   *ssif_info;
	int               rv = 0;
	u8		  slave_addr = 0;
	unsigned int      thread_num;

	mutex_lock(&ssif_infos_mutex);
	ssif_info = kzalloc(sizeof(*ssif_info), GFP_KERNEL);
	if (!ssif_info) {
		mutex_unlock(&ssif_infos_mutex);
		return -ENOMEM;
	}

	ssif_info->client = client;
	i2c_set_clientdata(client, ssif_info);

	spin_lock_init(&ssif_info->lock);
	ssif_info->ssif_state = SSIF_IDLE;
	timer_setup(&ssif_info->retry_timer, retry_timeout, 0);
	timer_setup(&ssif_info->watch_timer, watch_timeout, 0);

	ssif_info->handlers.owner = THIS_MODULE;
	ssif_info->handlers.start_processing = ssif_start_processing;
	ssif_info->handlers.shutdown = shutdown_ssif;
	ssif_info->handlers.sender = sender;

	thread_num = ((i2c_adapter_id(ssif_info->client->adapter) << 8) |
		      ssif_info->client->addr);
	init_completion(&ssif_info->wake_thread);
	ssif_info->thread = kthread_run(ipmi_ssif_thread, ssif_info,
					"kssif%4.4x", thread_num);
	if (IS_ERR(ssif_info->thread)) {
		rv = PTR_ERR(ssif_info->thread);
		ssif_info->thread = NULL;
		dev_notice(&ssif_info->client->dev,
			   "Could not start kernel thread: error %d\n",
			   rv);
		goto out;
	}

	dev_set_drvdata(&ssif_info->client->dev, ssif_info);

	rv = ipmi_register_smi(&ssif_info->handlers,
			       ssif_info,
			       &ssif_info->client->dev,
			       slave_addr);
	if (rv) {
		dev_err(&ssif_info->client->dev,
			"Unable to register device: error %d\n", rv);
		goto out_remove_attr;
	}

 out:
	if (rv) {
		dev_err(&ssif_info->client->dev,
			"Unable to start IPMI SSIF: %d\n", rv);
		i2c_set_clientdata(client, NULL);
		kfree(ssif_info);
	}
	mutex_unlock(&ssif_infos_mutex);
	return rv;

out_remove_attr:
	dev_set_drvdata(&ssif_info->client->dev, NULL);
	goto out;
}

static const struct i2c_device_id ssif_id[] = {
	{ DEVICE_NAME, 0 },
	{ }
};
MODULE_DEVICE_TABLE(i2c, ssif_id);

static struct i2c_driver ssif_i2c_driver = {
	.class		= I2C_CLASS_HWMON,
	.driver		= {
		.name			= DEVICE_NAME
	},
	.probe_new	= ssif_probe,
	.remove		= ssif_remove,
	.id_table	= ssif_id,
};

static int __init init_ipmi_ssif(void)
{
	pr_info("IPMI SSIF Interface driver\n");

	return i2c_add_driver(&ssif_i2c_driver);
}
module_init(init_ipmi_ssif);

static void __exit cleanup_ipmi_ssif(void)
{
	i2c_del_driver(&ssif_i2c_driver);
}
module_exit(cleanup_ipmi_ssif);

MODULE_AUTHOR("Todd C Davis <todd.c.davis@intel.com>, Corey Minyard <minyard@acm.org>");
MODULE_DESCRIPTION("IPMI driver for management controllers on a SMBus");
MODULE_LICENSE("GPL");
