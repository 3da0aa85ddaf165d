#include <linux/kernel.h>

/* Created, never woken: two findings of one check in one file, so that the
 * fingerprints carry an occurrence index. */
static int worker_fn(void *data) { return 0; }

int start_rx(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "rx");
	if (IS_ERR(t))
		return PTR_ERR(t);
	return 0;
}

int start_tx(void)
{
	struct task_struct *t = kthread_create(worker_fn, NULL, "tx");
	if (IS_ERR(t))
		return PTR_ERR(t);
	return 0;
}
