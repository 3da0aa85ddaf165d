//===--- ExitBeforeStopCheck.h - kthread-lint ------------------*- C++ -*-===//

#ifndef KTHREAD_LINT_CHECKER_EXITBEFORESTOPCHECK_H
#define KTHREAD_LINT_CHECKER_EXITBEFORESTOPCHECK_H

#include "KthreadCheck.h"
#include "SiblingSummaries.h"
#include <set>

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
  /// A stop that does not keep the task alive, in this file or in another
  /// file of the driver, with the completions it awaits before it.
  struct UnpinnedStop {
    const HandleUse *Here = nullptr;
    const SiblingUse *Sibling = nullptr;
    std::set<HandleKey> Awaited;
    /// The function that stops.
    std::string stopper() const;
  };
  static std::vector<UnpinnedStop>
  unpinnedStops(const KthreadModel &M, const FunctionDecl *Fn,
                llvm::ArrayRef<const HandleUse *> Here,
                llvm::ArrayRef<const SiblingUse *> Sibling);
  void reportExit(const KthreadModel &M, SourceLocation Exit,
                  const FunctionDecl *Thread,
                  llvm::ArrayRef<const UnpinnedStop *> Stops);
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_EXITBEFORESTOPCHECK_H
