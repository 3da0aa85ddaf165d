// RUN: %check_kthread_lint --product=tool %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=plugin %s kthread-lost-wakeup %t
// RUN: %check_kthread_lint --product=clang %s kthread-lost-wakeup %t

// Lost wake-ups of ordinary data wakers: another function updates a field
// and then wakes the thread. Reading the field before the task state is
// set loses a wake-up that comes in between, on every kernel (no
// TIF_NOTIFY_SIGNAL ends this sleep). drivers/pcmcia/cs.c's pccardd() after
// fbb3485f1f93 is the real one (test/corpus).

#include <linux/kernel.h>

void handle(unsigned int events);

struct socket {
	struct task_struct *thread;
	spinlock_t lock;
	unsigned int events;
};

//===--- Positive: read under the lock, lock dropped, then the state -----===//

static int events_fn(void *data)
{
	struct socket *s = data;

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
		// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'schedule()' can sleep through a wake-up: 's->events' was read before the task state was set, so a wake-up from 'post_events' in between is lost [kthread-lost-wakeup]
		// CHECK-MESSAGES: :[[@LINE-12]]:12: note: 's->events' is read here
		// CHECK-MESSAGES: :[[@LINE-6]]:3: note: and the state is set only here; set it before the test
		// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'post_events' updates 's->events' and wakes the thread here
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void post_events(struct socket *s, unsigned int events)
{
	spin_lock(&s->lock);
	s->events |= events;
	spin_unlock(&s->lock);
	wake_up_process(s->thread);
}

int socket_start(struct socket *s)
{
	struct task_struct *t = kthread_run(events_fn, s, "events");

	return PTR_ERR_OR_ZERO(t);
}

//===--- Positive: the read is the test, not the bit writes around it ----===//

// fs/btrfs/disk-io.c's cleaner_kthread(): set_bit() and
// clear_and_wake_up_bit() write the flags; the test_bit() that decides to
// sleep is the read a wake-up from cleaner_open() can slip past.
void set_bit(long nr, unsigned long *addr);
int test_bit(long nr, const unsigned long *addr);
void clear_and_wake_up_bit(int bit, unsigned long *word);

struct cleaner {
	struct task_struct *task;
	unsigned long flags;
};

static int cleaner_fn(void *data)
{
	struct cleaner *c = data;

	for (;;) {
		set_bit(1, &c->flags);
		if (!test_bit(0, &c->flags))
			goto sleep;
		handle(0);
sleep:
		clear_and_wake_up_bit(1, &c->flags);
		if (kthread_should_stop())
			return 0;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
		// CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'schedule()' can sleep through a wake-up: 'c->flags' was read before the task state was set, so a wake-up from 'cleaner_open' in between is lost [kthread-lost-wakeup]
		// CHECK-MESSAGES: :[[@LINE-10]]:21: note: 'c->flags' is read here
		// CHECK-MESSAGES: :[[@LINE-4]]:3: note: and the state is set only here; set it before the test
		// CHECK-MESSAGES: :{{[0-9]+}}:2: note: 'cleaner_open' updates 'c->flags' and wakes the thread here
		__set_current_state(TASK_RUNNING);
	}
}

void cleaner_open(struct cleaner *c)
{
	set_bit(0, &c->flags);
	wake_up_process(c->task);
}

int cleaner_start(struct cleaner *c)
{
	c->task = kthread_run(cleaner_fn, c, "cleaner");
	return PTR_ERR_OR_ZERO(c->task);
}

//===--- Silent: an element store is a write, test_and_clear_bit() the read ===//

// drivers/usb/host/max3421-hcd.c's max3421_spi_thread(): the state is set
// before test_and_clear_bit() decides the sleep; storing p->pins[i] after
// the wake-up reads nothing.
struct pinned {
	struct task_struct *task;
	unsigned long todo;
	unsigned long pins[2];
};

static int pins_fn(void *data)
{
	struct pinned *p = data;
	int i;

	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!test_bit(0, &p->todo))
			schedule();
		__set_current_state(TASK_RUNNING);
		clear_and_wake_up_bit(0, &p->todo);
		for (i = 0; i < 2; i++)
			p->pins[i] = 0;
	}
	return 0;
}

