//===--- KthreadApi.h - kthread-lint ---------------------------*- C++ -*-===//
//
// The one table of what the checks know about kernel functions and macros:
// for each call, its effect on a thread handle, on the calling thread and on
// the objects it is passed (creates, wakes, stops, ends the thread, signals
// or waits on an object, takes a lock, sleeps, ...), per
// docs/kthread-api.md. No other file names a kernel function;
// `kthread-lint --list-api` prints the table, and the kernel audit's
// prefilter reads it from there.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_KTHREADAPI_H
#define KTHREAD_LINT_CHECKER_KTHREADAPI_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <optional>

namespace clang::tidy::kthread {

/// What a creation API hands back and whether it already woke the thread.
enum class CreationKind {
  Create,       ///< kthread_create*: a sleeping task_struct, must be woken.
  Run,          ///< kthread_run*: created and woken.
  CreateWorker, ///< kthread_create_worker*: a kthread_worker.
  RunWorker,    ///< kthread_run_worker*: a kthread_worker, woken.
};

struct CreationApi {
  CreationKind Kind;
  bool BoundToCpu;  ///< *_on_cpu: the name format takes the cpu number.
  int ThreadFnArg;  ///< Index of the thread function, -1 for workers.
  int DataArg;      ///< Index of the data argument, -1 for workers.
  int NameArg;      ///< Index of the name format.
};

/// What a call does to the handle passed as its first argument.
enum class HandleOp {
  Wake,          ///< wake_up_process, wake_up_state
  Park,          ///< kthread_park
  Unpark,        ///< kthread_unpark
  Bind,          ///< kthread_bind, kthread_bind_mask, set_cpus_allowed_ptr
  Stop,          ///< kthread_stop
  StopPut,       ///< kthread_stop_put: stop and drop a reference
  DestroyWorker, ///< kthread_destroy_worker
  GetRef,        ///< get_task_struct
  PutRef,        ///< put_task_struct
};

/// True for the operations that stop a thread (kthread_stop*,
/// kthread_destroy_worker).
inline bool isStopOp(HandleOp Op) {
  return Op == HandleOp::Stop || Op == HandleOp::StopPut ||
         Op == HandleOp::DestroyWorker;
}

/// A completion, wait queue, semaphore or lock; Sleep for a bare schedule().
enum class SyncKind { Completion, WaitQueue, Semaphore, Mutex, Spinlock, Sleep };

/// What ends a wait besides its object being signalled.
enum class WaitMode : uint8_t {
  None,
  Uninterruptible, ///< Nothing: kthread_stop() cannot end it.
  Interruptible,   ///< Any signal, and kthread_stop() from v6.1 on.
  Killable,        ///< Fatal signals only: kthread_stop() does not end it.
};

/// What an interruptible call returns when a signal (or, from v6.1 on,
/// kthread_stop()) interrupted it.
enum class SignalResult : uint8_t { None, NonZero, Negative };

/// The effects of a call, as bits of CallEffects::Flags.
namespace effect {
enum : uint64_t {
  Creates = 1ull << 0,         ///< Returns a new thread or worker (ERR_PTR on failure, never NULL).
  OnHandle = 1ull << 1,        ///< Acts on the handle in its first argument (CallEffects::Op).
  EndsThread = 1ull << 2,      ///< Ends the calling kthread and does not return.
  HandsOver = 1ull << 3,       ///< ... handing the module or a completion back as it ends.
  TestsStop = 1ull << 4,       ///< kthread_should_stop() and its variants.
  TestsPark = 1ull << 5,       ///< kthread_should_park().
  LeavesTaskAlone = 1ull << 6, ///< Reads or tunes a task: neither starts, stops nor keeps it.
  QueuesWork = 1ull << 7,      ///< Queues on a worker: the work waits for the worker's thread.
  ErrTest = 1ull << 8,         ///< True when its argument is an error pointer.
  ErrAccessor = 1ull << 9,     ///< Reads an error pointer without using it as a task.
  ToErrorCode = 1ull << 10,    ///< Turns an error pointer into an error code.
  MakesErrPtr = 1ull << 11,    ///< ERR_PTR(): an error value.
  ReturnsErrorArg = 1ull << 12, ///< Logs and returns its second argument (dev_err_probe).
  Signals = 1ull << 13,        ///< Signals the object its first argument points to.
  ByAddress = 1ull << 14,      ///< ... one waited on by address (wake_up_var(), wake_up_bit()).
  Waits = 1ull << 15,          ///< Blocks until its object is signalled (Mode, Bounded).
  Acquires = 1ull << 16,       ///< Takes the lock its first argument points to.
  Releases = 1ull << 17,       ///< Releases it.
  TryLock = 1ull << 18,        ///< Takes a lock only if free; never waits.
  Sleeps = 1ull << 19,         ///< May sleep, block or yield.
  NeverSleeps = 1ull << 20,    ///< Known not to sleep although its body is not here.
  Frees = 1ull << 21,          ///< Frees or drops the objects it is passed.
  PublishesData = 1ull << 22,  ///< Updates the objects it is passed (lists, bits, atomics).
  AddsWaiter = 1ull << 23,     ///< Puts the current task on a wait queue.
  Schedules = 1ull << 24,      ///< schedule(): the sleep of a hand-written wait.
  TimedSleep = 1ull << 25,     ///< schedule_timeout() and friends: a bounded sleep.
  NonNegative = 1ull << 26,    ///< Returns a signed value that is never negative.
  AllowsSignals = 1ull << 27,  ///< Lets the kthread receive signals.
  CurrentTask = 1ull << 28,    ///< Returns the running task (`current`).
  LockArgument = 1ull << 29,   ///< Returns its argument, a lock (spinlock_check()).
  BranchHint = 1ull << 30,     ///< Returns its first argument (likely(), unlikely()).
  CompileTimeError = 1ull << 31, ///< Exists only to fail the build when reached.
  IoWait = 1ull << 32,         ///< A wait that ends when the I/O does.
  Anchor = 1ull << 33,         ///< Names the kthread API: the audit's prefilter keeps its users.
  TrueForNull = 1ull << 34,    ///< An ErrTest that is also true for NULL.
  ReadsData = 1ull << 35,      ///< Also reads what it updates: test_and_set_bit() returns the old bit.
};
} // namespace effect

struct CallEffects {
  uint64_t Flags = 0;
  std::optional<CreationApi> Creation;
  std::optional<HandleOp> Op;
  SyncKind Sync = SyncKind::Sleep;  ///< For Signals, Waits, Acquires, Releases.
  WaitMode Mode = WaitMode::None;   ///< For Waits.
  bool Bounded = false;             ///< For Waits: has a timeout.
  SignalResult OnSignal = SignalResult::None;

