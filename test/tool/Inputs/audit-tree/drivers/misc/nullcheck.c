#include <linux/kernel.h>
static int fn(void *d) { return 0; }
int start(void)
{
	struct task_struct *t = kthread_run(fn, NULL, "kt-null");
	if (!t)
		return -ENOMEM;
	return 0;
}
