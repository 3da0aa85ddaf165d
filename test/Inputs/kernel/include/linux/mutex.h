#ifndef _MOCK_LINUX_MUTEX_H
#define _MOCK_LINUX_MUTEX_H
struct mutex { int owner; };
#define DEFINE_MUTEX(m) struct mutex m = { 0 }
void mutex_init(struct mutex *lock);
void mutex_lock(struct mutex *lock);
int mutex_lock_interruptible(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
struct semaphore { unsigned int count; };
void sema_init(struct semaphore *sem, int val);
void down(struct semaphore *sem);
int down_interruptible(struct semaphore *sem);
int down_timeout(struct semaphore *sem, long jiffies);
void up(struct semaphore *sem);
typedef struct { int rlock; } spinlock_t;
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
void spin_lock_init(spinlock_t *lock);
/* v6.1's spelling: spin_lock_irqsave() is a macro over an out-of-line
 * _raw_spin_lock_irqsave() that returns the flags; the unlock is inline. */
static inline int *spinlock_check(spinlock_t *lock) { return &lock->rlock; }
unsigned long _raw_spin_lock_irqsave(int *lock);
#define spin_lock_irqsave(lock, flags)				\
	do {							\
		flags = _raw_spin_lock_irqsave(spinlock_check(lock));	\
	} while (0)
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
#endif
