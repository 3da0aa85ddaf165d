/* Mock of include/linux/kthread.h: the same macro and prototype shapes (v6.1,
 * plus kthread_stop_put and kthread_run_worker of later kernels). */
#ifndef _MOCK_LINUX_KTHREAD_H
#define _MOCK_LINUX_KTHREAD_H
#include <linux/err.h>
#include <linux/sched.h>

__printf(4, 5)
struct task_struct *kthread_create_on_node(int (*threadfn)(void *data),
					   void *data,
					   int node,
					   const char namefmt[], ...);
#define kthread_create(threadfn, data, namefmt, arg...) \
	kthread_create_on_node(threadfn, data, NUMA_NO_NODE, namefmt, ##arg)

struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data),
					  void *data,
					  unsigned int cpu,
					  const char *namefmt);

#define kthread_run(threadfn, data, namefmt, ...)			   \
({									   \
	struct task_struct *__k						   \
		= kthread_create(threadfn, data, namefmt, ## __VA_ARGS__); \
	if (!IS_ERR(__k))						   \
		wake_up_process(__k);					   \
	__k;								   \
})

static inline struct task_struct *
kthread_run_on_cpu(int (*threadfn)(void *data), void *data,
			unsigned int cpu, const char *namefmt)
{
	struct task_struct *p;

	p = kthread_create_on_cpu(threadfn, data, cpu, namefmt);
	if (!IS_ERR(p))
		wake_up_process(p);

	return p;
}

void kthread_bind(struct task_struct *k, unsigned int cpu);
void kthread_bind_mask(struct task_struct *k, const void *mask);
int kthread_stop(struct task_struct *k);
int kthread_stop_put(struct task_struct *k);
bool kthread_should_stop(void);
bool kthread_should_park(void);
bool kthread_should_stop_or_park(void);
bool kthread_freezable_should_stop(bool *was_frozen);
void *kthread_data(struct task_struct *k);
int kthread_park(struct task_struct *k);
void kthread_unpark(struct task_struct *k);
void kthread_parkme(void);
void kthread_exit(long result) __noreturn;
struct completion;
void kthread_complete_and_exit(struct completion *, long) __noreturn;
int kthreadd(void *unused);

struct kthread_work;
typedef void (*kthread_work_func_t)(struct kthread_work *work);
struct kthread_worker { unsigned int flags; struct task_struct *task; };
struct kthread_work { kthread_work_func_t func; struct kthread_worker *worker; };

__printf(2, 3)
struct kthread_worker *kthread_create_worker(unsigned int flags, const char namefmt[], ...);
__printf(3, 4) struct kthread_worker *
kthread_create_worker_on_cpu(int cpu, unsigned int flags, const char namefmt[], ...);
bool kthread_queue_work(struct kthread_worker *worker, struct kthread_work *work);
void kthread_flush_worker(struct kthread_worker *worker);
void kthread_destroy_worker(struct kthread_worker *worker);
#endif
