// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: pcmcia: fix setting of kthread task states
 * source: commit fbb3485f1f931102d8ba606f1c28123f5b48afa3 ("pcmcia: fix setting of kthread task states")
 * file: drivers/pcmcia/cs.c
 * date: 2022-01-09
 * class: lost-wakeup
 * bug: the stop race is fixed: TASK_INTERRUPTIBLE is set before
 *      kthread_should_stop() is tested. The fix left the data race in place:
 *      thread_events/sysfs_events are still read (under thread_lock, at the top
 *      of the loop) before the state change, so an event that
 *      pcmcia_parse_events() posts and wakes for between that read and
 *      set_current_state() finds the thread running; pccardd() then sleeps
 *      with the event pending until the next wake-up.
 * kernel: 5.15
 * expect: kthread-lost-wakeup@pccardd
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/freezer.h>
#include <linux/delay.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/completion.h>
#include <linux/device.h>

/* include/pcmcia/ss.h (cut to what pccardd uses) */
#define SS_DETECT		0x0080
#define SOCKET_PRESENT		0x0004

#define PCMCIA_UEVENT_EJECT	0x0001
#define PCMCIA_UEVENT_INSERT	0x0002

struct pcmcia_socket;

struct pccard_operations {
	int (*init)(struct pcmcia_socket *s);
};

struct pcmcia_socket {
	u_int				state;
	struct pccard_operations	*ops;
	struct mutex			skt_mutex;
	struct completion		thread_done;
	spinlock_t			thread_lock;	/* protects thread_events */
	unsigned int			thread_events;
	unsigned int			sysfs_events;
	struct task_struct		*thread;
	/* stand-in for the card detect status the socket driver reports */
	int				fake_status;
};

/* stand-ins for the card insert/remove handling of drivers/pcmcia/cs.c */
static void socket_remove(struct pcmcia_socket *skt)
{
	skt->state &= ~SOCKET_PRESENT;
}

static void socket_insert(struct pcmcia_socket *skt)
{
	skt->state |= SOCKET_PRESENT;
}

static void socket_detect_change(struct pcmcia_socket *skt)
{
	if (!(skt->state & SOCKET_PRESENT) && skt->fake_status)
		socket_insert(skt);
	else if ((skt->state & SOCKET_PRESENT) && !skt->fake_status)
		socket_remove(skt);
}

/* drivers/pcmcia/cs.c */
static int pccardd(void *__skt)
{
	struct pcmcia_socket *skt = __skt;

	skt->thread = current;
	skt->ops->init(skt);

	complete(&skt->thread_done);

	/* wait for userspace to catch up */
	msleep(250);

	set_freezable();
	for (;;) {
		unsigned long flags;
		unsigned int events;
		unsigned int sysfs_events;

		spin_lock_irqsave(&skt->thread_lock, flags);
		events = skt->thread_events;
		skt->thread_events = 0;
		sysfs_events = skt->sysfs_events;
		skt->sysfs_events = 0;
		spin_unlock_irqrestore(&skt->thread_lock, flags);

		mutex_lock(&skt->skt_mutex);
		if (events & SS_DETECT)
			socket_detect_change(skt);

		if (sysfs_events) {
			if (sysfs_events & PCMCIA_UEVENT_EJECT)
				socket_remove(skt);
			if (sysfs_events & PCMCIA_UEVENT_INSERT)
				socket_insert(skt);
		}
		mutex_unlock(&skt->skt_mutex);

		if (events || sysfs_events)
			continue;

		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;

		schedule();

		try_to_freeze();
	}
	/* make sure we are running before we exit */
	__set_current_state(TASK_RUNNING);

	/* shut down socket, if a device is still present */
	if (skt->state & SOCKET_PRESENT) {
		mutex_lock(&skt->skt_mutex);
		socket_remove(skt);
		mutex_unlock(&skt->skt_mutex);
	}

	return 0;
}

/*
 * Yenta (at least) probes interrupts before registering the socket and
 * starting the handler thread.
 */
static void pcmcia_parse_events(struct pcmcia_socket *s, u_int events)
{
	unsigned long flags;
	pr_debug("parse_events: events %08x\n", events);
	if (s->thread) {
		spin_lock_irqsave(&s->thread_lock, flags);
		s->thread_events |= events;
		spin_unlock_irqrestore(&s->thread_lock, flags);

		wake_up_process(s->thread);
	}
} /* pcmcia_parse_events */

static void pcmcia_parse_uevents(struct pcmcia_socket *s, u_int events)
{
	unsigned long flags;
	pr_debug("parse_uevents: events %08x\n", events);
	if (s->thread) {
		spin_lock_irqsave(&s->thread_lock, flags);
		s->sysfs_events |= events;
		spin_unlock_irqrestore(&s->thread_lock, flags);

		wake_up_process(s->thread);
	}
}

static int pcmcia_register_socket(struct pcmcia_socket *socket)
{
	struct task_struct *tsk;
	int ret;

	init_completion(&socket->thread_done);
	mutex_init(&socket->skt_mutex);
	spin_lock_init(&socket->thread_lock);

	tsk = kthread_run(pccardd, socket, "pccardd");
	if (IS_ERR(tsk)) {
		ret = PTR_ERR(tsk);
		goto err;
	}

	wait_for_completion(&socket->thread_done);
	if (!socket->thread) {
		pr_warn("PCMCIA: warning: socket thread did not start\n");
		return -EIO;
	}

	pcmcia_parse_events(socket, SS_DETECT);

	return 0;

 err:
	return ret;
} /* pcmcia_register_socket */

static void pcmcia_unregister_socket(struct pcmcia_socket *socket)
{
	if (!socket)
		return;

	if (socket->thread)
		kthread_stop(socket->thread);
} /* pcmcia_unregister_socket */

/* a socket driver (stand-in for yenta_socket / i82365) */
static int demo_init(struct pcmcia_socket *s)
{
	return 0;
}

static struct pccard_operations demo_ops = {
	.init = demo_init,
};

static struct pcmcia_socket demo_socket = {
	.ops = &demo_ops,
	.fake_status = 1,
};

static int __init init_pcmcia_cs(void)
{
	int ret;

	ret = pcmcia_register_socket(&demo_socket);
	if (ret)
		return ret;
	pcmcia_parse_uevents(&demo_socket, PCMCIA_UEVENT_INSERT);
	return 0;
}

static void __exit exit_pcmcia_cs(void)
{
	pcmcia_unregister_socket(&demo_socket);
}

subsys_initcall(init_pcmcia_cs);
module_exit(exit_pcmcia_cs);

MODULE_LICENSE("GPL");
