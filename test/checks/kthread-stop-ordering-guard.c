// RUN: %check_kthread_lint --product=tool %s kthread-stop-ordering %t
// RUN: %check_kthread_lint --product=plugin %s kthread-stop-ordering %t
// RUN: %check_kthread_lint --product=clang %s kthread-stop-ordering %t

// A lock held across kthread_stop() through cleanup.h scopes (v6.5 on):
// guard(mutex)(&m) holds it to the end of the block, scoped_guard() for
// the statement after it.

#include <linux/kernel.h>
#include <linux/cleanup.h>

//===--- Positives -------------------------------------------------------===//

/* guard() in the stopper, mutex_lock() in the thread. */
struct guarded {
	struct task_struct *task;
	struct mutex lock;
	int count;
};

static int guarded_fn(void *data)
{
	struct guarded *g = data;

	while (!kthread_should_stop()) {
		mutex_lock(&g->lock);
		g->count++;
		mutex_unlock(&g->lock);
		msleep(10);
	}
	return 0;
}

int guarded_start(struct guarded *g)
{
	g->task = kthread_run(guarded_fn, g, "kt-guard");
	return PTR_ERR_OR_ZERO(g->task);
}

void guarded_stop(struct guarded *g)
{
	guard(mutex)(&g->lock);
	g->count = -1;
	kthread_stop(g->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'kthread_stop' is called while holding 'g->lock', which thread function 'guarded_fn' takes: each waits for the other, a deadlock [kthread-stop-ordering]
	// CHECK-MESSAGES: :[[@LINE-4]]:2: note: 'g->lock' taken here; release it before stopping
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'guarded_fn' takes it here
}

/* scoped_guard() in the stopper, guard() in the thread. */
struct scoped {
	struct task_struct *task;
	struct mutex lock;
	int count;
};

static int scoped_fn(void *data)
{
	struct scoped *s = data;

	while (!kthread_should_stop()) {
		{
			guard(mutex)(&s->lock);
			s->count++;
		}
		msleep(10);
	}
	return 0;
}

int scoped_start(struct scoped *s)
{
	s->task = kthread_run(scoped_fn, s, "kt-scoped");
	return PTR_ERR_OR_ZERO(s->task);
}

void scoped_stop(struct scoped *s)
{
	scoped_guard(mutex, &s->lock) {
		s->count = -1;
		kthread_stop(s->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'kthread_stop' is called while holding 's->lock', which thread function 'scoped_fn' takes: each waits for the other, a deadlock [kthread-stop-ordering]
	// CHECK-MESSAGES: :[[@LINE-4]]:2: note: 's->lock' taken here; release it before stopping
	// CHECK-MESSAGES: :{{[0-9]+}}:4: note: 'scoped_fn' takes it here
	}
}

/* A spinlock guard (DEFINE_LOCK_GUARD_1) on both sides. */
struct spun {
	struct task_struct *task;
	spinlock_t lock;
	int todo;
};

static int spun_fn(void *data)
{
	struct spun *s = data;

	while (!kthread_should_stop()) {
		scoped_guard(spinlock, &s->lock)
			s->todo = 0;
		msleep(10);
	}
	return 0;
}

int spun_start(struct spun *s)
{
	s->task = kthread_run(spun_fn, s, "kt-spun");
	return PTR_ERR_OR_ZERO(s->task);
}

void spun_stop(struct spun *s)
{
	guard(spinlock)(&s->lock);
	kthread_stop(s->task);
	// CHECK-MESSAGES: :[[@LINE-1]]:2: warning: 'kthread_stop' is called while holding 's->lock', which thread function 'spun_fn' takes: each waits for the other, a deadlock [kthread-stop-ordering]
	// CHECK-MESSAGES: :[[@LINE-3]]:2: note: 's->lock' taken here; release it before stopping
	// CHECK-MESSAGES: :{{[0-9]+}}:3: note: 'spun_fn' takes it here
}

//===--- Must stay silent ------------------------------------------------===//

/* The guard's block ends before the stop: the lock is released there. */
struct released {
	struct task_struct *task;
	struct mutex lock;
	int count;
};

static int released_fn(void *data)
{
	struct released *r = data;

	while (!kthread_should_stop()) {
		mutex_lock(&r->lock);
		r->count++;
		mutex_unlock(&r->lock);
		msleep(10);
	}
	return 0;
}

int released_start(struct released *r)
{
	r->task = kthread_run(released_fn, r, "kt-released");
	return PTR_ERR_OR_ZERO(r->task);
}

void released_stop(struct released *r)
{
	{
		guard(mutex)(&r->lock);
		r->count = -1;
	}
	scoped_guard(mutex, &r->lock)
		r->count = -2;
	kthread_stop(r->task);
}

/* A guard of another lock than the thread takes. */
struct other {
	struct task_struct *task;
	struct mutex lock;
	struct mutex config_lock;
	int count;
};

static int other_fn(void *data)
{
	struct other *o = data;

	while (!kthread_should_stop()) {
		mutex_lock(&o->lock);
		o->count++;
		mutex_unlock(&o->lock);
		msleep(10);
	}
	return 0;
}

int other_start(struct other *o)
{
	o->task = kthread_run(other_fn, o, "kt-other");
	return PTR_ERR_OR_ZERO(o->task);
}

void other_stop(struct other *o)
{
	guard(mutex)(&o->config_lock);
	kthread_stop(o->task);
}
