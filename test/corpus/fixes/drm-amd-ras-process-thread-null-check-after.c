// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: drm/amd/ras: use proper error checking for kthread_run return
 * source: lore <20260110164800.39203-1-linmq006@gmail.com> (Miaoqian Lin, Cc stable; the fixed code is in torvalds/linux drivers/gpu/drm/amd/ras/rascore/ras_process.c as stored at 0755a4e3e809610a14befc9ad28d35e2e460da68; commit id not seen)
 * file: drivers/gpu/drm/amd/ras/rascore/ras_process.c
 * date: 2026-01-11
 * class: is-err
 * bug: fixed: the kthread_run() result is tested with IS_ERR(); on failure the error
 *      is returned and the field is reset to NULL before ras_process_fini(), whose
 *      NULL-guarded kthread_stop() then skips it.
 *      Also real and still upstream (reported by the checker on the first corpus run,
 *      confirmed): the name 'ras_process_thread' is cut to 'ras_process_thr' in comm.
 * expect: kthread-name-format@ras_process_init
 */
/*
 * Copyright 2025 Advanced Micro Devices, Inc.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/kfifo.h>
#include <linux/kthread.h>
#include <linux/wait.h>
#include <linux/delay.h>
#include <linux/atomic.h>
#include <linux/device.h>

/* Stand-ins for ras.h / ras_process.h / ras_sys.h, cut to what this file uses. */
#define RAS_DEV_ERR(dev, fmt, ...) dev_err(dev, fmt, ##__VA_ARGS__)

#define ras_wait_event_interruptible_timeout(wq_head, condition, param, timeout) \
	wait_event_interruptible_timeout(*(wq_head), condition(param), timeout)

struct ras_event_req {
	u64 seqno;
	u32 block;
	u32 reset;
};

struct ras_process {
	void *ras_core;
	struct task_struct *ras_process_thread;
	wait_queue_head_t ras_process_wq;
	atomic_t ras_interrupt_req;
	atomic_t umc_interrupt_count;
	struct kfifo event_fifo;
	spinlock_t fifo_spinlock;
};

struct ras_core_context;

struct ras_sys_func {
	int (*async_handle_ras_event)(struct ras_core_context *ras_core, void *data);
};

struct ras_core_context {
	struct device *dev;
	bool is_initialized;
	bool in_reset;
	const struct ras_sys_func *sys_fn;
	struct ras_process ras_proc;
};

static bool ras_core_gpu_in_reset(struct ras_core_context *ras_core)
{
	return ras_core->in_reset;
}

/* ras_process.h */
int ras_process_init(struct ras_core_context *ras_core);
int ras_process_fini(struct ras_core_context *ras_core);
int ras_process_handle_ras_event(struct ras_core_context *ras_core);
int ras_process_add_interrupt_req(struct ras_core_context *ras_core,
	struct ras_event_req *req, bool is_umc);

#define RAS_EVENT_FIFO_SIZE (128 * sizeof(struct ras_event_req))

#define RAS_POLLING_ECC_TIMEOUT  300

static int ras_process_put_event(struct ras_core_context *ras_core,
		struct ras_event_req *req)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;
	int ret;

	ret = kfifo_in_spinlocked(&ras_proc->event_fifo,
			req, sizeof(*req), &ras_proc->fifo_spinlock);
	if (!ret) {
		RAS_DEV_ERR(ras_core->dev, "Poison message fifo is full!\n");
		return -ENOSPC;
	}

	return 0;
}

static int ras_process_get_event(struct ras_core_context *ras_core,
		struct ras_event_req *req)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;

	return kfifo_out_spinlocked(&ras_proc->event_fifo,
				req, sizeof(*req), &ras_proc->fifo_spinlock);
}

/* (UMC / poison event handling cut: drain the fifo) */
int ras_process_handle_ras_event(struct ras_core_context *ras_core)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;
	struct ras_event_req req;

	atomic_set(&ras_proc->umc_interrupt_count, 0);
	while (ras_process_get_event(ras_core, &req))
		;
	return 0;
}

static int thread_wait_condition(void *param)
{
	struct ras_process *ras_proc = (struct ras_process *)param;

	return (kthread_should_stop() ||
		atomic_read(&ras_proc->ras_interrupt_req));
}

