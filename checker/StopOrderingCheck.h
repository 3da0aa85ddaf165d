//===--- StopOrderingCheck.h - kthread-lint --------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_STOPORDERINGCHECK_H
#define KTHREAD_LINT_CHECKER_STOPORDERINGCHECK_H

#include "KthreadCheck.h"
#include "ThreadFacts.h"

namespace clang::tidy::kthread {

/// Finds kthread_stop() called before the complete()/wake_up()/up() that
/// the thread waits for, or while holding a lock the thread takes: both
/// deadlock.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-stop-ordering.md
class StopOrderingCheck : public WaitJudgingCheck {
public:
  using WaitJudgingCheck::WaitJudgingCheck;
  void checkModel(const KthreadModel &M) override;

private:
  void reportSignalAfterStop(const KthreadModel &M, const HandleUse &Stop,
                             const SignalSite &Late, const BlindWait &W,
                             const FunctionDecl *Thread);
  void reportLockHeld(const HandleUse &Stop, const SignalSite &Held,
                      const SyncOp &Taken, const FunctionDecl *Thread);
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_STOPORDERINGCHECK_H
