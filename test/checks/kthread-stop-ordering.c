// RUN: %check_kthread_lint --product=tool %s kthread-stop-ordering %t
// RUN: %check_kthread_lint --product=plugin %s kthread-stop-ordering %t
// RUN: %check_kthread_lint --product=clang %s kthread-stop-ordering %t

#include <linux/kernel.h>

void do_work(void);

struct dev {
	struct task_struct *task;
	struct completion done;
	wait_queue_head_t wq;
	struct semaphore sem;
	struct mutex lock;
	int ready;
};

//===--- Rule 1: the signal the thread waits for comes after the stop ----===//

/* The thread waits for a completion; the remove path stops it first. The
 * thread function and the stop meet through priv->task and priv->done. */
static int late_complete_fn(void *data)
{
	struct dev *priv = data;

	wait_for_completion(&priv->done);
	return 0;
}

int late_complete_probe(struct dev *priv)
{
	init_completion(&priv->done);
	priv->task = kthread_run(late_complete_fn, priv, "kt-late");
	return PTR_ERR_OR_ZERO(priv->task);
}

void late_complete_remove(struct dev *priv)
{
	kthread_stop(priv->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'kthread_stop' is called before 'complete(&priv->done)', which thread function 'late_complete_fn' waits for: each waits for the other, a deadlock [kthread-stop-ordering]
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'wait_for_completion' waits here for 'priv->done'
	// CHECK-FIXES: {{^}}	complete(&priv->done);{{$}}
	complete(&priv->done);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'complete' signals it only here, after the stop; signal before stopping
	// CHECK-FIXES: {{^}}	kthread_stop(priv->task);{{$}}
}

/* A wait queue whose condition lacks the stop test, woken after the stop. */
struct wdev {
	struct task_struct *task;
	wait_queue_head_t wq;
	int ready;
};

static int late_wake_fn(void *data)
{
	struct wdev *d = data;

	wait_event(d->wq, d->ready);
	return 0;
}

static struct wdev wake_dev;

int late_wake_start(void)
{
	wake_dev.task = kthread_run(late_wake_fn, &wake_dev, "kt-wq");
	return PTR_ERR_OR_ZERO(wake_dev.task);
}

void late_wake_stop(struct wdev *d)
{
	int ret = kthread_stop(d->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'kthread_stop' is called before 'wake_up(&d->wq)', which thread function 'late_wake_fn' waits for: each waits for the other, a deadlock
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'wait_event' waits here for 'd->wq'
	d->ready = ret;
	wake_up(&d->wq);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: note: 'wake_up' signals it only here, after the stop; signal before stopping
}

/* up() after the stop of a thread blocked in down(). */
static int late_up_fn(void *data)
{
	struct dev *d = data;

	down(&d->sem);
	do_work();
	return 0;
}

int late_up_start(struct dev *d)
{
	d->task = kthread_run(late_up_fn, d, "kt-sem");
	return PTR_ERR_OR_ZERO(d->task);
}

void late_up_stop(struct dev *d, int flush)
{
	kthread_stop(d->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'kthread_stop' is called before 'up(&d->sem)', which thread function 'late_up_fn' waits for: each waits for the other, a deadlock
	// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'down' waits here for 'd->sem'
	if (flush)
		up(&d->sem);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: note: 'up' signals it only here, after the stop; signal before stopping
}

//===--- Rule 2: a lock held across the stop -----------------------------===//

struct locked {
	struct task_struct *task;
	struct mutex lock;
	int count;
};

static int lock_fn(void *data)
{
	struct locked *l = data;

	while (!kthread_should_stop()) {
		mutex_lock(&l->lock);
		l->count++;
		mutex_unlock(&l->lock);
		msleep(10);
	}
	return 0;
}

int lock_start(struct locked *l)
{
	l->task = kthread_run(lock_fn, l, "kt-lock");
	return PTR_ERR_OR_ZERO(l->task);
}

void lock_stop(struct locked *l)
{
	mutex_lock(&l->lock);
	l->count = -1;
	kthread_stop(l->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'kthread_stop' is called while holding 'l->lock', which thread function 'lock_fn' takes: each waits for the other, a deadlock [kthread-stop-ordering]
	// CHECK-MESSAGES: :[[@LINE-4]]:2: note: 'l->lock' taken here; release it before stopping
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'lock_fn' takes it here
	mutex_unlock(&l->lock);
}

/* The same with a spinlock taken by spin_lock_irqsave(), a macro over
 * _raw_spin_lock_irqsave() in v6.1 (drivers/usb/host/max3421-hcd.c's
 * remove, test/corpus). */
struct spinning {
	struct task_struct *task;
	spinlock_t lock;
	int todo;
};

static int spin_fn(void *data)
{
	struct spinning *s = data;
	unsigned long flags;

	while (!kthread_should_stop()) {
		spin_lock_irqsave(&s->lock, flags);
		s->todo = 0;
		spin_unlock_irqrestore(&s->lock, flags);
		msleep(10);
	}
	return 0;
}

int spin_start(struct spinning *s)
{
	s->task = kthread_run(spin_fn, s, "kt-spin");
	return PTR_ERR_OR_ZERO(s->task);
}

void spin_stop(struct spinning *s)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	kthread_stop(s->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'kthread_stop' is called while holding 's->lock', which thread function 'spin_fn' takes: each waits for the other, a deadlock [kthread-stop-ordering]
	// CHECK-MESSAGES: :[[@LINE-3]]:2: note: 's->lock' taken here; release it before stopping
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'spin_fn' takes it here
	spin_unlock_irqrestore(&s->lock, flags);
}

//===--- Must stay silent ------------------------------------------------===//

/* The lock dropped before the stop (mm/damon/core.c's __damon_stop()). */
struct spin_ok {
	struct task_struct *task;
	spinlock_t lock;
	int todo;
};

static int spin_ok_fn(void *data)
{
	struct spin_ok *s = data;
	unsigned long flags;

	while (!kthread_should_stop()) {
		spin_lock_irqsave(&s->lock, flags);
		s->todo = 0;
		spin_unlock_irqrestore(&s->lock, flags);
		msleep(10);
	}
	return 0;
}

int spin_ok_start(struct spin_ok *s)
{
	s->task = kthread_run(spin_ok_fn, s, "kt-spin-ok");
	return PTR_ERR_OR_ZERO(s->task);
}

void spin_ok_stop(struct spin_ok *s)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	s->todo = -1;
	spin_unlock_irqrestore(&s->lock, flags);
	kthread_stop(s->task);
}

/* The right order: signal, then stop (drivers' usual teardown). */
struct good {
	struct task_struct *task;
	struct completion done;
	wait_queue_head_t wq;
	struct mutex lock;
	int ready;
	int count;
};

static int good_fn(void *data)
{
	struct good *g = data;

	wait_for_completion(&g->done);
	while (!kthread_should_stop()) {
		wait_event_interruptible(g->wq, g->ready || kthread_should_stop());
		mutex_lock(&g->lock);
		g->count++;
		mutex_unlock(&g->lock);
	}
	return 0;
}

int good_start(struct good *g)
{
	g->task = kthread_run(good_fn, g, "kt-good");
	return PTR_ERR_OR_ZERO(g->task);
}

void good_stop(struct good *g)
{
	complete(&g->done);
	mutex_lock(&g->lock);
	g->count = 0;
	mutex_unlock(&g->lock);
	kthread_stop(g->task);
	/* A stop-aware wait woken afterwards is harmless. */
	wake_up(&g->wq);
}

/* xfsaild: state set, then the stop test, then the sleep; the stopper only
 * stops. */
struct xfs_ail {
	struct task_struct *ail_task;
	long ail_target;
};

static int xfsaild(void *data)
{
	struct xfs_ail *ailp = data;
	long tout = 0;

	set_freezable();
	while (1) {
		if (tout && tout <= 20)
			set_current_state(TASK_KILLABLE);
		else
			set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		if (tout == 0) {
			schedule();
			tout = 0;
			continue;
		}
		__set_current_state(TASK_RUNNING);
		try_to_freeze();
		tout = ailp->ail_target;
	}
	return 0;
}

int xfs_trans_ail_init(struct xfs_ail *ailp)
{
	ailp->ail_task = kthread_run(xfsaild, ailp, "xfsaild");
	if (IS_ERR(ailp->ail_task))
		return PTR_ERR(ailp->ail_task);
	return 0;
}

void xfs_trans_ail_destroy(struct xfs_ail *ailp)
{
	kthread_stop(ailp->ail_task);
}

/* A timed wait ends by itself: a completion after the stop is only late. */
struct timed {
	struct task_struct *task;
	struct completion done;
};

static int timed_fn(void *data)
{
	struct timed *t = data;

	while (!kthread_should_stop())
		wait_for_completion_timeout(&t->done, HZ);
	return 0;
}

int timed_start(struct timed *t)
{
	t->task = kthread_run(timed_fn, t, "kt-timed");
	return PTR_ERR_OR_ZERO(t->task);
}

void timed_stop(struct timed *t)
{
	kthread_stop(t->task);
	complete(&t->done);
}
