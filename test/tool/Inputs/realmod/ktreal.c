// SPDX-License-Identifier: GPL-2.0
/* A small module built by kbuild against the real kernel headers: the
 * creation result is tested for NULL instead of IS_ERR(). */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>

static struct task_struct *worker;

static int worker_fn(void *data)
{
	while (!kthread_should_stop())
		msleep(100);
	return 0;
}

static int __init ktreal_init(void)
{
	worker = kthread_run(worker_fn, NULL, "ktreal");
	if (!worker)
		return -ENOMEM;
	return 0;
}

static void __exit ktreal_exit(void)
{
	kthread_stop(worker);
}

module_init(ktreal_init);
module_exit(ktreal_exit);
MODULE_LICENSE("GPL");
