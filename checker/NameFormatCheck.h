//===--- NameFormatCheck.h - kthread-lint ----------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_NAMEFORMATCHECK_H
#define KTHREAD_LINT_CHECKER_NAMEFORMATCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Checks the name given to every creation call: a non-literal format with
/// no arguments (a format-string hole), a name that comm cuts at 15
/// characters, and an *_on_cpu format that does not take exactly the cpu
/// number.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-name-format.md
class NameFormatCheck : public KthreadCheck {
public:
  using KthreadCheck::KthreadCheck;
  void checkModel(const KthreadModel &M) override;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_NAMEFORMATCHECK_H
