#include <linux/kernel.h>
static int fn(void *d) { return 0; }
int f(void) { struct task_struct *t = kthread_run(fn, NULL, "x"); return PTR_ERR_OR_ZERO(t); }