static int ras_process_thread(void *context)
{
	struct ras_core_context *ras_core = (struct ras_core_context *)context;
	struct ras_process *ras_proc = &ras_core->ras_proc;

	while (!kthread_should_stop()) {
		ras_wait_event_interruptible_timeout(&ras_proc->ras_process_wq,
			thread_wait_condition, ras_proc,
			msecs_to_jiffies(RAS_POLLING_ECC_TIMEOUT));

		if (kthread_should_stop())
			break;

		if (!ras_core->is_initialized)
			continue;

		atomic_set(&ras_proc->ras_interrupt_req, 0);

		if (ras_core_gpu_in_reset(ras_core))
			continue;

		if (ras_core->sys_fn && ras_core->sys_fn->async_handle_ras_event)
			ras_core->sys_fn->async_handle_ras_event(ras_core, NULL);
		else
			ras_process_handle_ras_event(ras_core);
	}

	return 0;
}

int ras_process_init(struct ras_core_context *ras_core)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;
	int ret;

	ret = kfifo_alloc(&ras_proc->event_fifo, RAS_EVENT_FIFO_SIZE, GFP_KERNEL);
	if (ret)
		return ret;

	spin_lock_init(&ras_proc->fifo_spinlock);

	init_waitqueue_head(&ras_proc->ras_process_wq);

	ras_proc->ras_process_thread = kthread_run(ras_process_thread,
							(void *)ras_core, "ras_process_thread");
	if (IS_ERR(ras_proc->ras_process_thread)) {
		RAS_DEV_ERR(ras_core->dev, "Failed to create ras_process_thread.\n");
		ret = PTR_ERR(ras_proc->ras_process_thread);
		ras_proc->ras_process_thread = NULL;
		goto err;
	}

	return 0;

err:
	ras_process_fini(ras_core);
	return ret;
}

int ras_process_fini(struct ras_core_context *ras_core)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;

	if (ras_proc->ras_process_thread) {
		kthread_stop(ras_proc->ras_process_thread);
		ras_proc->ras_process_thread = NULL;
	}

	kfifo_free(&ras_proc->event_fifo);

	return 0;
}

static int ras_process_add_umc_interrupt_req(struct ras_core_context *ras_core,
			struct ras_event_req *req)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;

	atomic_inc(&ras_proc->umc_interrupt_count);
	atomic_inc(&ras_proc->ras_interrupt_req);

	wake_up(&ras_proc->ras_process_wq);
	return 0;
}

static int ras_process_add_non_umc_interrupt_req(struct ras_core_context *ras_core,
		struct ras_event_req *req)
{
	struct ras_process *ras_proc = &ras_core->ras_proc;
	int ret;

	ret = ras_process_put_event(ras_core, req);
	if (!ret) {
		atomic_inc(&ras_proc->ras_interrupt_req);
		wake_up(&ras_proc->ras_process_wq);
	}

	return ret;
}

int ras_process_add_interrupt_req(struct ras_core_context *ras_core,
	struct ras_event_req *req, bool is_umc)
{
	int ret;

	if (!ras_core)
		return -EINVAL;

	if (!ras_core->is_initialized)
		return -EPERM;

	if (is_umc)
		ret = ras_process_add_umc_interrupt_req(ras_core, req);
	else
		ret = ras_process_add_non_umc_interrupt_req(ras_core, req);

	return ret;
}

/* Stand-in for the ras core (ras_core.c) that owns the context. */
static struct ras_core_context *ras_fake_core;

static int __init ras_fake_core_init(void)
{
	int ret;

	ras_fake_core = kzalloc(sizeof(*ras_fake_core), GFP_KERNEL);
	if (!ras_fake_core)
		return -ENOMEM;

	ret = ras_process_init(ras_fake_core);
	if (ret) {
		kfree(ras_fake_core);
		return ret;
	}
	ras_fake_core->is_initialized = true;
	return 0;
}

static void __exit ras_fake_core_exit(void)
{
	ras_fake_core->is_initialized = false;
	ras_process_fini(ras_fake_core);
	kfree(ras_fake_core);
}

module_init(ras_fake_core_init);
module_exit(ras_fake_core_exit);

MODULE_LICENSE("GPL");
