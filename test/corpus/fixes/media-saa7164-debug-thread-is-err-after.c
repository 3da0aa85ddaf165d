// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: [media] saa7164: fix return value check in saa7164_initdev()
 * source: lore <CAPgLHd-_vCt334cppui8RL4Obfgjz1_JWDHKYjz1J=s90A=oJg@mail.gmail.com> (Wei Yongjun; pulled in "[GIT PULL FOR v3.13] Various fixes." <5280EA96.3070707@xs4all.nl>; the fixed code is in linux-6.1)
 * file: drivers/media/pci/saa7164/saa7164-core.c
 * date: 2013-10-25
 * class: is-err
 * bug: none: the result is tested with IS_ERR() and dev->kthread is reset to NULL on
 *      failure, so the NULL-guarded kthread_stop() in saa7164_finidev() skips it.
 * expect: none
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/pci.h>
#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>

#define DBGLVL_THR 4096

#define SAA7164_BOARD_UNKNOWN 0

static unsigned int saa_debug;
module_param_named(debug, saa_debug, int, 0644);
MODULE_PARM_DESC(debug, "enable debug messages");

static unsigned int fw_debug;
module_param(fw_debug, int, 0644);
MODULE_PARM_DESC(fw_debug, "Firmware debug level def:2");

#define dprintk(level, fmt, arg...)\
	do { if (saa_debug & level)\
		printk(KERN_DEBUG "%s: " fmt, dev->name, ## arg);\
	} while (0)

struct tmFwInfoStruct {
	u32 CPULoad;
};

/* Stand-in for the driver's private struct (saa7164.h), cut to what the
 * thread and its start/stop paths use. */
struct saa7164_dev {
	char name[32];
	int board;
	int firmwareloaded;
	struct pci_dev *pci;
	/* Debugging */
	struct task_struct *kthread;
	u32 fake_load;
};

/* Stand-ins for the firmware API calls (saa7164-api.c). */
static void saa7164_api_collect_debug(struct saa7164_dev *dev)
{
	dev->fake_load++;
}

static int saa7164_api_get_load_info(struct saa7164_dev *dev,
				     struct tmFwInfoStruct *i)
{
	i->CPULoad = dev->fake_load;
	return 0;
}

static int saa7164_api_set_debug(struct saa7164_dev *dev, u8 level)
{
	dev->fake_load = level;
	return 0;
}

static int saa7164_thread_function(void *data)
{
	struct saa7164_dev *dev = data;
	struct tmFwInfoStruct fwinfo;
	u64 last_poll_time = 0;

	dprintk(DBGLVL_THR, "thread started\n");

	set_freezable();

	while (1) {
		msleep_interruptible(100);
		if (kthread_should_stop())
			break;
		try_to_freeze();

		dprintk(DBGLVL_THR, "thread running\n");

		/* Dump the firmware debug message to console */
		/* Polling this costs us 1-2% of the arm CPU */
		/* convert this into a respnde to interrupt 0x7a */
		saa7164_api_collect_debug(dev);

		/* Monitor CPU load every 1 second */
		if ((last_poll_time + 1000 /* ms */) < jiffies_to_msecs(jiffies)) {
			saa7164_api_get_load_info(dev, &fwinfo);
			last_poll_time = jiffies_to_msecs(jiffies);
		}

	}

	dprintk(DBGLVL_THR, "thread exiting\n");
	return 0;
}

static int saa7164_initdev(struct pci_dev *pci_dev,
			   const struct pci_device_id *pci_id)
{
	struct saa7164_dev *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (NULL == dev)
		return -ENOMEM;

	/* pci init */
	dev->pci = pci_dev;
	if (pci_enable_device(pci_dev)) {
		err = -EIO;
		goto fail_free;
	}
	snprintf(dev->name, sizeof(dev->name), "saa7164[%d]", 0);
	dev->board = 1;
	pci_set_drvdata(pci_dev, dev);

	if (dev->board != SAA7164_BOARD_UNKNOWN) {
		/* (firmware download, i2c, dvb/encoder/vbi registration cut) */
		dev->firmwareloaded = 1;
		saa7164_api_set_debug(dev, fw_debug);

		if (fw_debug) {
			dev->kthread = kthread_run(saa7164_thread_function, dev,
				"saa7164 debug");
			if (IS_ERR(dev->kthread)) {
				dev->kthread = NULL;
				printk(KERN_ERR "%s() Failed to create debug kernel thread\n",
				       __func__);
			}
		}
	} /* != BOARD_UNKNOWN */
	else
		printk(KERN_ERR "%s() Unsupported board detected, registering without firmware\n",
		       __func__);

	dprintk(1, "%s() parameter debug = %d\n", __func__, saa_debug);

	return 0;

fail_free:
	kfree(dev);
	return err;
}

static void saa7164_shutdown(struct saa7164_dev *dev)
{
	dprintk(1, "%s()\n", __func__);
}

static void saa7164_finidev(struct pci_dev *pci_dev)
{
	struct saa7164_dev *dev = pci_get_drvdata(pci_dev);

	if (dev->board != SAA7164_BOARD_UNKNOWN) {
		if (fw_debug && dev->kthread) {
			kthread_stop(dev->kthread);
			dev->kthread = NULL;
		}
		if (dev->firmwareloaded)
			saa7164_api_set_debug(dev, 0x00);
	}

	saa7164_shutdown(dev);

	pci_disable_device(pci_dev);

	kfree(dev);
}

static const struct pci_device_id saa7164_pci_tbl[] = {
	{
		/* SAA7164 */
		.vendor       = 0x1131,
		.device       = 0x7164,
		.subvendor    = PCI_ANY_ID,
		.subdevice    = PCI_ANY_ID,
	}, {
		/* --- end of list --- */
	}
};
MODULE_DEVICE_TABLE(pci, saa7164_pci_tbl);

static struct pci_driver saa7164_pci_driver = {
	.name     = "saa7164",
	.id_table = saa7164_pci_tbl,
	.probe    = saa7164_initdev,
	.remove   = saa7164_finidev,
};

static int __init saa7164_init(void)
{
	return pci_register_driver(&saa7164_pci_driver);
}

static void __exit saa7164_fini(void)
{
	pci_unregister_driver(&saa7164_pci_driver);
}

module_init(saa7164_init);
module_exit(saa7164_fini);

MODULE_LICENSE("GPL");