void pins_set(struct pinned *p, unsigned long v)
{
	p->pins[0] |= v;
	set_bit(0, &p->todo);
	wake_up_process(p->task);
}

int pins_start(struct pinned *p)
{
	p->task = kthread_run(pins_fn, p, "pins");
	return PTR_ERR_OR_ZERO(p->task);
}

//===--- Silent: the state is set under the lock the test holds ----------===//

// drivers/mtd/ubi/wl.c's ubi_thread(): the waker adds work and wakes under
// the same lock, so it cannot run between the test and the state change.
struct queue {
	struct task_struct *task;
	spinlock_t lock;
	int pending;
};

static int queue_fn(void *data)
{
	struct queue *q = data;

	while (!kthread_should_stop()) {
		spin_lock(&q->lock);
		if (!q->pending) {
			set_current_state(TASK_INTERRUPTIBLE);
			spin_unlock(&q->lock);
			if (kthread_should_stop()) {
				__set_current_state(TASK_RUNNING);
				break;
			}
			schedule();
			continue;
		}
		q->pending--;
		spin_unlock(&q->lock);
	}
	return 0;
}

void queue_add(struct queue *q)
{
	spin_lock(&q->lock);
	q->pending++;
	wake_up_process(q->task);
	spin_unlock(&q->lock);
}

int queue_start(struct queue *q)
{
	q->task = kthread_run(queue_fn, q, "queue");
	return PTR_ERR_OR_ZERO(q->task);
}

//===--- Silent: state first, then the test ------------------------------===//

struct flagged {
	struct task_struct *task;
	int flag;
};

static int flag_fn(void *data)
{
	struct flagged *f = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (!f->flag)
			schedule();
		__set_current_state(TASK_RUNNING);
		f->flag = 0;
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void flag_set(struct flagged *f)
{
	f->flag = 1;
	wake_up_process(f->task);
}

int flag_start(struct flagged *f)
{
	f->task = kthread_run(flag_fn, f, "flag");
	return PTR_ERR_OR_ZERO(f->task);
}

//===--- Silent: a place nobody updates before a wake-up -----------------===//

struct polled {
	struct task_struct *task;
	int budget;
};

static int polled_fn(void *data)
{
	struct polled *p = data;

	while (!kthread_should_stop()) {
		if (p->budget)
			handle(p->budget);
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	return 0;
}

int polled_start(struct polled *p)
{
	p->task = kthread_run(polled_fn, p, "polled");
	return PTR_ERR_OR_ZERO(p->task);
}

//===--- Silent: the only "waker" is the thread's start --------------------===//

// fs/smb/client/connect.c's cifs_get_tcp_session(): fields are set up, then
// wake_up_process() starts the thread made with kthread_create(). That
// wake-up runs before anything the thread does, so no sleep of it is lost.
struct session {
	struct task_struct *tsk;
	int status;
};

static int session_fn(void *data)
{
	struct session *ses = data;

	while (!kthread_should_stop()) {
		if (ses->status) {
			handle(ses->status);
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

int session_start(struct session *ses)
{
	ses->tsk = kthread_create(session_fn, ses, "session");
	if (IS_ERR(ses->tsk))
		return PTR_ERR(ses->tsk);
	ses->status = 1;
	wake_up_process(ses->tsk);
	return 0;
}

void session_stop(struct session *ses)
{
	kthread_stop(ses->tsk);
}

//===--- Silent: the early read only feeds a debug printk -----------------===//

// drivers/net/wireless/marvell/libertas/main.c's lbs_thread(): the field is
// printed before the state change (lbs_deb_thread()), and tested again after
// it on the paths that need it; the printed read decides nothing.
struct card {
	struct task_struct *thread;
	int removed;
	int sent;
};

static int card_fn(void *data)
{
	struct card *c = data;

	while (!kthread_should_stop()) {
		pr_info("sent %d\n", c->sent);
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (c->removed || c->sent)
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

void card_done(struct card *c)
{
	c->sent = 0;
	wake_up_process(c->thread);
}

int card_start(struct card *c)
{
	c->thread = kthread_run(card_fn, c, "card");
	return PTR_ERR_OR_ZERO(c->thread);
}

void card_stop(struct card *c)
{
	kthread_stop(c->thread);
}
