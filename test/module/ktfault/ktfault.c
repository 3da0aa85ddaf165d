// SPDX-License-Identifier: GPL-2.0
/*
 * ktfault - test helper of kthread-lint's runtime suite (test/module/).
 *
 * Makes kthread_create_on_node() (under kthread_create() and kthread_run())
 * fail with ERR_PTR(-ENOMEM) for the next `times` threads whose name format
 * starts with `target`, so that a module's handling of a creation failure
 * can be watched: the reference module must unwind cleanly, a variant that
 * tests the result with !t instead of IS_ERR(t) uses the error pointer.
 *
 *   insmod ktfault.ko target=ktdemo-producer [times=1]
 *
 * The thread that was really created is hidden from its creator. It has
 * never been woken (its function never runs) and is stopped, which is legal
 * for a never-woken thread, when ktfault is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *target = "";
module_param(target, charp, 0444);
MODULE_PARM_DESC(target, "fail thread creations whose name format starts with this");
static int times = 1;
module_param(times, int, 0444);
MODULE_PARM_DESC(times, "how many creations to fail");

#define KTFAULT_MAX 8
static struct task_struct *hidden[KTFAULT_MAX];
static int nhidden;
static DEFINE_SPINLOCK(hidden_lock);
static atomic_t remaining;

struct ktfault_call {
	bool fail;
};

static int ktfault_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ktfault_call *call = (struct ktfault_call *)ri->data;
	/* kthread_create_on_node(threadfn, data, node, namefmt, ...) */
	const char *fmt = (const char *)regs_get_kernel_argument(regs, 3);

	call->fail = fmt && !strncmp(fmt, target, strlen(target)) &&
		     atomic_dec_if_positive(&remaining) >= 0;
	return 0;
}

static int ktfault_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ktfault_call *call = (struct ktfault_call *)ri->data;
	struct task_struct *t = (struct task_struct *)regs_return_value(regs);
	unsigned long flags;

	if (!call->fail)
		return 0;
	if (!IS_ERR(t)) {
		spin_lock_irqsave(&hidden_lock, flags);
		if (nhidden < KTFAULT_MAX)
			hidden[nhidden++] = t;
		spin_unlock_irqrestore(&hidden_lock, flags);
	}
	regs_set_return_value(regs, (unsigned long)ERR_PTR(-ENOMEM));
	pr_info("kthread_create(\"%s\") made to return -ENOMEM\n", target);
	return 0;
}

static struct kretprobe ktfault_probe = {
	.kp.symbol_name	= "kthread_create_on_node",
	.entry_handler	= ktfault_entry,
	.handler	= ktfault_ret,
	.data_size	= sizeof(struct ktfault_call),
	.maxactive	= 16,
};

static int __init ktfault_init(void)
{
	int err;

	if (!*target) {
		pr_err("target= is required\n");
		return -EINVAL;
	}
	atomic_set(&remaining, times);
	err = register_kretprobe(&ktfault_probe);
	if (err) {
		pr_err("register_kretprobe(kthread_create_on_node): %d\n", err);
		return err;
	}
	pr_info("armed: next %d kthread_create(\"%s...\") fail with -ENOMEM\n", times, target);
	return 0;
}

static void __exit ktfault_exit(void)
{
	int i;

	unregister_kretprobe(&ktfault_probe);
	for (i = 0; i < nhidden; i++)
		kthread_stop(hidden[i]);	/* never woken: returns -EINTR */
	pr_info("disarmed, %d hidden thread(s) stopped\n", nhidden);
}

module_init(ktfault_init);
module_exit(ktfault_exit);

MODULE_DESCRIPTION("kthread-lint test helper: make kthread_create() fail on demand");
MODULE_LICENSE("GPL");
