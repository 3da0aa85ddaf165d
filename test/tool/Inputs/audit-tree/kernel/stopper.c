#include <linux/kernel.h>

/* Correct: created, tested with IS_ERR(), stopped. */
static int stopper_fn(void *d)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static struct task_struct *stopper;

int stopper_start(void)
{
	stopper = kthread_run(stopper_fn, NULL, "stopper");
	return PTR_ERR_OR_ZERO(stopper);
}

void stopper_stop(void)
{
	kthread_stop(stopper);
}
