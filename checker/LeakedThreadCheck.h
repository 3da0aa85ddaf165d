//===--- LeakedThreadCheck.h - kthread-lint --------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_LEAKEDTHREADCHECK_H
#define KTHREAD_LINT_CHECKER_LEAKEDTHREADCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

struct ErrorPathLeak;
struct ExitLeak;

/// Finds threads started by a module's init (module_init) or a driver's
/// probe that its exit function or remove does not stop, and threads left
/// running when init or probe fails.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-leaked-thread.md
class LeakedThreadCheck : public KthreadCheck {
public:
  using KthreadCheck::KthreadCheck;
  void checkModel(const KthreadModel &M) override;

private:
  void report(const ErrorPathLeak &E);
  void report(const ExitLeak &E);
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_LEAKEDTHREADCHECK_H
