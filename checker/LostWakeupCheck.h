//===--- LostWakeupCheck.h - kthread-lint ----------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_LOSTWAKEUPCHECK_H
#define KTHREAD_LINT_CHECKER_LOSTWAKEUPCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Finds a kthread_should_stop() test followed by set_current_state() and an
/// untimed schedule(): a kthread_stop() between the test and the state
/// change is lost, and the thread sleeps forever.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-lost-wakeup.md
class LostWakeupCheck : public KthreadCheck {
public:
  LostWakeupCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;
  void checkModel(const KthreadModel &M) override;

private:
  /// A TASK_INTERRUPTIBLE sleep loses the stop only on kernels before about
  /// v6.1; later ones end it with TIF_NOTIFY_SIGNAL.
  OldestKernelOption OldestKernel;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_LOSTWAKEUPCHECK_H
