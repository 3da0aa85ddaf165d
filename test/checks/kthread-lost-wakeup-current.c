// RUN: %check_kthread_lint --product=tool %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=plugin %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=clang %s kthread-lost-wakeup %t

// The thread publishing itself (`s->thread = current;`, pccardd in
// drivers/pcmcia/cs.c) in the other architectures' spellings of `current`:
// s390's macro over a field of the lowcore (arch/s390/include/asm/current.h),
// and 32-bit powerpc's global register variable
// (arch/powerpc/include/asm/current.h; here on the stack pointer, the one
// register clang takes for a global on x86).

#include <linux/kernel.h>

void handle(unsigned int events);

//===--- s390: #define current ((struct task_struct *)lowcore->task) -----===//

struct lowcore {
	struct task_struct *current_task;
};
struct lowcore *get_lowcore(void);
#undef current
#define current ((struct task_struct *const)get_lowcore()->current_task)

struct socket_s390 {
	struct task_struct *thread;
	spinlock_t lock;
	unsigned int events;
};

static int events_fn_s390(void *data)
{
	struct socket_s390 *s = data;

	s->thread = current;
	for (;;) {
		unsigned int events;

		spin_lock(&s->lock);
		events = s->events;
		s->events = 0;
		spin_unlock(&s->lock);
		if (events) {
			handle(events);
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
		// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'schedule()' can sleep through a wake-up: 's->events' was read before the task state was set, so a wake-up from 'post_events_s390' in between is lost [kthread-lost-wakeup]
		// CHECK-MESSAGES: :[[@LINE-12]]:12: note: 's->events' is read here
		// CHECK-MESSAGES: :[[@LINE-6]]:3: note: and the state is set only here; set it before the test
		// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'post_events_s390' updates 's->events' and wakes the thread here
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void post_events_s390(struct socket_s390 *s, unsigned int events)
{
	spin_lock(&s->lock);
	s->events |= events;
	spin_unlock(&s->lock);
	wake_up_process(s->thread);
}

int socket_start_s390(struct socket_s390 *s)
{
	struct task_struct *t = kthread_run(events_fn_s390, s, "events");

	return PTR_ERR_OR_ZERO(t);
}

//===--- Silent: pccardd after fbb3485f1f93, in s390's spelling ---------===//

// drivers/pcmcia/cs.c as fixed: the state is set before the events are
// read under the lock, so a wake-up from the poster cannot slip between.
struct fixed_socket {
	struct task_struct *thread;
	spinlock_t lock;
	unsigned int events;
};

static int fixed_fn(void *data)
{
	struct fixed_socket *s = data;

	s->thread = current;
	for (;;) {
		unsigned int events;

		set_current_state(TASK_INTERRUPTIBLE);
		spin_lock(&s->lock);
		events = s->events;
		s->events = 0;
		spin_unlock(&s->lock);
		if (events) {
			__set_current_state(TASK_RUNNING);
			handle(events);
			continue;
		}
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void post_fixed(struct fixed_socket *s, unsigned int events)
{
	spin_lock(&s->lock);
	s->events |= events;
	spin_unlock(&s->lock);
	wake_up_process(s->thread);
}

int fixed_start(struct fixed_socket *s)
{
	struct task_struct *t = kthread_run(fixed_fn, s, "fixed");

	return PTR_ERR_OR_ZERO(t);
}

//===--- Silent: `current->...` only begins with `current` ---------------===//

struct parent_socket {
	struct task_struct *thread;
	spinlock_t lock;
	unsigned int events;
};

static int parent_fn(void *data)
{
	struct parent_socket *s = data;

	s->thread = current->real_parent;
	for (;;) {
		unsigned int events;

		spin_lock(&s->lock);
		events = s->events;
		s->events = 0;
		spin_unlock(&s->lock);
		if (events) {
			handle(events);
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void post_parent(struct parent_socket *s, unsigned int events)
{
	spin_lock(&s->lock);
	s->events |= events;
	spin_unlock(&s->lock);
	wake_up_process(s->thread);
}

int parent_start(struct parent_socket *s)
{
	struct task_struct *t = kthread_run(parent_fn, s, "parent");

	return PTR_ERR_OR_ZERO(t);
}

//===--- 32-bit powerpc: register struct task_struct *current asm("r2") --===//

#undef current
register struct task_struct *current asm("rsp");

struct socket_ppc32 {
	struct task_struct *thread;
	spinlock_t lock;
	unsigned int events;
};

static int events_fn_ppc32(void *data)
{
	struct socket_ppc32 *s = data;

	s->thread = current;
	for (;;) {
		unsigned int events;

		spin_lock(&s->lock);
		events = s->events;
		s->events = 0;
		spin_unlock(&s->lock);
		if (events) {
			handle(events);
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
		// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'schedule()' can sleep through a wake-up: 's->events' was read before the task state was set, so a wake-up from 'post_events_ppc32' in between is lost [kthread-lost-wakeup]
		// CHECK-MESSAGES: :[[@LINE-12]]:12: note: 's->events' is read here
		// CHECK-MESSAGES: :[[@LINE-6]]:3: note: and the state is set only here; set it before the test
		// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'post_events_ppc32' updates 's->events' and wakes the thread here
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void post_events_ppc32(struct socket_ppc32 *s, unsigned int events)
{
	spin_lock(&s->lock);
	s->events |= events;
	spin_unlock(&s->lock);
	wake_up_process(s->thread);
}

int socket_start_ppc32(struct socket_ppc32 *s)
{
	struct task_struct *t = kthread_run(events_fn_ppc32, s, "events");

	return PTR_ERR_OR_ZERO(t);
}

