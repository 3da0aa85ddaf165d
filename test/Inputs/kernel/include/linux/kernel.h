/* What most tests include: the usual kernel headers. */
#ifndef _MOCK_LINUX_KERNEL_H
#define _MOCK_LINUX_KERNEL_H
#include <linux/types.h>
#include <linux/printk.h>
#include <linux/err.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/freezer.h>
#include <linux/atomic.h>
#endif
