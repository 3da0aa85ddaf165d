/* Fuzz seed: one use of every kthread API shape the checks model. */
#include <linux/kernel.h>

struct dev {
	struct task_struct *task, *threads[4];
	struct kthread_worker *worker;
	struct completion done;
	struct mutex lock;
	wait_queue_head_t wq;
	int ready;
};

static struct task_struct *global_task;

static int loop_fn(void *data)
{
	struct dev *d = data;

	set_freezable();
	while (!kthread_freezable_should_stop(NULL)) {
		if (kthread_should_park())
			kthread_parkme();
		wait_event_interruptible(d->wq, d->ready || kthread_should_stop());
		mutex_lock(&d->lock);
		d->ready = 0;
		mutex_unlock(&d->lock);
		cond_resched();
	}
	return 0;
}

static int once_fn(void *data)
{
	struct dev *d = data;

	complete(&d->done);
	kthread_complete_and_exit(&d->done, 0);
}

static int sleepy_fn(void *data)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static struct task_struct *start_worker(struct dev *d)
{
	return kthread_run(loop_fn, d, "tour-%s", "w");
}

int tour_start(struct dev *d, unsigned int cpu)
{
	int i, err;

	d->task = kthread_create_on_node(loop_fn, d, 0, "tour/%u", cpu);
	if (IS_ERR(d->task))
		return PTR_ERR(d->task);
	kthread_bind(d->task, cpu);
	get_task_struct(d->task);
	wake_up_process(d->task);

	for (i = 0; i < 4; i++) {
		d->threads[i] = kthread_run_on_cpu(sleepy_fn, d, i, "tour/%u");
		if (IS_ERR(d->threads[i])) {
			err = PTR_ERR(d->threads[i]);
			d->threads[i] = NULL;
			goto undo;
		}
	}
	d->worker = kthread_create_worker(0, "tour-w");
	if (IS_ERR(d->worker)) {
		err = PTR_ERR(d->worker);
		d->worker = NULL;
		goto undo;
	}
	global_task = start_worker(d);
	if (IS_ERR_OR_NULL(global_task))
		global_task = NULL;
	init_completion(&d->done);
	if (!IS_ERR(kthread_run(once_fn, d, "tour-once")))
		wait_for_completion(&d->done);
	kthread_park(d->task);
	kthread_unpark(d->task);
	return 0;
undo:
	while (--i >= 0)
		kthread_stop(d->threads[i]);
	kthread_stop_put(d->task);
	return err;
}

void tour_stop(struct dev *d)
{
	int i;

	if (global_task)
		kthread_stop(global_task);
	if (d->worker)
		kthread_destroy_worker(d->worker);
	for (i = 0; i < 4; i++)
		if (d->threads[i])
			kthread_stop(d->threads[i]);
	kthread_stop(d->task);
	put_task_struct(d->task);
}
