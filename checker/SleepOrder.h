//===--- SleepOrder.h - kthread-lint ---------------------------*- C++ -*-===//
//
// The order, on each path of a thread's function, of the task-state changes
// (set_current_state()), the stop tests, the reads of a wake condition, the
// locks and schedule(): where an untimed schedule() can sleep through a
// kthread_stop() or a data wake-up that came between the test and the state
// change. The analysis behind kthread-lost-wakeup, on the dataflow driver.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_SLEEPORDER_H
#define KTHREAD_LINT_CHECKER_SLEEPORDER_H

#include "KthreadModel.h"

namespace clang::tidy::kthread {

struct WakeCondition;

struct LostWakeup {
  enum KindTy {
    Stop, ///< The stop was tested before the sleeping state was set.
    Data, ///< A wake condition was read before it, without a lock held.
  } Kind;
  const CallExpr *Schedule = nullptr;
  const CallExpr *Test = nullptr; ///< Stop: the stop test.
  /// Where the state is set (after the test or the read).
  SourceLocation StateSet;
  const Expr *Read = nullptr;                ///< Data: the read.
  const WakeCondition *Condition = nullptr;  ///< Data: what was read.
};

/// The lost wake-ups of \p FD. \p Conds: the wake conditions of the thread
/// it belongs to; \p SleepsThroughStop: whether a task state (the constant
/// set_current_state() is given) sleeps through the stop's wake-up on the
/// kernels judged. Empty when the function is too large to follow.
std::vector<LostWakeup>
findLostWakeups(const KthreadModel &M, const FunctionDecl *FD,
                llvm::ArrayRef<const WakeCondition *> Conds,
                llvm::function_ref<bool(unsigned)> SleepsThroughStop);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_SLEEPORDER_H
