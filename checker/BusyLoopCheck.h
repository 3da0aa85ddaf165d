//===--- BusyLoopCheck.h - kthread-lint ------------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_BUSYLOOPCHECK_H
#define KTHREAD_LINT_CHECKER_BUSYLOOPCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Finds loops in thread functions that test the stop but can never sleep,
/// block or yield: they spin a CPU until kthread_stop().
///
/// For the user-facing documentation see:
/// docs/checks/kthread-busy-loop.md
class BusyLoopCheck : public KthreadCheck {
public:
  BusyLoopCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void checkModel(const KthreadModel &M) override;

private:
  const std::string SleepingFunctions;
  const std::string NonSleepingFunctions;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_BUSYLOOPCHECK_H
