//===--- KthreadApi.cpp - kthread-lint ------------------------------------===//

#include "KthreadApi.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

namespace clang::tidy::kthread {
namespace {

using namespace effect;

enum class Match { Exact, Prefix, Suffix, Contains };

bool matches(Match How, llvm::StringRef Pattern, llvm::StringRef Name) {
  switch (How) {
  case Match::Exact:
    return Name == Pattern;
  case Match::Prefix:
    return Name.starts_with(Pattern);
  case Match::Suffix:
    return Name.ends_with(Pattern);
  case Match::Contains:
    return Name.contains(Pattern);
  }
  return false;
}

struct Row {
  Match How;
  const char *Name;
  CallEffects Effects;
};

CallEffects fx(uint64_t Flags) {
  CallEffects E;
  E.Flags = Flags;
  return E;
}

CallEffects create(CreationKind K, bool OnCpu, int Fn, int Data, int NameArg) {
  CallEffects E = fx(Creates | Anchor);
  E.Creation = CreationApi{K, OnCpu, Fn, Data, NameArg};
  return E;
}

CallEffects onHandle(HandleOp Op, uint64_t Extra = 0) {
  CallEffects E = fx(OnHandle | Extra);
  E.Op = Op;
  return E;
}

CallEffects sync(uint64_t Flags, SyncKind K) {
  CallEffects E = fx(Flags);
  E.Sync = K;
  return E;
}

CallEffects wait(SyncKind K, WaitMode Mode, bool Bounded, uint64_t Extra = 0) {
  CallEffects E = sync(Waits | Sleeps | Extra, K);
  E.Mode = Mode;
  E.Bounded = Bounded;
  if (Mode == WaitMode::Interruptible || Mode == WaitMode::Killable)
    E.OnSignal = Bounded ? SignalResult::Negative : SignalResult::NonZero;
  return E;
}

CallEffects interruptedGives(CallEffects E, SignalResult R) {
  E.OnSignal = R;
  return E;
}

using K = CreationKind;
using W = WaitMode;
using S = SyncKind;
constexpr Match X = Match::Exact, P = Match::Prefix, Sfx = Match::Suffix,
                In = Match::Contains;

// Exact names win over patterns; among patterns the first that matches wins,
// so the more specific ones come first.
const Row Table[] = {
    // Creation (include/linux/kthread.h); the name format's index counts the
    // arguments as the user writes them.
    {X, "kthread_create", create(K::Create, false, 0, 1, 2)},
    {X, "kthread_create_on_node", create(K::Create, false, 0, 1, 3)},
    {X, "kthread_create_on_cpu", create(K::Create, true, 0, 1, 3)},
    {X, "kthread_run", create(K::Run, false, 0, 1, 2)},
    {X, "kthread_run_on_cpu", create(K::Run, true, 0, 1, 3)},
    {X, "kthread_create_worker", create(K::CreateWorker, false, -1, -1, 1)},
    {X, "kthread_create_worker_on_cpu", create(K::CreateWorker, true, -1, -1, 2)},
    {X, "kthread_create_worker_on_node", create(K::CreateWorker, false, -1, -1, 2)},
    {X, "kthread_run_worker", create(K::RunWorker, false, -1, -1, 1)},
    {X, "kthread_run_worker_on_cpu", create(K::RunWorker, true, -1, -1, 2)},

    // What a call does to the handle it is passed.
    {X, "wake_up_process", onHandle(HandleOp::Wake, NeverSleeps)},
    {X, "wake_up_state", onHandle(HandleOp::Wake, NeverSleeps)},
    {X, "kthread_park", onHandle(HandleOp::Park, Anchor | Sleeps)},
    {X, "kthread_unpark", onHandle(HandleOp::Unpark, Anchor)},
    {X, "kthread_bind", onHandle(HandleOp::Bind, Anchor)},
    {X, "kthread_bind_mask", onHandle(HandleOp::Bind, Anchor)},
    {X, "set_cpus_allowed_ptr", onHandle(HandleOp::Bind)},
    {X, "kthread_stop", onHandle(HandleOp::Stop, Anchor | Sleeps)},
    {X, "kthread_stop_put", onHandle(HandleOp::StopPut, Anchor | Sleeps)},
    {X, "kthread_destroy_worker", onHandle(HandleOp::DestroyWorker, Anchor | Sleeps)},
    {X, "get_task_struct", onHandle(HandleOp::GetRef)},
    {X, "put_task_struct", onHandle(HandleOp::PutRef)},

    // Inside the thread.
    {X, "kthread_should_stop", fx(TestsStop | NeverSleeps | Anchor)},
    {X, "kthread_should_stop_or_park", fx(TestsStop | NeverSleeps | Anchor)},
    {X, "kthread_freezable_should_stop", fx(TestsStop | Sleeps | Anchor)},
    {X, "kthread_should_park", fx(TestsPark | NeverSleeps | Anchor)},
    {X, "kthread_parkme", fx(Sleeps | Anchor)},
    {X, "kthread_exit", fx(EndsThread | Anchor)},
    {X, "kthread_complete_and_exit",
     sync(EndsThread | HandsOver | Signals | Anchor, S::Completion)},
    {X, "complete_and_exit", sync(EndsThread | HandsOver | Signals, S::Completion)},
    {X, "module_put_and_kthread_exit", fx(EndsThread | HandsOver | Anchor)},
    {X, "__module_put_and_kthread_exit", fx(EndsThread | HandsOver | Anchor)},
    {X, "do_exit", fx(EndsThread)},
    {X, "allow_signal", fx(AllowsSignals)},
    {X, "allow_kernel_signal", fx(AllowsSignals)},
    {X, "get_current", fx(CurrentTask | NeverSleeps)},

    // Calls that read or tune a task and leave it as it is.
    {X, "set_user_nice", fx(LeavesTaskAlone)},
    {P, "sched_set", fx(LeavesTaskAlone)},
    {X, "kthread_data", fx(LeavesTaskAlone)},
    {X, "kthread_set_per_cpu", fx(LeavesTaskAlone)},
    {X, "task_pid_nr", fx(LeavesTaskAlone)},
    {X, "task_pid_vnr", fx(LeavesTaskAlone)},
    {X, "task_nice", fx(LeavesTaskAlone)},
    {X, "get_task_comm", fx(LeavesTaskAlone)},
    {X, "__get_task_comm", fx(LeavesTaskAlone)},
    {X, "set_task_comm", fx(LeavesTaskAlone)},
    {X, "__set_task_comm", fx(LeavesTaskAlone)},
    {X, "send_sig", fx(LeavesTaskAlone)},
    // Work queued on a worker whose thread sleeps does not run.
    {P, "kthread_queue_", fx(QueuesWork)},
    {P, "kthread_mod_delayed_work", fx(QueuesWork)},
    {X, "kthread_flush_worker", fx(QueuesWork | Sleeps)},

    // Error pointers (include/linux/err.h).
    {X, "IS_ERR", fx(ErrTest | ErrAccessor)},
    {X, "IS_ERR_OR_NULL", fx(ErrTest | ErrAccessor | TrueForNull)},
    {X, "PTR_ERR_OR_ZERO", fx(ErrTest | ErrAccessor | ToErrorCode)},
    {X, "PTR_ERR", fx(ErrAccessor | ToErrorCode)},
    {X, "ERR_CAST", fx(ErrAccessor | ToErrorCode)},
    {X, "ERR_PTR", fx(MakesErrPtr)},
    {X, "dev_err_probe", fx(ReturnsErrorArg)},

    // Completions.
    {X, "complete", sync(Signals | NeverSleeps, S::Completion)},
    {X, "complete_all", sync(Signals | NeverSleeps, S::Completion)},
    {X, "wait_for_completion", wait(S::Completion, W::Uninterruptible, false)},
    {X, "wait_for_completion_io", wait(S::Completion, W::Uninterruptible, false, IoWait)},
    {X, "wait_for_completion_state", wait(S::Completion, W::Uninterruptible, false)},
    {X, "wait_for_completion_killable", wait(S::Completion, W::Killable, false)},
    {X, "wait_for_completion_interruptible", wait(S::Completion, W::Interruptible, false)},
    {X, "wait_for_completion_timeout", wait(S::Completion, W::Uninterruptible, true)},
    {X, "wait_for_completion_io_timeout", wait(S::Completion, W::Uninterruptible, true, IoWait)},
    {X, "wait_for_completion_interruptible_timeout", wait(S::Completion, W::Interruptible, true)},
    {X, "wait_for_completion_killable_timeout", wait(S::Completion, W::Killable, true)},

    // Semaphores and mutexes. down_interruptible() and the interruptible
    // mutex_lock() may fail, so they are not counted as taking the lock.
    {X, "down", wait(S::Semaphore, W::Uninterruptible, false, Acquires)},
    {X, "down_killable", wait(S::Semaphore, W::Killable, false, Acquires)},
    {X, "down_interruptible", wait(S::Semaphore, W::Interruptible, false)},
    {X, "down_read", sync(Acquires | Sleeps, S::Semaphore)},
    {X, "down_write", sync(Acquires | Sleeps, S::Semaphore)},
    {X, "up", sync(Signals | Releases | NeverSleeps, S::Semaphore)},
    {X, "up_read", sync(Releases | NeverSleeps, S::Semaphore)},
    {X, "up_write", sync(Releases | NeverSleeps, S::Semaphore)},
    {X, "mutex_lock", sync(Acquires | Sleeps, S::Mutex)},
    {X, "mutex_lock_nested", sync(Acquires | Sleeps, S::Mutex)},
    {X, "mutex_lock_io", sync(Acquires | Sleeps, S::Mutex)},
    {X, "mutex_lock_killable",
     interruptedGives(sync(Acquires | Sleeps, S::Mutex), SignalResult::NonZero)},
    {X, "mutex_lock_killable_nested",
     interruptedGives(sync(Acquires | Sleeps, S::Mutex), SignalResult::NonZero)},
    {X, "mutex_lock_interruptible",
     interruptedGives(sync(Sleeps, S::Mutex), SignalResult::NonZero)},
    {X, "mutex_lock_interruptible_nested",
     interruptedGives(sync(Sleeps, S::Mutex), SignalResult::NonZero)},
    {X, "mutex_unlock", sync(Releases | NeverSleeps, S::Mutex)},

    // Spinlocks: spin_lock_irqsave(l, f) is
    // `f = _raw_spin_lock_irqsave(spinlock_check(l))`.
    {X, "spinlock_check", fx(LockArgument | NeverSleeps)},
    {X, "spin_lock_init", fx(NeverSleeps)},
    {X, "raw_spin_lock_init", fx(NeverSleeps)},
    {Sfx, "_trylock", fx(TryLock | NeverSleeps)},
    {In, "_trylock_", fx(TryLock | NeverSleeps)},
    {P, "spin_lock", sync(Acquires | NeverSleeps, S::Spinlock)},
    {P, "raw_spin_lock", sync(Acquires | NeverSleeps, S::Spinlock)},
    {P, "_raw_spin_lock", sync(Acquires | NeverSleeps, S::Spinlock)},
    {P, "spin_unlock", sync(Releases | NeverSleeps, S::Spinlock)},
    {P, "raw_spin_unlock", sync(Releases | NeverSleeps, S::Spinlock)},
    {P, "_raw_spin_unlock", sync(Releases | NeverSleeps, S::Spinlock)},
    {P, "_raw_spin", fx(NeverSleeps)},
    {P, "raw_spin", fx(NeverSleeps)},

    // Wait queues: wake_up*() are macros over __wake_up().
    {P, "__wake_up", sync(Signals | NeverSleeps, S::WaitQueue)},
    {P, "wake_up_var", sync(Signals | ByAddress | NeverSleeps, S::WaitQueue)},
    {P, "wake_up_bit", sync(Signals | ByAddress | NeverSleeps, S::WaitQueue)},
    {P, "wake_up", sync(Signals | NeverSleeps, S::WaitQueue)},
    {X, "prepare_to_wait_event", fx(AddsWaiter | Sleeps)},
    {P, "prepare_to_wait", fx(AddsWaiter)},
    {P, "add_wait_queue", fx(AddsWaiter)},

    // Sleeping.
    {X, "schedule", fx(Schedules | Sleeps)},
    {P, "schedule_timeout", fx(TimedSleep | NonNegative | Sleeps)},
    {P, "schedule_hrtimeout", fx(TimedSleep | Sleeps)},
    {X, "preempt_schedule_notrace", fx(NeverSleeps)},
    {P, "schedule", fx(Sleeps)},
    {X, "msleep_interruptible",
     interruptedGives(fx(Sleeps), SignalResult::NonZero)},
    {P, "msleep", fx(Sleeps)},
    {P, "usleep_range", fx(Sleeps)},
    {X, "ssleep", fx(Sleeps)},
    {X, "fsleep", fx(Sleeps)},
    {P, "wait_for_", fx(Sleeps)},
    {P, "wait_event", fx(Sleeps)},
    {P, "_cond_resched", fx(Sleeps)},
    {P, "cond_resched", fx(Sleeps)},
    {X, "yield", fx(Sleeps)},
    {P, "mutex_lock", fx(Sleeps)},
    {P, "down_", fx(Sleeps)},
    {X, "try_to_freeze", fx(Sleeps)},
    {X, "__refrigerator", fx(Sleeps)},
    {P, "synchronize_", fx(Sleeps)},
    {P, "flush_", fx(Sleeps)},
    {X, "might_sleep", fx(Sleeps)},

    // Data a waker publishes before it wakes the waiter.
    {P, "list_add", fx(PublishesData | NeverSleeps)},
    {P, "list_move", fx(PublishesData | NeverSleeps)},
    {P, "list_splice", fx(PublishesData | NeverSleeps)},
    {X, "llist_add", fx(PublishesData | NeverSleeps)},
    {P, "test_and_", fx(PublishesData | ReadsData | NeverSleeps)},
    {Sfx, "set_bit", fx(PublishesData | NeverSleeps)},
    {Sfx, "clear_bit", fx(PublishesData | NeverSleeps)},
    {X, "clear_and_wake_up_bit", fx(PublishesData | NeverSleeps)},
    {P, "atomic_set", fx(PublishesData | NeverSleeps)},
    {P, "atomic_inc", fx(PublishesData | NeverSleeps)},
    {P, "atomic_add", fx(PublishesData | NeverSleeps)},
    {P, "atomic_or", fx(PublishesData | NeverSleeps)},
    {P, "kfifo_in", fx(PublishesData)},
    {P, "kfifo_put", fx(PublishesData)},

    // The allocator's release functions.
    {X, "kfree", fx(Frees)},
    {X, "kvfree", fx(Frees)},
    {X, "vfree", fx(Frees)},
    {X, "kfree_sensitive", fx(Frees)},
    {X, "devm_kfree", fx(Frees)},
    {X, "kmem_cache_free", fx(Frees)},
    {X, "put_device", fx(Frees)},
    {X, "kobject_put", fx(Frees)},
    {X, "kref_put", fx(Frees)},
    {X, "free_netdev", fx(Frees)},
    {X, "kfree_rcu", fx(Frees)},

    // Known not to sleep, with no body in the translation unit.
    {X, "__builtin_expect", fx(BranchHint | NeverSleeps)},
    {P, "__compiletime_assert", fx(CompileTimeError)},
    {P, "__bad_", fx(CompileTimeError)},
    {Sfx, "_wrong_size", fx(CompileTimeError)},
    {X, "_printk", fx(NeverSleeps)},
    {X, "printk", fx(NeverSleeps)},
    {X, "vprintk", fx(NeverSleeps)},
    {X, "__warn_printk", fx(NeverSleeps)},
    {X, "__dynamic_pr_debug", fx(NeverSleeps)},
    {X, "_dev_info", fx(NeverSleeps)},
    {X, "_dev_err", fx(NeverSleeps)},
    {X, "_dev_warn", fx(NeverSleeps)},
    {X, "_dev_notice", fx(NeverSleeps)},
    {X, "__dev_printk", fx(NeverSleeps)},
    {X, "dev_printk", fx(NeverSleeps)},
    {X, "__udelay", fx(NeverSleeps)},
    {X, "__const_udelay", fx(NeverSleeps)},
    {X, "__ndelay", fx(NeverSleeps)},
    {X, "udelay", fx(NeverSleeps)},
    {X, "mdelay", fx(NeverSleeps)},
    {X, "ndelay", fx(NeverSleeps)},
    {X, "__delay", fx(NeverSleeps)},
    {X, "memcpy", fx(NeverSleeps)},
    {X, "memset", fx(NeverSleeps)},
    {X, "memmove", fx(NeverSleeps)},
    {X, "memcmp", fx(NeverSleeps)},
    {X, "strlen", fx(NeverSleeps)},
    {X, "strcmp", fx(NeverSleeps)},
    {X, "get_random_u32", fx(NeverSleeps)},
    {X, "get_random_bytes", fx(NeverSleeps)},
    {X, "prandom_u32", fx(NeverSleeps)},
    {X, "ktime_get", fx(NeverSleeps)},
    {X, "ktime_get_ns", fx(NeverSleeps)},
    {X, "ktime_get_real", fx(NeverSleeps)},
    {X, "sched_clock", fx(NeverSleeps)},
    {X, "local_clock", fx(NeverSleeps)},
    {X, "__x86_return_thunk", fx(NeverSleeps)},
    {X, "__fentry__", fx(NeverSleeps)},
    {X, "__list_add_valid", fx(NeverSleeps)},
    {X, "__list_del_entry_valid", fx(NeverSleeps)},
    {X, "__warn", fx(NeverSleeps)},
    {X, "warn_slowpath_fmt", fx(NeverSleeps)},
    {X, "__stack_chk_fail", fx(NeverSleeps)},
    {X, "add_timer", fx(NeverSleeps)},
    {X, "mod_timer", fx(NeverSleeps)},
    {X, "del_timer", fx(NeverSleeps)},
    {X, "queue_work_on", fx(NeverSleeps)},
    {X, "jiffies_to_msecs", fx(NeverSleeps)},
    {X, "__msecs_to_jiffies", fx(NeverSleeps)},
    {X, "__usecs_to_jiffies", fx(NeverSleeps)},
    {P, "atomic", fx(NeverSleeps)},
    {P, "arch_atomic", fx(NeverSleeps)},
    {P, "raw_atomic", fx(NeverSleeps)},
    {P, "__builtin", fx(NeverSleeps)},
    {P, "rcu_read_", fx(NeverSleeps)},
    {P, "__rcu_read_", fx(NeverSleeps)},
    {P, "kasan_", fx(NeverSleeps)},
    {P, "__kasan", fx(NeverSleeps)},
    {P, "__tsan", fx(NeverSleeps)},
    {P, "__sanitizer_cov", fx(NeverSleeps)},
    {P, "__ubsan", fx(NeverSleeps)},
};

struct MacroRow {
  Match How;
  const char *Name;
  MacroEffects Effects;
};

MacroEffects waitEvent(WaitMode Mode, bool Bounded) {
  return MacroEffects{macro::WaitEvent, Mode, Bounded};
}

// First match wins.
const MacroRow MacroTable[] = {
    {P, "wait_event_interruptible_timeout", waitEvent(W::Interruptible, true)},
    {P, "wait_event_interruptible", waitEvent(W::Interruptible, false)},
    {P, "wait_event_killable_timeout", waitEvent(W::Killable, true)},
    {P, "wait_event_killable", waitEvent(W::Killable, false)},
    // Freezable waits sleep interruptibly.
    {P, "wait_event_freezable_timeout", waitEvent(W::Interruptible, true)},
    {P, "wait_event_freezable", waitEvent(W::Interruptible, false)},
    {P, "wait_event_timeout", waitEvent(W::Uninterruptible, true)},
    {P, "wait_event", waitEvent(W::Uninterruptible, false)},
    {P, "__wait_event", waitEvent(W::Uninterruptible, false)},
    {P, "___wait_event", waitEvent(W::Uninterruptible, false)},
    {P, "wait_var_event_timeout", waitEvent(W::Uninterruptible, true)},
    {P, "wait_var_event", waitEvent(W::Uninterruptible, false)},
    {X, "set_current_state", {macro::SetsTaskState}},
    {X, "__set_current_state", {macro::SetsTaskState}},
    {X, "set_special_state", {macro::SetsTaskState}},
    {X, "is_special_task_state", {macro::DebugCheck}},
    {P, "debug_", {macro::DebugCheck}},
    {P, "WARN", {macro::DebugCheck}},
    {P, "wake_up", {macro::WakesQueue}},
    {X, "module_init", {macro::ModuleInit}},
    {Sfx, "initcall", {macro::ModuleInit}},
    {X, "guard", {macro::Guard}},
    {X, "scoped_guard", {macro::Guard}},
};

const llvm::StringMap<const CallEffects *> &exactRows() {
  static const llvm::StringMap<const CallEffects *> Rows = [] {
    llvm::StringMap<const CallEffects *> M;
    for (const Row &R : Table)
      if (R.How == Match::Exact)
        M.try_emplace(R.Name, &R.Effects);
    return M;
  }();
  return Rows;
}

std::string flagNames(uint64_t F) {
  static const std::pair<uint64_t, const char *> Names[] = {
      {Creates, "creates"},       {OnHandle, "on-handle"},
      {EndsThread, "ends-thread"}, {HandsOver, "hands-over"},
      {TestsStop, "tests-stop"},  {TestsPark, "tests-park"},
      {LeavesTaskAlone, "leaves-task-alone"}, {QueuesWork, "queues-work"},
      {ErrTest, "err-test"},      {ErrAccessor, "err-accessor"},
      {ToErrorCode, "to-error-code"}, {MakesErrPtr, "makes-err-ptr"},
      {ReturnsErrorArg, "returns-error-arg"}, {Signals, "signals"},
      {ByAddress, "by-address"},  {Waits, "waits"},
      {Acquires, "acquires"},     {Releases, "releases"},
      {TryLock, "trylock"},       {Sleeps, "sleeps"},
      {NeverSleeps, "never-sleeps"}, {Frees, "frees"},
      {PublishesData, "publishes-data"}, {AddsWaiter, "adds-waiter"},
      {Schedules, "schedules"},   {TimedSleep, "timed-sleep"},
      {NonNegative, "non-negative"}, {AllowsSignals, "allows-signals"},
      {CurrentTask, "current-task"}, {LockArgument, "lock-argument"},
      {BranchHint, "branch-hint"}, {CompileTimeError, "compile-time-error"},
      {IoWait, "io-wait"},        {Anchor, "anchor"},
      {TrueForNull, "true-for-null"}, {ReadsData, "reads-data"},
  };
  std::string Out;
  for (const auto &[Bit, Name] : Names)
    if (F & Bit)
      Out += (Out.empty() ? "" : ",") + std::string(Name);
  return Out;
}

const char *matchName(Match How) {
  switch (How) {
  case Match::Exact:
    return "exact";
  case Match::Prefix:
    return "prefix";
  case Match::Suffix:
    return "suffix";
  case Match::Contains:
    return "contains";
  }
  return "";
}

const char *syncName(SyncKind K) {
  switch (K) {
  case SyncKind::Completion:
    return "completion";
  case SyncKind::WaitQueue:
    return "waitqueue";
  case SyncKind::Semaphore:
    return "semaphore";
  case SyncKind::Mutex:
    return "mutex";
  case SyncKind::Spinlock:
    return "spinlock";
  case SyncKind::Sleep:
    return "";
  }
  return "";
}

const char *modeName(WaitMode M) {
  switch (M) {
  case WaitMode::None:
    return "";
  case WaitMode::Uninterruptible:
    return "uninterruptible";
  case WaitMode::Interruptible:
    return "interruptible";
  case WaitMode::Killable:
    return "killable";
  }
  return "";
}

} // namespace

const CallEffects &effectsOf(llvm::StringRef Name) {
  static const CallEffects None;
  if (Name.empty())
    return None;
  const auto &Exact = exactRows();
  if (auto It = Exact.find(Name); It != Exact.end())
    return *It->second;
  // Pattern lookups are many (every call of every function): remember them.
  thread_local llvm::StringMap<const CallEffects *> Seen;
  auto [It, New] = Seen.try_emplace(Name, &None);
  if (New)
    for (const Row &R : Table)
      if (R.How != Match::Exact && matches(R.How, R.Name, Name)) {
        It->second = &R.Effects;
        break;
      }
  return *It->second;
}

const MacroEffects &macroEffectsOf(llvm::StringRef Name) {
  static const MacroEffects None;
  // Asked for every macro around every statement the checks classify.
  thread_local llvm::StringMap<const MacroEffects *> Seen;
  auto [It, New] = Seen.try_emplace(Name, &None);
  if (New)
    for (const MacroRow &R : MacroTable)
      if (matches(R.How, R.Name, Name)) {
        It->second = &R.Effects;
        break;
      }
  return *It->second;
}

LifecycleRole lifecycleRoleOfFunction(llvm::StringRef Name) {
  // module_init(fn) defines init_module() as an alias of fn and __inittest()
  // returning it; module_exit() likewise.
  if (Name == "init_module" || Name == "__inittest")
    return LifecycleRole::ModuleInit;
  if (Name == "cleanup_module" || Name == "__exittest")
    return LifecycleRole::ModuleExit;
  return LifecycleRole::None;
}

LifecycleRole lifecycleRoleOfField(llvm::StringRef Name) {
  if (Name == "probe" || Name == "probe_new")
    return LifecycleRole::Probe;
  if (Name == "remove" || Name == "remove_new" || Name == "disconnect")
    return LifecycleRole::Remove;
  return LifecycleRole::None;
}

LifecycleRole lifecycleRoleOfSection(llvm::StringRef Section,
                                     bool FromInitcallMacro) {
  if (Section.starts_with(".initcall") ||
      (Section == ".discard.addressable" && FromInitcallMacro))
    return LifecycleRole::ModuleInit;
  if (Section.starts_with(".exitcall"))
    return LifecycleRole::ModuleExit;
  return LifecycleRole::None;
}

bool isHandleTypeName(llvm::StringRef Name) {
  return Name == "task_struct" || Name == "kthread_worker";
}

bool looksLikeRelease(llvm::StringRef Name) {
  return Name.contains("free") || Name.contains("put") ||
         Name.contains("release") || Name.contains("destroy");
}

llvm::SmallVector<llvm::StringRef, 2> creationNames(CreationKind Kind) {
  llvm::SmallVector<llvm::StringRef, 2> Names;
  for (const Row &R : Table)
    if (R.Effects.Creation && R.Effects.Creation->Kind == Kind)
      Names.push_back(R.Name);
  return Names;
}

llvm::SmallVector<llvm::StringRef, 2> featureDeclarations(ApiFeature F) {
  switch (F) {
  case ApiFeature::WorkerCreationSleeps:
    return creationNames(CreationKind::RunWorker);
  case ApiFeature::FullNameInProc:
    return {"get_kthread_comm"};
  }
  return {};
}

void printApiTable(llvm::raw_ostream &OS) {
  OS << "# kind\tmatch\tname\teffects\n";
  for (const Row &R : Table) {
    const CallEffects &E = R.Effects;
    OS << "function\t" << matchName(R.How) << '\t' << R.Name << '\t'
       << flagNames(E.Flags);
    if (E.has(Signals | Waits | Acquires | Releases))
      if (const char *N = syncName(E.Sync); *N)
        OS << ",object=" << N;
    if (E.Mode != WaitMode::None)
      OS << ",mode=" << modeName(E.Mode);
    if (E.Bounded)
      OS << ",bounded";
    OS << '\n';
  }
  for (const MacroRow &R : MacroTable) {
    const MacroEffects &E = R.Effects;
    OS << "macro\t" << matchName(R.How) << '\t' << R.Name << '\t';
    static const std::pair<uint32_t, const char *> Names[] = {
        {macro::WaitEvent, "wait-event"}, {macro::SetsTaskState, "sets-task-state"},
        {macro::DebugCheck, "debug-check"}, {macro::WakesQueue, "wakes-queue"},
        {macro::ModuleInit, "module-init"}, {macro::Guard, "guard"}};
    bool First = true;
    for (const auto &[Bit, Name] : Names)
      if (E.Flags & Bit) {
        OS << (First ? "" : ",") << Name;
        First = false;
      }
    if (E.Mode != WaitMode::None)
      OS << ",mode=" << modeName(E.Mode);
    if (E.Bounded)
      OS << ",bounded";
    OS << '\n';
  }
}

} // namespace clang::tidy::kthread
