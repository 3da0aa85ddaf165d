// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: [FIX] Solve dereferencing of a null pointer (kthread_run() result not checked in eventkcal_init())
 * source: github OpenAutomationTechnologies/openPOWERLINK_V2 pull request #175 (RomainNaour); before-code: gauravks/openPOWERLINK_V2 (fork) stack/src/kernel/event/eventkcal-linuxkernel.c at b1d54904e6dd33d69428f8f750dc2d2e3ff4236f; after-code: OpenAutomationTechnologies/openPOWERLINK_V2 same file at 864172f1735a4d2972b6a875b19f9ba3dd0a9f23; date: the PR description (2016-10-26), the commits' own dates were not visible
 * file: stack/src/kernel/event/eventkcal-linuxkernel.c (out-of-tree module openPOWERLINK oplk*mn)
 * date: 2016-10-26
 * class: is-err
 * bug: none: the result is tested with IS_ERR() and reset to NULL on failure before any
 *      use, and eventkcal_exit() stops the thread only when instance_l.threadId is set.
 * expect: none
 */
/*
 * Stand-ins for the openPOWERLINK headers (common/oplkinc.h, kernel/eventkcal.h,
 * kernel/eventkcalintf.h) and for the circular-buffer queue layer
 * (eventkcalintf-circbuf.c). set_cpus_allowed(t, cpumask_of_cpu(1)) is not in 6.1:
 * its 6.1 equivalent set_cpus_allowed_ptr(t, cpumask_of(1)) is used (not part of the bug).
 * The real driver reaches eventkcal_init()/eventkcal_exit() from its ioctl
 * (ctrlk_executeCmd -> initStack/shutdownStack); that path is not reproduced.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/wait.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/cpumask.h>
#include <linux/uaccess.h>
#include <linux/atomic.h>

typedef unsigned char BYTE;
typedef unsigned int UINT;
typedef int BOOL;
#define TRUE  1
#define FALSE 0
#define OPLK_MEMSET(d, v, n)    memset((d), (v), (n))
#define DEBUG_LVL_ERROR_TRACE(...)  pr_err(__VA_ARGS__)
#define DEBUG_LVL_EVENTK_TRACE(...) no_printk(__VA_ARGS__)
#define MAX_EVENT_ARG_SIZE 2048

typedef enum
{
    kErrorOk = 0,
    kErrorNoResource = 0x0A,
} tOplkError;

typedef enum
{
    kEventQueueK2U = 0,
    kEventQueueKInt,
    kEventQueueUInt,
    kEventQueueU2K,
    kEventQueueNum
} tEventQueue;

typedef struct
{
    UINT    eventType;
    UINT    eventSink;
    UINT    eventArgSize;
} tEvent;

typedef void (*VOIDFUNCPTR)(void);

tOplkError eventkcal_init(void);
tOplkError eventkcal_exit(void);
void       eventkcal_process(void);

/* stand-ins for eventkcalintf-circbuf.c */
static VOIDFUNCPTR signalCb_l[kEventQueueNum];
static UINT eventCount_l[kEventQueueNum];

static tOplkError eventkcal_initQueueCircbuf(tEventQueue eventQueue_p)
{
    eventCount_l[eventQueue_p] = 0;
    return kErrorOk;
}

static tOplkError eventkcal_exitQueueCircbuf(tEventQueue eventQueue_p)
{
    signalCb_l[eventQueue_p] = NULL;
    return kErrorOk;
}

static tOplkError eventkcal_processEventCircbuf(tEventQueue eventQueue_p)
{
    if (eventCount_l[eventQueue_p] > 0)
        eventCount_l[eventQueue_p]--;
    return kErrorOk;
}

static UINT eventkcal_getEventCountCircbuf(tEventQueue eventQueue_p)
{
    return eventCount_l[eventQueue_p];
}

static tOplkError eventkcal_setSignalingCircbuf(tEventQueue eventQueue_p, VOIDFUNCPTR pfnSignalCb_p)
{
    signalCb_l[eventQueue_p] = pfnSignalCb_p;
    return kErrorOk;
}

/* eventkcal-linuxkernel.c */

typedef struct
{
    struct task_struct*     threadId;
    wait_queue_head_t       kernelWaitQueue;
    wait_queue_head_t       userWaitQueue;
    atomic_t                userEventCount;
    atomic_t                kernelEventCount;
    BOOL                    fThreadIsRunning;
    BOOL                    fInitialized;
    BYTE                    aUintRxBuffer[sizeof(tEvent) + MAX_EVENT_ARG_SIZE];
    BYTE                    aK2URxBuffer[sizeof(tEvent) + MAX_EVENT_ARG_SIZE];
} tEventkCalInstance;

static tEventkCalInstance   instance_l;             ///< Instance variable of kernel event CAL module

static int eventThread(void* arg);
static void signalUserEvent(void);
static void signalKernelEvent(void);

