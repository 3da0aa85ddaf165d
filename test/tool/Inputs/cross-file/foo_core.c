#include "foo.h"
#include <linux/init.h>
#include <linux/module.h>

static int poll_fn(void *data)
{
	while (!kthread_should_stop())
		schedule();
	return 0;
}

static int scan_fn(void *data)
{
	struct foo_dev *dev = data;

	while (!kthread_should_stop()) {
		if (dev->err)
			return -EINVAL;
		schedule();
	}
	return 0;
}

/* foo_irq.c completes event_done: the wait ends without the stopper. */
static void wait_event_done(struct foo_dev *dev)
{
	wait_for_completion(&dev->event_done);
}

static int event_fn(void *data)
{
	struct foo_dev *dev = data;

	while (!kthread_should_stop())
		wait_event_done(dev);
	return 0;
}

static int loop_fn(void *data)
{
	for (;;)
		schedule();
	return 0;
}

static int pinned_fn(void *data)
{
	struct foo_dev *dev = data;

	if (dev->err)
		return -EINVAL;
	while (!kthread_should_stop())
		schedule();
	return 0;
}

void foo_stop_events(struct foo_dev *dev)
{
	kthread_stop(dev->event_task);
}

int foo_probe(struct foo_dev *dev)
{
	dev->poll_task = kthread_create(poll_fn, dev, "foo-poll");
	if (IS_ERR(dev->poll_task))
		return PTR_ERR(dev->poll_task);
	dev->scan_task = kthread_run(scan_fn, dev, "foo-scan");
	if (IS_ERR(dev->scan_task))
		return PTR_ERR(dev->scan_task);
	dev->event_task = kthread_run(event_fn, dev, "foo-event");
	if (IS_ERR(dev->event_task))
		return PTR_ERR(dev->event_task);
	dev->loop_task = kthread_run(loop_fn, dev, "foo-loop");
	if (IS_ERR(dev->loop_task))
		return PTR_ERR(dev->loop_task);
	dev->pinned_task = kthread_run(pinned_fn, dev, "foo-pinned");
	if (IS_ERR(dev->pinned_task))
		return PTR_ERR(dev->pinned_task);
	foo_start(dev);
	return 0;
}

/* The module's own threads: foo_teardown() in foo_ctl.c stops aux, not
 * watch. */
struct task_struct *foo_watch_task, *foo_aux_task;

static int watch_fn(void *data)
{
	while (!kthread_should_stop())
		schedule();
	return 0;
}

static int __init foo_init(void)
{
	foo_watch_task = kthread_run(watch_fn, NULL, "foo-watch");
	if (IS_ERR(foo_watch_task))
		return PTR_ERR(foo_watch_task);
	foo_aux_task = kthread_run(watch_fn, NULL, "foo-aux");
	if (IS_ERR(foo_aux_task)) {
		kthread_stop(foo_watch_task);
		return PTR_ERR(foo_aux_task);
	}
	return 0;
}

static void __exit foo_exit(void)
{
	foo_teardown();
}

module_init(foo_init);
module_exit(foo_exit);
