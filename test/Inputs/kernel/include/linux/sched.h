/* Mock of the parts of include/linux/sched.h kthread users touch. */
#ifndef _MOCK_LINUX_SCHED_H
#define _MOCK_LINUX_SCHED_H
#include <linux/types.h>
#include <linux/printk.h>
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_KILLABLE		(0x0100 | TASK_UNINTERRUPTIBLE)
#define TASK_IDLE		(0x0402)
#define TASK_COMM_LEN		16
#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))
#define HZ 250
struct task_struct {
	unsigned int __state;
	int pid;
	atomic_t usage;
	char comm[TASK_COMM_LEN];
	struct task_struct *real_parent;
};
struct task_struct *get_current(void);
#define current get_current()
#define __set_current_state(state_value) WRITE_ONCE(current->__state, (state_value))
#ifdef CONFIG_DEBUG_ATOMIC_SLEEP /* as in 6.1: allmodconfig has it */
#define is_special_task_state(state) ((state) & (0x0004 | 0x0008 | 0x0040 | 0x0080))
#define debug_normal_state_change(state_value) \
	do { WARN_ON(is_special_task_state(state_value)); } while (0)
#else
#define debug_normal_state_change(cond) do { } while (0)
#endif
#define set_current_state(state_value) do { debug_normal_state_change((state_value)); WRITE_ONCE(current->__state, (state_value)); barrier(); } while (0)
int wake_up_process(struct task_struct *tsk);
void schedule(void);
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_idle(long timeout);
int _cond_resched(void);
#define cond_resched() _cond_resched()
void yield(void);
int signal_pending(struct task_struct *p);
void __put_task_struct(struct task_struct *t);
static inline struct task_struct *get_task_struct(struct task_struct *t)
{
	t->usage.counter++;
	return t;
}
static inline void put_task_struct(struct task_struct *t)
{
	if (--t->usage.counter == 0)
		__put_task_struct(t);
}
int set_cpus_allowed_ptr(struct task_struct *p, const void *new_mask);
int send_sig(int sig, struct task_struct *p, int priv);
unsigned long msecs_to_jiffies(const unsigned int m);
extern unsigned long volatile jiffies;
void set_user_nice(struct task_struct *p, long nice);
#define SIGKILL 9
void allow_signal(int sig); /* include/linux/signal.h */
#endif
