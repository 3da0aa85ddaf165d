/* Mock of include/linux/wait.h with the real ___wait_event loop shape. */
#ifndef _MOCK_LINUX_WAIT_H
#define _MOCK_LINUX_WAIT_H
#include <linux/sched.h>
struct wait_queue_head { int lock; struct list_head head; };
typedef struct wait_queue_head wait_queue_head_t;
struct wait_queue_entry { unsigned int flags; void *private; struct list_head entry; };
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = { 0 }
#define DEFINE_WAIT(name) struct wait_queue_entry name = { 0 }
void init_waitqueue_head(struct wait_queue_head *wq_head);
void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key);
#define wake_up(x)			__wake_up(x, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 1, NULL)
#define wake_up_all(x)			__wake_up(x, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 0, NULL)
#define wake_up_interruptible(x)	__wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(x)	__wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)
void init_wait_entry(struct wait_queue_entry *wq_entry, int flags);
long prepare_to_wait_event(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry, int state);
void prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry, int state);
void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
#define ___wait_is_interruptible(state) (state == TASK_INTERRUPTIBLE || state == TASK_KILLABLE)
#define ___wait_cond_timeout(condition)					\
({									\
	bool __cond = (condition);					\
	if (__cond && !__ret)						\
		__ret = 1;						\
	__cond || !__ret;						\
})
#define ___wait_event(wq_head, condition, state, exclusive, ret, cmd)	\
({									\
	__label__ __out;						\
	struct wait_queue_entry __wq_entry;				\
	long __ret = ret;						\
									\
	init_wait_entry(&__wq_entry, exclusive ? 1 : 0);		\
	for (;;) {							\
		long __int = prepare_to_wait_event(&wq_head, &__wq_entry, state);\
									\
		if (condition)						\
			break;						\
									\
		if (___wait_is_interruptible(state) && __int) {		\
			__ret = __int;					\
			goto __out;					\
		}							\
									\
		cmd;							\
	}								\
	finish_wait(&wq_head, &__wq_entry);				\
__out:	__ret;								\
})
#define __wait_event(wq_head, condition)				\
	(void)___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, 0, schedule())
#define wait_event(wq_head, condition)					\
do {									\
	if (condition)							\
		break;							\
	__wait_event(wq_head, condition);				\
} while (0)
#define __wait_event_interruptible(wq_head, condition)			\
	___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 0, 0, schedule())
#define wait_event_interruptible(wq_head, condition)			\
({									\
	int __ret = 0;							\
	if (!(condition))						\
		__ret = __wait_event_interruptible(wq_head, condition);	\
	__ret;								\
})
#define __wait_event_timeout(wq_head, condition, timeout)		\
	___wait_event(wq_head, ___wait_cond_timeout(condition),		\
		      TASK_UNINTERRUPTIBLE, 0, timeout,			\
		      __ret = schedule_timeout(__ret))
#define wait_event_timeout(wq_head, condition, timeout)			\
({									\
	long __ret = timeout;						\
	if (!___wait_cond_timeout(condition))				\
		__ret = __wait_event_timeout(wq_head, condition, timeout);	\
	__ret;								\
})
#define __wait_event_interruptible_timeout(wq_head, condition, timeout)	\
	___wait_event(wq_head, ___wait_cond_timeout(condition),		\
		      TASK_INTERRUPTIBLE, 0, timeout,			\
		      __ret = schedule_timeout(__ret))
#define wait_event_interruptible_timeout(wq_head, condition, timeout)	\
({									\
	long __ret = timeout;						\
	if (!___wait_cond_timeout(condition))				\
		__ret = __wait_event_interruptible_timeout(wq_head,	\
						condition, timeout);	\
	__ret;								\
})
#define wait_event_freezable(wq_head, condition)			\
({									\
	int __ret = 0;							\
	if (!(condition))						\
		__ret = ___wait_event(wq_head, condition, (TASK_INTERRUPTIBLE|0x8000), 0, 0, schedule()); \
	__ret;								\
})
#endif
