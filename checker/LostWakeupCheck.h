//===--- LostWakeupCheck.h - kthread-lint ----------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_LOSTWAKEUPCHECK_H
#define KTHREAD_LINT_CHECKER_LOSTWAKEUPCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

struct WakeCondition;

/// Finds a kthread_should_stop() test followed by set_current_state() and an
/// untimed schedule(): a kthread_stop() between the test and the state
/// change is lost, and the thread sleeps forever. The same for a place an
/// ordinary data waker updates before it wakes the thread, read without a
/// lock held across the state change.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-lost-wakeup.md
class LostWakeupCheck : public WaitJudgingCheck {
public:
  using WaitJudgingCheck::WaitJudgingCheck;
  void checkModel(const KthreadModel &M) override;

private:
  void reportLostDataWakeup(const CallExpr *Schedule, const Expr *Read,
                            SourceLocation StateSet, const WakeCondition &C,
                            const ASTContext &Ctx);
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_LOSTWAKEUPCHECK_H
