#include <linux/kernel.h>

/* A stopped thread whose loop never sleeps: a busy loop. */
static atomic_t polls;

static int poll_fn(void *data)
{
	while (!kthread_should_stop())
		atomic_inc(&polls);
	return 0;
}

static struct task_struct *poller;

int poll_start(void)
{
	poller = kthread_run(poll_fn, NULL, "poll");
	return PTR_ERR_OR_ZERO(poller);
}

void poll_stop(void)
{
	kthread_stop(poller);
}
