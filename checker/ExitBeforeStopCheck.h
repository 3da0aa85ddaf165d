//===--- ExitBeforeStopCheck.h - kthread-lint ------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_EXITBEFORESTOPCHECK_H
#define KTHREAD_LINT_CHECKER_EXITBEFORESTOPCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Finds thread functions that can return before kthread_should_stop() is
/// true while a stopper calls kthread_stop() without holding a reference:
/// the task may be freed before kthread_stop() touches it.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-exit-before-stop.md
class ExitBeforeStopCheck : public KthreadCheck {
public:
  using KthreadCheck::KthreadCheck;
  void checkModel(const KthreadModel &M) override;

private:
  void reportExit(SourceLocation Exit, const FunctionDecl *Thread,
                  llvm::ArrayRef<const HandleUse *> Stops);
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_EXITBEFORESTOPCHECK_H
