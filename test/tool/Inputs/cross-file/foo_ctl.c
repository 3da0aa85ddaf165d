#include "foo.h"

void foo_start(struct foo_dev *dev)
{
	wake_up_process(dev->poll_task);
	get_task_struct(dev->pinned_task);
}

void foo_stop(struct foo_dev *dev)
{
	kthread_stop(dev->poll_task);
	kthread_stop(dev->scan_task);
	kthread_stop(dev->loop_task);
	kthread_stop(dev->pinned_task);
	put_task_struct(dev->pinned_task);
}

void foo_teardown(void)
{
	kthread_stop(foo_aux_task);
}
