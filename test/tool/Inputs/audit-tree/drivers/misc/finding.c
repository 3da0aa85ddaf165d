#include <linux/kernel.h>
static int fn(void *d) { return 0; }
void f(void) { struct task_struct *t = kthread_create(fn, NULL, "x"); wake_up_process(t); }
