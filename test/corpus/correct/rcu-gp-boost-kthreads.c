// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: correct
 * subject: rcu: the grace-period kthread and the boost kthread, created, then woken, never stopped
 * source: linux-6.1 kernel/rcu/tree.c
 * file: kernel/rcu/tree.c
 * date: 2022-12-11
 * class: never-woken, should-stop, lost-wakeup, is-err, leak, exit-before-stop
 * bug: none
 *      rcu_gp_kthread and rcu_boost_kthread loop forever without a stop test, and nothing
 *      stops them (the system's lifetime daemons); both are made with kthread_create(),
 *      tested with IS_ERR() inside WARN_ONCE()/WARN_ON_ONCE(), published, then woken with
 *      wake_up_process(); rcu_wait() sets TASK_INTERRUPTIBLE before testing its condition;
 *      built-in, never unloaded.
 * expect: none
 */
/*
 * Kernel code from linux-6.1 kernel/rcu/tree.c: rcu_state (the fields used), rcu_data,
 * rcu_scheduler_fully_active, kthread_prio, rcu_get_root(), rcu_gp_torture_wait(),
 * rcu_gp_kthread(), rcu_spawn_gp_kthread() (its spawn of the nocb, core and expedited-GP
 * kthreads cut); kernel/rcu/tree_plugin.h: rcu_bind_gp_kthread(), rcu_boost_kthread(),
 * rcu_spawn_one_boost_kthread(); kernel/rcu/tree.h: rcu_wait(), the RCU_GP_* and RCU_KTHREAD_*
 * constants, struct rcu_node/rcu_data/rcu_state re-declared with the fields used;
 * kernel/rcu/rcu.h: raw_spin_lock_irqsave_rcu_node(), TPS(). Stand-ins: rcu_gp_init(),
 * rcu_gp_fqs_loop(), rcu_gp_cleanup(), rcu_boost() (the grace-period and boost machinery),
 * the rcu tracepoints, sched_setscheduler_nocheck() (not exported).
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>
#include <linux/sched/signal.h>
#include <linux/swait.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#include <linux/tick.h>
#include <linux/tracepoint.h>
#include <uapi/linux/sched/types.h>

/* ---- kernel/rcu/rcu.h ---- */

#define TPS(x)  tracepoint_string(x)

#define raw_spin_lock_irqsave_rcu_node(p, flags)			\
do {									\
	raw_spin_lock_irqsave(&ACCESS_PRIVATE(p, lock), flags);	\
	smp_mb__after_unlock_lock();					\
} while (0)

#define raw_spin_unlock_irqrestore_rcu_node(p, flags)			\
do {									\
	lockdep_assert_irqs_disabled();					\
	raw_spin_unlock_irqrestore(&ACCESS_PRIVATE(p, lock), flags);	\
} while (0)

/* ---- kernel/rcu/tree.h ---- */

#define RCU_KTHREAD_STOPPED  0
#define RCU_KTHREAD_RUNNING  1
#define RCU_KTHREAD_WAITING  2
#define RCU_KTHREAD_OFFCPU   3
#define RCU_KTHREAD_YIELDING 4
#define RCU_KTHREAD_MAX      4

struct rcu_node {
	raw_spinlock_t __private lock;	/* Root rcu_node's lock protects */
	struct list_head *exp_tasks;
	struct list_head *boost_tasks;
	struct mutex boost_kthread_mutex;
	struct task_struct *boost_kthread_task;
	unsigned int boost_kthread_status;
};

struct rcu_data {
	struct rcu_node *mynode;	/* This CPU's leaf of hierarchy */
};

struct rcu_state {
	struct rcu_node node[1];
	unsigned long gp_seq ____cacheline_internodealigned_in_smp;
	struct task_struct *gp_kthread;		/* Task for grace periods. */
	struct swait_queue_head gp_wq;		/* Where GP task waits. */
	short gp_flags;				/* Commands for GP task. */
	short gp_state;				/* GP kthread sleep state. */
	unsigned long gp_activity;		/* Time of last GP kthread */
	unsigned long gp_req_activity;		/* Time of last GP request */
	const char *name;			/* Name of structure. */
};

#define RCU_GP_FLAG_INIT 0x1	/* Need grace-period initialization. */

#define RCU_GP_IDLE	 0	/* Initial state and no GP in progress. */
#define RCU_GP_WAIT_GPS  1	/* Wait for grace-period start. */
#define RCU_GP_DONE_GPS  2	/* Wait done for grace-period start. */
#define RCU_GP_CLEANUP   7	/* Grace-period cleanup started. */
#define RCU_GP_CLEANED   8	/* Grace-period cleanup complete. */

/*
 * Wait for the specified condition (which should be a simple expression
 * that can be evaluated many times) to become true.
 */
#define rcu_wait(cond)							\
do {									\
	for (;;) {							\
		set_current_state(TASK_INTERRUPTIBLE);			\
		if (cond)						\
			break;						\
		schedule();						\
	}								\
	__set_current_state(TASK_RUNNING);				\
} while (0)

/* ---- kernel/rcu/tree.c ---- */

static DEFINE_PER_CPU_SHARED_ALIGNED(struct rcu_data, rcu_data);
static struct rcu_state rcu_state = {
	.gp_state = RCU_GP_IDLE,
	.name = "rcu_preempt",
};

static int rcu_scheduler_fully_active __read_mostly;

/* rcuc/rcub/rcuop kthread realtime priority */
static int kthread_prio = IS_ENABLED(CONFIG_RCU_BOOST) ? 1 : 0;

static struct rcu_node *rcu_get_root(void)
{
	return &rcu_state.node[0];
}

/* ---- stand-ins ---- */

/* kernel/sched/core.c */
int sched_setscheduler_nocheck(struct task_struct *p, int policy,
			       const struct sched_param *param)
{
	return 0;
}

/* include/trace/events/rcu.h */
static inline void trace_rcu_grace_period(const char *rcuname, unsigned long gp_seq,
					  const char *gpevent)
{
}

static inline void trace_rcu_utilization(const char *s)
{
}

/* kernel/rcu/tree.c: starts a new grace period if one was requested; false if none. */
static noinline_for_stack bool rcu_gp_init(void)
{
	unsigned long flags;
	struct rcu_node *rnp = rcu_get_root();

	raw_spin_lock_irqsave_rcu_node(rnp, flags);
	if (!READ_ONCE(rcu_state.gp_flags)) {
		raw_spin_unlock_irqrestore_rcu_node(rnp, flags);
		return false;
	}
	WRITE_ONCE(rcu_state.gp_flags, 0); /* Clear all flags: New GP. */
	raw_spin_unlock_irqrestore_rcu_node(rnp, flags);
	return true;
}

/* kernel/rcu/tree.c: forces quiescent states until the grace period has ended. */
static noinline_for_stack void rcu_gp_fqs_loop(void)
{
}

/* kernel/rcu/tree.c: cleans up after the grace period. */
static noinline void rcu_gp_cleanup(void)
{
	WRITE_ONCE(rcu_state.gp_seq, rcu_state.gp_seq + 4);
}

/* kernel/rcu/tree_plugin.h: boosts one blocked reader; returns whether more remain. */
static int rcu_boost(struct rcu_node *rnp)
{
	WRITE_ONCE(rnp->boost_tasks, NULL);
	WRITE_ONCE(rnp->exp_tasks, NULL);
	return 0;
}

/* ---- kernel/rcu/tree_plugin.h ---- */

/*
 * Bind the RCU grace-period kthreads to the housekeeping CPU.
 */
static void rcu_bind_gp_kthread(void)
{
	if (!tick_nohz_full_enabled())
		return;
	housekeeping_affine(current, HK_TYPE_RCU);
}

/*
 * Priority-boosting kthread, one per leaf rcu_node.
 */
static int rcu_boost_kthread(void *arg)
{
	struct rcu_node *rnp = (struct rcu_node *)arg;
	int spincnt = 0;
	int more2boost;

	trace_rcu_utilization(TPS("Start boost kthread@init"));
	for (;;) {
		WRITE_ONCE(rnp->boost_kthread_status, RCU_KTHREAD_WAITING);
		trace_rcu_utilization(TPS("End boost kthread@rcu_wait"));
		rcu_wait(READ_ONCE(rnp->boost_tasks) ||
			 READ_ONCE(rnp->exp_tasks));
		trace_rcu_utilization(TPS("Start boost kthread@rcu_wait"));
		WRITE_ONCE(rnp->boost_kthread_status, RCU_KTHREAD_RUNNING);
		more2boost = rcu_boost(rnp);
		if (more2boost)
			spincnt++;
		else
			spincnt = 0;
		if (spincnt > 10) {
			WRITE_ONCE(rnp->boost_kthread_status, RCU_KTHREAD_YIELDING);
			trace_rcu_utilization(TPS("End boost kthread@rcu_yield"));
			schedule_timeout_idle(2);
			trace_rcu_utilization(TPS("Start boost kthread@rcu_yield"));
			spincnt = 0;
		}
	}
	/* NOTREACHED */
	trace_rcu_utilization(TPS("End boost kthread@notreached"));
	return 0;
}

/*
 * Create an RCU-boost kthread for the specified node if one does not
 * already exist.  We only create this kthread for preemptible RCU.
 */
static void rcu_spawn_one_boost_kthread(struct rcu_node *rnp)
{
	unsigned long flags;
	int rnp_index = rnp - rcu_get_root();
	struct sched_param sp;
	struct task_struct *t;

	mutex_lock(&rnp->boost_kthread_mutex);
	if (rnp->boost_kthread_task || !rcu_scheduler_fully_active)
		goto out;

	t = kthread_create(rcu_boost_kthread, (void *)rnp,
			   "rcub/%d", rnp_index);
	if (WARN_ON_ONCE(IS_ERR(t)))
		goto out;

	raw_spin_lock_irqsave_rcu_node(rnp, flags);
	rnp->boost_kthread_task = t;
	raw_spin_unlock_irqrestore_rcu_node(rnp, flags);
	sp.sched_priority = kthread_prio;
	sched_setscheduler_nocheck(t, SCHED_FIFO, &sp);
	wake_up_process(t); /* get to TASK_INTERRUPTIBLE quickly. */

 out:
	mutex_unlock(&rnp->boost_kthread_mutex);
}

/* ---- kernel/rcu/tree.c ---- */

/* Delay in jiffies for grace-period initialization delays, debug only. */
static unsigned long sleep_duration;

static void rcu_gp_torture_wait(void)
{
	unsigned long duration;

	if (!IS_ENABLED(CONFIG_RCU_TORTURE_TEST))
		return;
	duration = xchg(&sleep_duration, 0UL);
	if (duration > 0) {
		pr_alert("%s: Waiting %lu jiffies\n", __func__, duration);
		schedule_timeout_idle(duration);
		pr_alert("%s: Wait complete\n", __func__);
	}
}

/*
 * Body of kthread that handles grace periods.
 */
static int __noreturn rcu_gp_kthread(void *unused)
{
	rcu_bind_gp_kthread();
	for (;;) {

		/* Handle grace-period start. */
		for (;;) {
			trace_rcu_grace_period(rcu_state.name, rcu_state.gp_seq,
					       TPS("reqwait"));
			WRITE_ONCE(rcu_state.gp_state, RCU_GP_WAIT_GPS);
			swait_event_idle_exclusive(rcu_state.gp_wq,
					 READ_ONCE(rcu_state.gp_flags) &
					 RCU_GP_FLAG_INIT);
			rcu_gp_torture_wait();
			WRITE_ONCE(rcu_state.gp_state, RCU_GP_DONE_GPS);
			/* Locking provides needed memory barrier. */
			if (rcu_gp_init())
				break;
			cond_resched_tasks_rcu_qs();
			WRITE_ONCE(rcu_state.gp_activity, jiffies);
			WARN_ON(signal_pending(current));
			trace_rcu_grace_period(rcu_state.name, rcu_state.gp_seq,
					       TPS("reqwaitsig"));
		}

		/* Handle quiescent-state forcing. */
		rcu_gp_fqs_loop();

		/* Handle grace-period end. */
		WRITE_ONCE(rcu_state.gp_state, RCU_GP_CLEANUP);
		rcu_gp_cleanup();
		WRITE_ONCE(rcu_state.gp_state, RCU_GP_CLEANED);
	}
}

/*
 * Spawn the kthreads that handle RCU's grace periods.
 */
static int __init rcu_spawn_gp_kthread(void)
{
	unsigned long flags;
	struct rcu_node *rnp;
	struct sched_param sp;
	struct task_struct *t;
	struct rcu_data *rdp = this_cpu_ptr(&rcu_data);

	rcu_scheduler_fully_active = 1;
	t = kthread_create(rcu_gp_kthread, NULL, "%s", rcu_state.name);
	if (WARN_ONCE(IS_ERR(t), "%s: Could not start grace-period kthread, OOM is now expected behavior\n", __func__))
		return 0;
	if (kthread_prio) {
		sp.sched_priority = kthread_prio;
		sched_setscheduler_nocheck(t, SCHED_FIFO, &sp);
	}
	rnp = rcu_get_root();
	raw_spin_lock_irqsave_rcu_node(rnp, flags);
	WRITE_ONCE(rcu_state.gp_activity, jiffies);
	WRITE_ONCE(rcu_state.gp_req_activity, jiffies);
	// Reset .gp_activity and .gp_req_activity before setting .gp_kthread.
	smp_store_release(&rcu_state.gp_kthread, t);  /* ^^^ */
	raw_spin_unlock_irqrestore_rcu_node(rnp, flags);
	wake_up_process(t);
	/* This is a pre-SMP initcall, we expect a single CPU */
	WARN_ON(num_online_cpus() > 1);
	/*
	 * Those kthreads couldn't be created on rcu_init() -> rcutree_prepare_cpu()
	 * due to rcu_scheduler_fully_active.
	 */
	rcu_spawn_one_boost_kthread(rdp->mynode);
	return 0;
}
/* Built-in in the kernel: no module_exit(), it is never unloaded. */
early_initcall(rcu_spawn_gp_kthread);

MODULE_LICENSE("GPL");
