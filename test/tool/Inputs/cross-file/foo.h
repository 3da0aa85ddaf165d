/* A driver in three files: foo_core.c creates the threads, foo_ctl.c wakes
 * and stops them, foo_irq.c signals what one of them waits for. The shapes
 * are 6.12's: the silent ones as bcache (super.c stops what writeback.c
 * creates, looping until kthread_should_stop()), bcachefs (move.c wakes the
 * queue movinggc.c's thread waits on) and a get_task_struct() pin before a
 * stop elsewhere; the found ones as vchiq (recycle_func() returns before
 * any stop test, vchiq_remove() in another file stops it unpinned). */
#include <linux/kernel.h>
#include <linux/completion.h>

struct foo_dev {
	struct task_struct *poll_task;   /* created asleep, woken in foo_ctl.c */
	struct task_struct *scan_task;   /* ends on an error, stopped in foo_ctl.c */
	struct task_struct *event_task;  /* waits on event_done */
	struct task_struct *loop_task;   /* never tests kthread_should_stop() */
	struct task_struct *pinned_task; /* pinned with get_task_struct() */
	struct completion event_done;
	int err;
};

void foo_start(struct foo_dev *dev);
void foo_stop(struct foo_dev *dev);
void foo_teardown(void);
extern struct task_struct *foo_watch_task, *foo_aux_task;
