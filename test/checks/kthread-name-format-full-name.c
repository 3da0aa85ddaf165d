// RUN: %check_kthread_lint --product=tool %s kthread-name-format %t
// RUN: %check_kthread_lint --product=plugin %s kthread-name-format %t
// RUN: %check_kthread_lint --product=clang %s kthread-name-format %t

// Headers that declare get_kthread_comm() (v5.17 on: 6.1, 6.12) have /proc
// show a kthread's full name; comm, which kernel logs and traces print, is
// still cut at 15 characters. The message says so.

#include <linux/kernel.h>

void get_kthread_comm(char *buf, size_t buf_size, struct task_struct *tsk);

static int thread_fn(void *data) { return 0; }

/* kernel/audit.c (v6.1). */
struct task_struct *bad_long_literal(void *reply)
{
	return kthread_run(thread_fn, reply, "audit_send_reply");
	// CHECK-MESSAGES: :[[@LINE-1]]:39: warning: thread name 'audit_send_reply' is 16 characters long, but comm keeps only 15: kernel logs and traces show it as 'audit_send_repl' [kthread-name-format]
}

/* 15 characters: kept whole. */
struct task_struct *good_fifteen(void *reply)
{
	return kthread_run(thread_fn, reply, "audit_send_repl");
}
