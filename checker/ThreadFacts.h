//===--- ThreadFacts.h - kthread-lint --------------------------*- C++ -*-===//
//
// What a thread function does, as far as stopping it is concerned: where it
// tests kthread_should_stop(), the loops it cannot leave, the blocking waits
// that kthread_stop() does not break and what they wait on, the locks it
// takes. Gathered once per function, following calls into functions of the
// same translation unit to a bounded depth. Part of the shared model.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_THREADFACTS_H
#define KTHREAD_LINT_CHECKER_THREADFACTS_H

#include "KthreadModel.h"
#include <set>

namespace clang::tidy::kthread {

/// An operation on a completion, wait queue, semaphore or lock (SyncKind),
/// its object identified as the same global or the same field of the same
/// record type (never by name).
struct SyncOp {
  SyncKind Kind;
  HandleKey Object;          ///< None when it is neither a global nor a field.
  std::string ObjectText;    ///< `priv->done`, for messages.
  const CallExpr *Call;      ///< The call (inside a macro for wait_event).
  SourceLocation Loc;        ///< Where the user wrote it.
  std::string Api;           ///< As written: wait_event_interruptible, ...
  const FunctionDecl *In;    ///< The function it is in.
};

/// The sync object a call's first argument points to (`&priv->done`,
/// `priv->sem`), with its spelling; no key for a local.
std::pair<HandleKey, std::string> syncObject(const CallExpr *C);

/// Calls that take or release a mutex, semaphore or spinlock (effectsOf()).
bool isLockAcquire(llvm::StringRef N, SyncKind &K);
bool isLockRelease(llvm::StringRef N, SyncKind &K);

/// A lock held for a scope by a variable whose cleanup releases it:
/// cleanup.h's `guard(mutex)(&m);` and `scoped_guard(spinlock, &l) { }`, and
/// any `__cleanup` variable whose initialiser's function takes a lock.
struct ScopedLock {
  const CallExpr *Constructor; ///< `class_mutex_constructor(&m)`: the object.
  SyncKind Kind;
};
std::optional<ScopedLock> scopedLockOf(const VarDecl *VD);

/// A wait that kthread_stop() does not end.
struct BlindWait : SyncOp {
  /// Interruptible: kthread_stop() ends it on kernels from about v6.1 on.
  bool Interruptible = false;
};

/// A loop that nothing but kthread_should_stop() could end, and that is not
/// left when the stop is requested (StopConditions::leavesOnStop()).
struct ForeverLoop {
  const Stmt *Loop;
  SourceLocation Loc;
  const FunctionDecl *In;
  /// A stop test in the loop whose stop branch stays in it, if any.
  const Expr *DeadTest = nullptr;
};

struct ThreadFacts {
  /// Tests kthread_should_stop() (or a variant, or a configured predicate)
  /// somewhere, itself or in a callee.
  bool TestsStop = false;
  std::vector<ForeverLoop> Loops;
  std::vector<BlindWait> Waits;
  /// Locks and semaphores it takes (mutex_lock, down, spin_lock, ...).
  std::vector<SyncOp> Locks;
  /// The thread function and the callees followed, in breadth-first order.
  std::vector<const FunctionDecl *> Functions;
};

/// Signals and lock operations of a function body, not following calls:
/// what a stopper does around kthread_stop().
struct SignalSite : SyncOp {
  bool IsUnlock = false; ///< For locks: the release, not the acquisition.
  /// For a ScopedLock: the statement (block, or scoped_guard()'s `for`)
  /// to whose end it holds the lock.
  const Stmt *Scope = nullptr;
  bool IsSignal = false; ///< complete(), wake_up(), up().
};
std::vector<SignalSite> collectSyncSites(const KthreadModel &M,
                                         const FunctionDecl *FD);

/// Fields and globals \p FD assigns, and those its `if` conditions test.
std::set<HandleKey> placesAssignedIn(const FunctionDecl *FD);
std::set<HandleKey> placesTestedIn(const FunctionDecl *FD);

/// The completion a call's first argument names (`&done`, `&priv->done`),
/// when it is a field or global.
std::optional<HandleKey> completionArg(const CallExpr *C);

/// Completions the stopper waits for, without a timeout and without giving
/// up on a signal, before every \p Stop: it reaches the stop only after the
/// thread signalled them (kernel/trace/preemptirq_delay_test.c).
std::set<HandleKey> completionsAwaitedBefore(const KthreadModel &M,
                                             const HandleUse &Stop);

using StoppedThreads =
    std::vector<std::pair<const FunctionDecl *, std::vector<const HandleUse *>>>;

/// The facet that keeps, for every check of the translation unit, what each
/// thread function does (ThreadFacts), where each function sets its task
/// state, and which thread functions something stops.
class ThreadFactsFacet : public ModelFacet {
public:
  static const char ID;
  explicit ThreadFactsFacet(const KthreadModel &M) : M(M) {}
  ~ThreadFactsFacet() override;
  /// What \p FD and what its calls reach in the module's files do about
  /// stopping.
  const ThreadFacts &of(const FunctionDecl *FD) const;
  /// Where \p FD sets its task state, and to what (taskStateSets()).
  const llvm::DenseMap<SourceLocation, unsigned> &
  taskStates(const FunctionDecl *FD) const;
  const StoppedThreads &stopped() const;

private:
  const KthreadModel &M;
  mutable llvm::DenseMap<const FunctionDecl *, std::unique_ptr<ThreadFacts>> Facts;
  /// Each function's own facts, calls not followed: many thread functions
  /// reach the same helpers.
  mutable llvm::DenseMap<const FunctionDecl *, std::unique_ptr<ThreadFacts>> Own;
  mutable llvm::DenseMap<const FunctionDecl *,
                         std::unique_ptr<llvm::DenseMap<SourceLocation, unsigned>>>
      States;
  mutable std::optional<StoppedThreads> Stopped;
};

inline const ThreadFacts &threadFactsOf(const KthreadModel &M,
                                        const FunctionDecl *FD) {
  return M.facet<ThreadFactsFacet>().of(FD);
}
inline const llvm::DenseMap<SourceLocation, unsigned> &
taskStatesOf(const KthreadModel &M, const FunctionDecl *FD) {
  return M.facet<ThreadFactsFacet>().taskStates(FD);
}
/// Every thread function whose thread something stops, with the stop
/// sites (kthread_stop*, kthread_destroy_worker) that reach its handle.
inline const StoppedThreads &stoppedThreadFunctions(const KthreadModel &M) {
  return M.facet<ThreadFactsFacet>().stopped();
}

struct SiblingUse;
/// A thread function with every stop of its thread: the stop sites here
/// (stoppedThreadFunctions()), and those of the other files of the driver
/// (SiblingSummaries) on the fields and globals its creations keep it in.
struct ThreadStops {
  const FunctionDecl *Fn;
  std::vector<const HandleUse *> Here;
  std::vector<const SiblingUse *> Sibling;
};
std::vector<ThreadStops> threadStops(const KthreadModel &M);

/// Locks (by object) held on some path when \p At is evaluated in \p FD.
std::vector<const SignalSite *>
locksHeldAt(const KthreadModel &M, const FunctionDecl *FD, const Stmt *At,
            const std::vector<SignalSite> &Sites);

/// The task states that \p FD sets with set_current_state(),
/// __set_current_state() or set_special_state(), keyed by where the macro
/// is written (its file location). The value is the state constant.
llvm::DenseMap<SourceLocation, unsigned>
taskStateSets(const KthreadModel &M, const FunctionDecl *FD);

/// Where the set_current_state()-like macro around \p Loc is written, if
/// \p Loc is inside one.
std::optional<SourceLocation> stateMacroAt(const KthreadModel &M,
                                           SourceLocation Loc);

/// Whether \p Loc is inside a wait_event*() macro (whose own
/// prepare-test-schedule sequence is correct by construction).
bool inWaitEventMacro(const KthreadModel &M, SourceLocation Loc);

/// TASK_RUNNING is 0; a sleeping state has TASK_INTERRUPTIBLE (1) or
/// TASK_UNINTERRUPTIBLE (2) set.
inline bool isSleepingState(unsigned State) { return (State & 3) != 0; }

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_THREADFACTS_H
