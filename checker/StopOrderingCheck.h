//===--- StopOrderingCheck.h - kthread-lint --------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_STOPORDERINGCHECK_H
#define KTHREAD_LINT_CHECKER_STOPORDERINGCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Finds kthread_stop() called before the complete()/wake_up()/up() that
/// the thread waits for, or while holding a lock the thread takes: both
/// deadlock.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-stop-ordering.md
class StopOrderingCheck : public KthreadCheck {
public:
  StopOrderingCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;
  void checkModel(const KthreadModel &M) override;

private:
  OldestKernelOption OldestKernel;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_STOPORDERINGCHECK_H
