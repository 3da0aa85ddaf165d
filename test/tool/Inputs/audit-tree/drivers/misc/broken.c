#include <linux/kernel.h>
/* Does not compile: its object is listed as "did not build". */
static int fn(void *d) { return 0; }
void f(void) { struct task_struct *t = kthread_run(fn, NULL, "x") }