tOplkError eventkcal_init(void)
{
    OPLK_MEMSET(&instance_l, 0, sizeof(tEventkCalInstance));

    init_waitqueue_head(&instance_l.kernelWaitQueue);
    init_waitqueue_head(&instance_l.userWaitQueue);
    atomic_set(&instance_l.kernelEventCount, 0);
    atomic_set(&instance_l.userEventCount, 0);

    if (eventkcal_initQueueCircbuf(kEventQueueK2U) != kErrorOk)
        goto Exit;

    if (eventkcal_initQueueCircbuf(kEventQueueU2K) != kErrorOk)
        goto Exit;

    if (eventkcal_initQueueCircbuf(kEventQueueKInt) != kErrorOk)
        goto Exit;

    if (eventkcal_initQueueCircbuf(kEventQueueUInt) != kErrorOk)
        goto Exit;

    eventkcal_setSignalingCircbuf(kEventQueueK2U, signalUserEvent);

    eventkcal_setSignalingCircbuf(kEventQueueU2K, signalKernelEvent);

    eventkcal_setSignalingCircbuf(kEventQueueUInt, signalUserEvent);

    eventkcal_setSignalingCircbuf(kEventQueueKInt, signalKernelEvent);

    instance_l.threadId = kthread_run(eventThread, NULL, "EventkThread");

    if (IS_ERR(instance_l.threadId))
    {
        instance_l.threadId = NULL;
        goto Exit;
    }

    set_cpus_allowed_ptr(instance_l.threadId, cpumask_of(1));

    instance_l.fInitialized = TRUE;

    return kErrorOk;

Exit:
    DEBUG_LVL_ERROR_TRACE("%s() Initialization error!\n", __func__);
    eventkcal_exitQueueCircbuf(kEventQueueK2U);
    eventkcal_exitQueueCircbuf(kEventQueueU2K);
    eventkcal_exitQueueCircbuf(kEventQueueKInt);
    eventkcal_exitQueueCircbuf(kEventQueueUInt);

    return kErrorNoResource;
}

tOplkError eventkcal_exit(void)
{
    UINT                i = 0;

    instance_l.fInitialized = FALSE;

    if (instance_l.threadId)
        kthread_stop(instance_l.threadId);

    instance_l.threadId = NULL;

    while (instance_l.fThreadIsRunning)
    {
        msleep(10);
        if (i++ > 1000)
        {
            DEBUG_LVL_EVENTK_TRACE("Event Thread is not terminating, continue shutdown...!\n");
            break;
        }
    }

    eventkcal_exitQueueCircbuf(kEventQueueK2U);
    eventkcal_exitQueueCircbuf(kEventQueueU2K);
    eventkcal_exitQueueCircbuf(kEventQueueUInt);
    eventkcal_exitQueueCircbuf(kEventQueueKInt);

    return kErrorOk;
}

void eventkcal_process(void)
{
    // Nothing to do, because we use threads
}

static int eventThread(void* arg)
{
    int     timeout = 500 * HZ / 1000;
    int     result;
#if defined(CONFIG_PREEMPT_RT_FULL) || defined(CONFIG_PREEMPT_RT)
    struct sched_param  rt_prio;
#endif

    set_user_nice(current, -20);

#if defined(CONFIG_PREEMPT_RT_FULL) || defined(CONFIG_PREEMPT_RT)
        rt_prio.sched_priority = 79;
        sched_setscheduler(current, SCHED_FIFO, &rt_prio);
#endif

    instance_l.fThreadIsRunning = TRUE;
    while (!kthread_should_stop())
    {
        result = wait_event_interruptible_timeout(instance_l.kernelWaitQueue,
                                         (atomic_read(&instance_l.kernelEventCount) > 0), timeout);

        if (kthread_should_stop())
            break;

        if (result == 0)
            continue;

        /* first handle all kernel internal events --> higher priority! */
        while (eventkcal_getEventCountCircbuf(kEventQueueKInt) > 0)
        {
            eventkcal_processEventCircbuf(kEventQueueKInt);
            atomic_dec(&instance_l.kernelEventCount);
        }

        if (eventkcal_getEventCountCircbuf(kEventQueueU2K) > 0)
        {
            eventkcal_processEventCircbuf(kEventQueueU2K);
            atomic_dec(&instance_l.kernelEventCount);
        }
    }

    instance_l.fThreadIsRunning = FALSE;
    return 0;
}

static void signalUserEvent(void)
{
    atomic_inc(&instance_l.userEventCount);
    wake_up_interruptible(&instance_l.userWaitQueue);
}

static void signalKernelEvent(void)
{
    atomic_inc(&instance_l.kernelEventCount);
    wake_up_interruptible(&instance_l.kernelWaitQueue);
}

static int __init oplk_stub_init(void)
{
    return 0;
}

static void __exit oplk_stub_exit(void)
{
}

module_init(oplk_stub_init);
module_exit(oplk_stub_exit);

MODULE_LICENSE("GPL");