  bool has(uint64_t F) const { return (Flags & F) != 0; }
};

/// The effects of calling the function \p Name; empty for one the table does
/// not know.
const CallEffects &effectsOf(llvm::StringRef Name);

/// Kernel macros whose expansion the checks read as a whole.
namespace macro {
enum : uint32_t {
  WaitEvent = 1u << 0,     ///< wait_event*(): a correct prepare-test-schedule loop.
  SetsTaskState = 1u << 1, ///< set_current_state() and friends.
  DebugCheck = 1u << 2,    ///< WARN*(), debug_*(): checks, not the state itself.
  WakesQueue = 1u << 3,    ///< wake_up*(): the name to show for __wake_up().
  ModuleInit = 1u << 4,    ///< module_init(), *_initcall().
  Guard = 1u << 5,         ///< cleanup.h guard(), scoped_guard(): a lock for a scope.
};
} // namespace macro

struct MacroEffects {
  uint32_t Flags = 0;
  WaitMode Mode = WaitMode::None; ///< For WaitEvent.
  bool Bounded = false;           ///< For WaitEvent: a timed wait.
  bool has(uint32_t F) const { return (Flags & F) != 0; }
};

const MacroEffects &macroEffectsOf(llvm::StringRef Name);

/// The role a function has in the module's life, by the name the kernel's
/// module macros give it, or by the ops-table field it is stored in.
enum class LifecycleRole { None, ModuleInit, ModuleExit, Probe, Remove };
LifecycleRole lifecycleRoleOfFunction(llvm::StringRef Name);
LifecycleRole lifecycleRoleOfField(llvm::StringRef Name);
/// `.initcall6.init`, `.exitcall.exit`: the sections module_init() and
/// module_exit() place their pointers in when built in, or
/// `.discard.addressable` where an initcall macro (\p FromInitcallMacro)
/// keeps the pointer's address instead.
LifecycleRole lifecycleRoleOfSection(llvm::StringRef Section,
                                     bool FromInitcallMacro);

/// task_struct, kthread_worker: the record types whose pointers are handles.
bool isHandleTypeName(llvm::StringRef Name);

/// A function of the user's own named like a release function (free, put,
/// release, destroy): it may free what it is passed.
bool looksLikeRelease(llvm::StringRef Name);

/// Looks up a creation function or macro by the name the user wrote
/// (kthread_run, kthread_create_on_node, ...).
inline std::optional<CreationApi> lookupCreationApi(llvm::StringRef Name) {
  return effectsOf(Name).Creation;
}
inline std::optional<HandleOp> lookupHandleOp(llvm::StringRef Name) {
  return effectsOf(Name).Op;
}
inline bool isErrPtrTest(llvm::StringRef Name) {
  return effectsOf(Name).has(effect::ErrTest);
}
inline bool isErrPtrAccessor(llvm::StringRef Name) {
  return effectsOf(Name).has(effect::ErrAccessor);
}
inline bool isStopTest(llvm::StringRef Name) {
  return effectsOf(Name).has(effect::TestsStop);
}
inline bool isThreadExit(llvm::StringRef Name) {
  return effectsOf(Name).has(effect::EndsThread);
}
inline bool isBranchHint(llvm::StringRef Name) {
  return effectsOf(Name).has(effect::BranchHint);
}

/// Whether a call that is passed a handle leaves the thread as it was:
/// neither starts, stops nor keeps it. It reads or tunes the task, tests or
/// decodes an error pointer, binds the thread, takes or drops a reference,
/// or queues work on a worker (the work waits for the worker's thread).
inline bool leavesHandleAlone(llvm::StringRef Name) {
  const CallEffects &E = effectsOf(Name);
  if (E.Op)
    return *E.Op == HandleOp::Bind || *E.Op == HandleOp::GetRef ||
           *E.Op == HandleOp::PutRef;
  return E.has(effect::LeavesTaskAlone | effect::QueuesWork |
               effect::ErrAccessor);
}

/// The creation functions and macros of kind \p Kind.
llvm::SmallVector<llvm::StringRef, 2> creationNames(CreationKind Kind);

/// What the kernel in use does, told by what its headers declare rather
/// than by its version number (vendor trees backport).
enum class ApiFeature {
  /// kthread_create_worker() leaves the worker asleep and
  /// kthread_run_worker() wakes it (v6.14).
  WorkerCreationSleeps,
  /// /proc and ps show a kthread's full name, not only its 15-character
  /// comm (get_kthread_comm(), v5.17).
  FullNameInProc,
};

/// The functions or macros whose declaration shows \p F.
llvm::SmallVector<llvm::StringRef, 2> featureDeclarations(ApiFeature F);

/// Prints the table, one row per line: kind (function or macro), how the
/// name matches (exact, prefix, suffix, contains), the name, the effects.
void printApiTable(llvm::raw_ostream &OS);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_KTHREADAPI_H
