//===--- StopConditions.h - kthread-lint -----------------------*- C++ -*-===//
//
// The one stop-condition reasoner of the checks: which branch of a condition
// is taken only once kthread_stop() was called (the stop test itself, a local
// holding it, `&&`/`||`, a helper that tests it, an interrupted sleep on
// v6.1+), which paths have seen the stop on every way to them, and whether a
// loop can be left once the stop is requested. missing-should-stop,
// busy-loop and exit-before-stop all ask it, so that they agree on what "the
// loop tests the stop" and "this exit implies the stop" mean.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_STOPCONDITIONS_H
#define KTHREAD_LINT_CHECKER_STOPCONDITIONS_H

#include "Dataflow.h"
#include "KthreadModel.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <map>
#include <tuple>

namespace clang::tidy::kthread {

/// What the locals of a function hold, for reading its conditions.
struct LocalFacts {
  /// Locals that only ever hold the stop test, or false.
  llvm::SmallPtrSet<const VarDecl *, 4> StopVars;
  /// Locals that only ever hold one kind of interruptible result.
  llvm::DenseMap<const VarDecl *, SignalResult> SignalResults;
  /// Whether the thread can receive signals (allow_signal()): then an
  /// interrupted sleep does not mean the stop.
  bool SignalsAllowed = false;
  /// Locals that only ever hold what schedule_timeout() and its variants
  /// return, which is never negative.
  llvm::SmallPtrSet<const VarDecl *, 4> NonNegative;
};

/// The must-fact of the stop flow at a program point.
enum StopSeenState : unsigned {
  StopRequested = 1, ///< Every path here saw kthread_should_stop() true.
  StopUnknown = 2,   ///< Some path did not.
};

class StopConditions : public ModelFacet {
public:
  static const char ID;
  explicit StopConditions(const KthreadModel &M) : M(M) {}

  /// What \p FD's locals hold; \p SignalsAllowed as the thread does.
  LocalFacts localFacts(const FunctionDecl *FD, bool SignalsAllowed) const;

  /// If one branch of \p Cond is taken only when the stop was requested,
  /// that branch: true for `kthread_should_stop()`, false for its negation.
  std::optional<bool> stopBranch(const Expr *Cond, const LocalFacts &L) const;

  /// `t == -ERESTARTSYS` or `t < 0` on a value that is never negative.
  bool neverTrue(const Expr *E, const LocalFacts &L) const;

  /// How \p E reports that a signal interrupted the sleep or lock it is the
  /// result of. Kernel threads ignore signals unless they allow_signal();
  /// since v6.1 kthread_stop() sets TIF_NOTIFY_SIGNAL, so an interrupted
  /// sleep in a thread means the stop was requested (before v6.1 it never
  /// happens): av7110's `if (mutex_lock_interruptible(&l)) break;`.
  SignalResult signalResultOf(const Expr *E) const;

  /// The must-analysis of the stop over \p FD on the dataflow driver.
  /// Calls of helpers that return only once the stop was seen count,
  /// however deep; branches that test one of \p NonNull for NULL are pruned.
  DataflowResult<unsigned>
  seenFlow(const FunctionDecl *FD, bool SignalsAllowed,
           const llvm::SmallPtrSetImpl<const VarDecl *> *NonNull = nullptr) const;
  /// The state just before element \p Index of \p B in that flow.
  unsigned seenBefore(const DataflowResult<unsigned> &R,
                      const FunctionDecl *FD, const CFGBlock &B,
                      unsigned Index, bool SignalsAllowed) const;

  /// Whether \p FD returns only after seeing the stop requested (ktdemo's
  /// sleep_until_stopped() helper). A helper in recursion with one being
  /// asked about does not.
  bool endsStopped(const FunctionDecl *FD, bool SignalsAllowed) const;

  /// Whether the loop made of \p Region (a loop statement, or the
  /// statements from a label to the goto back to it) can be left once the
  /// stop is requested: some branch taken only on the stop leads out of it
  /// (to code after it, a return, or a call that ends the thread). A call
  /// of a helper that tests the stop counts as leaving: the helper may end
  /// the thread, and silence is the safe side.
  /// \p DeadTest, if not null, is set to a stop test of the region whose
  /// stop branch stays inside the loop.
  bool leavesOnStop(const FunctionDecl *FD, llvm::ArrayRef<const Stmt *> Region,
                    const Expr **DeadTest = nullptr) const;

private:
  std::optional<bool> stopBranchAt(const Expr *Cond, const LocalFacts &L,
                                   unsigned Depth) const;
  std::optional<bool> interruptedBranch(const Expr *Cond,
                                        const LocalFacts &L) const;

  const KthreadModel &M;
  /// endsStopped() by function and SignalsAllowed.
  mutable std::map<std::pair<const FunctionDecl *, bool>, bool> EndsStopped;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_STOPCONDITIONS_H
