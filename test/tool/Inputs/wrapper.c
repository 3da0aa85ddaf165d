#include <linux/kernel.h>
static int fn(void *d) { return 0; }
struct task_struct *my_spawn(void *d);
void start(void)
{
	struct task_struct *t = my_spawn(NULL);
	wake_up_process(t);
}
