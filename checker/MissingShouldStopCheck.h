//===--- MissingShouldStopCheck.h - kthread-lint ---------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_MISSINGSHOULDSTOPCHECK_H
#define KTHREAD_LINT_CHECKER_MISSINGSHOULDSTOPCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// In the function of a thread that something stops: loops that never test
/// kthread_should_stop(), and blocking waits that kthread_stop() does not
/// end. kthread_stop() then waits forever.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-missing-should-stop.md
class MissingShouldStopCheck : public KthreadCheck {
public:
  MissingShouldStopCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;
  void checkModel(const KthreadModel &M) override;

private:
  /// "5.15": report interruptible waits too, which kthread_stop() only
  /// interrupts from about v6.1 on. Empty: decided by LINUX_VERSION_CODE.
  OldestKernelOption OldestKernel;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_MISSINGSHOULDSTOPCHECK_H
