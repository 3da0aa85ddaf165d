//===--- MissingIsErrCheck.h - kthread-lint --------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_MISSINGISERRCHECK_H
#define KTHREAD_LINT_CHECKER_MISSINGISERRCHECK_H

#include "KthreadCheck.h"

namespace clang::tidy::kthread {

/// Finds creation results used before IS_ERR() excludes the error, NULL
/// tests on them (they return ERR_PTR, never NULL), and error pointers left
/// in a field or global where a NULL-guarded cleanup will use them.
///
/// For the user-facing documentation see:
/// docs/checks/kthread-missing-is-err.md
class MissingIsErrCheck : public KthreadCheck {
public:
  using KthreadCheck::KthreadCheck;
  void checkModel(const KthreadModel &M) override;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_MISSINGISERRCHECK_H
