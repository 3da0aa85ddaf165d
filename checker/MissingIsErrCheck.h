//===--- MissingIsErrCheck.h - kthread-lint --------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_MISSINGISERRCHECK_H
#define KTHREAD_LINT_CHECKER_MISSINGISERRCHECK_H

#include "HandleLifecycle.h"
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
  MissingIsErrCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void checkModel(const KthreadModel &M) override;

private:
  void reportNullTest(const ErrPtrFacts::NullTest &NT, const ASTContext &Ctx);
  void reportUnsafeUse(const ErrPtrFacts::UnsafeUse &U, const ASTContext &Ctx);
  void reportLeftInStorage(const ErrPtrFacts::LeftInStorage &L,
                           const ErrPtrFacts::GuardedUse &G,
                           const ASTContext &Ctx);

  /// Also report an ERR_PTR left in a field by a function that returns the
  /// failure to its caller (off: remove and exit never run after a failed
  /// probe or init, so such a field is not read again).
  const bool StrictStorage;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_MISSINGISERRCHECK_H
