//===--- NeverWokenCheck.h - kthread-lint ----------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_NEVERWOKENCHECK_H
#define KTHREAD_LINT_CHECKER_NEVERWOKENCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Finds threads made with kthread_create*() that no wake_up_process(),
/// kthread_park(), kthread_unpark() or kthread_stop() ever reaches.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-never-woken.md
class NeverWokenCheck : public KthreadCheck {
public:
  NeverWokenCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void checkModel(const KthreadModel &M) override;

private:
  /// Also kthread_create_worker*() on kernels that have kthread_run_worker,
  /// where creating a worker no longer wakes its task.
  const bool CheckWorkers;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_NEVERWOKENCHECK_H
