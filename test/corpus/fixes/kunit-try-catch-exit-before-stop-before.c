// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-before
 * subject: kunit: Fix kthread reference
 * source: commit f8aa1b98ce40184521ed95ec26cc115a255183b2 ("kunit: Fix kthread reference")
 * file: lib/kunit/try-catch.c
 * date: 2024-04-08
 * class: exit-before-stop
 * bug: the test thread ends on its own (kthread_complete_and_exit()) once the
 *      test case returns; the runner calls kthread_stop() on it when
 *      wait_for_completion_timeout() times out, without a reference of its
 *      own. A test that finishes after the deadline but before kthread_stop()
 *      is reaped, and kthread_stop() touches the freed task: use-after-free.
 *      Also real, and still so upstream (found by the checker on the first corpus run,
 *      confirmed): the name 'kunit_try_catch_thread' is cut to 'kunit_try_catch' in comm.
 * expect: kthread-exit-before-stop@kunit_generic_run_threadfn_adapter
 * expect: kthread-name-format@kunit_try_catch_run
 */
/*
 * An API to allow a function, that may fail, to be executed, and recover in a
 * controlled manner.
 *
 * Copyright (C) 2019, Google LLC.
 * Author: Brendan Higgins <brendanhiggins@google.com>
 */

#include <kunit/try-catch.h>
#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>

/* stand-in for kunit_err() (kunit_log_append() is not in vmlinux) */
#define kunit_err(test, fmt, ...) ((void)(test), pr_err(fmt, ##__VA_ARGS__))

void __noreturn kunit_try_catch_throw(struct kunit_try_catch *try_catch)
{
	try_catch->try_result = -EFAULT;
	kthread_complete_and_exit(try_catch->try_completion, -EFAULT);
}
EXPORT_SYMBOL_GPL(kunit_try_catch_throw);

static int kunit_generic_run_threadfn_adapter(void *data)
{
	struct kunit_try_catch *try_catch = data;

	try_catch->try(try_catch->context);

	kthread_complete_and_exit(try_catch->try_completion, 0);
}

static unsigned long kunit_test_timeout(void)
{
	/*
	 * If tests timeout due to exceeding sysctl_hung_task_timeout_secs,
	 * the task will be killed and an oops generated.
	 */
	return 300 * msecs_to_jiffies(MSEC_PER_SEC); /* 5 min */
}

void kunit_try_catch_run(struct kunit_try_catch *try_catch, void *context)
{
	DECLARE_COMPLETION_ONSTACK(try_completion);
	struct kunit *test = try_catch->test;
	struct task_struct *task_struct;
	int exit_code, time_remaining;

	try_catch->context = context;
	try_catch->try_completion = &try_completion;
	try_catch->try_result = 0;
	task_struct = kthread_run(kunit_generic_run_threadfn_adapter,
				  try_catch,
				  "kunit_try_catch_thread");
	if (IS_ERR(task_struct)) {
		try_catch->catch(try_catch->context);
		return;
	}

	time_remaining = wait_for_completion_timeout(&try_completion,
						     kunit_test_timeout());
	if (time_remaining == 0) {
		try_catch->try_result = -ETIMEDOUT;
		kthread_stop(task_struct);
	}

	exit_code = try_catch->try_result;

	if (!exit_code)
		return;

	if (exit_code == -EFAULT)
		try_catch->try_result = 0;
	else if (exit_code == -EINTR)
		kunit_err(test, "wake_up_process() was never called\n");
	else if (exit_code == -ETIMEDOUT)
		kunit_err(test, "try timed out\n");
	else if (exit_code)
		kunit_err(test, "Unknown error: %d\n", exit_code);

	try_catch->catch(try_catch->context);
}
EXPORT_SYMBOL_GPL(kunit_try_catch_run);

MODULE_LICENSE("GPL");
