//===--- MissingShouldStopCheck.h - kthread-lint ---------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_MISSINGSHOULDSTOPCHECK_H
#define KTHREAD_LINT_CHECKER_MISSINGSHOULDSTOPCHECK_H

#include "KthreadCheck.h"
#include "SiblingSummaries.h"
#include "ThreadFacts.h"

namespace clang::tidy::kthread {

/// In the function of a thread that something stops: loops that never test
/// kthread_should_stop(), and blocking waits that kthread_stop() does not
/// end. kthread_stop() then waits forever.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-missing-should-stop.md
class MissingShouldStopCheck : public WaitJudgingCheck {
public:
  using WaitJudgingCheck::WaitJudgingCheck;
  void checkModel(const KthreadModel &M) override;

private:
  void reportLoop(const KthreadModel &M, const ForeverLoop &L,
                  const FunctionDecl *Thread);
  void reportWait(const BlindWait &W);
  /// A stop of the thread: here, or in another file of the driver.
  struct StopSite {
    const HandleUse *Here;
    const SiblingUse *Sibling;
  };
  void noteStopAndCaller(const KthreadModel &M, const StopSite &Stop,
                         const FunctionDecl *Thread, const FunctionDecl *In);
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_MISSINGSHOULDSTOPCHECK_H
