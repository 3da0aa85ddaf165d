//===--- ErrPtrFlow.h - kthread-lint ---------------------------*- C++ -*-===//
//
// Flow-sensitive tracking of creation results through one function on
// Clang's CFG: where each result is kept, whether an IS_ERR()-style test has
// excluded the error on the path to each use, and which NULL tests look at
// it. The facts behind kthread-missing-is-err.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_ERRPTRFLOW_H
#define KTHREAD_LINT_CHECKER_ERRPTRFLOW_H

#include "KthreadModel.h"
#include <map>
#include <memory>
#include <set>

namespace clang::tidy::kthread {

struct ErrPtrFacts {
  /// A NULL test (`!t`, `t == NULL`, `if (t)`, `t ?: x`), or a comparison
  /// with one error value, on a creation result that may still be an ERR_PTR.
  struct NullTest {
    const ThreadCreation *Creation;
    const Expr *Test;   ///< The whole test expression.
    const Expr *Tested; ///< The handle inside it.
    bool TrueMeansNull; ///< `!t`, `t == NULL`: true when NULL.
    bool Rewritable;    ///< `?:` has no IS_ERR() spelling.
    /// `t == ERR_PTR(-ENOMEM)`: sees one error value, not the others.
    bool OneError = false;
  };
  /// A creation result passed to a function or dereferenced while it may be
  /// an ERR_PTR.
  struct UnsafeUse {
    const ThreadCreation *Creation;
    const Expr *Handle; ///< The handle as written at the use.
    const Expr *Use;
    std::string Callee; ///< Empty for a dereference.
  };
  /// A creation result that may be an ERR_PTR when the function returns and
  /// is still kept in a field or global.
  struct LeftInStorage {
    const ThreadCreation *Creation;
    const Stmt *Store;
    HandleKey Key;
    AccessPath Path;
  };
  /// A use of a field or global from \c LeftInStorage that no IS_ERR()
  /// test guards: past a NULL test, or with no test of the handle at all.
  struct GuardedUse {
    HandleKey Key;
    const Expr *Handle;
    const Expr *Use;
    std::string Callee;
    bool PastNullTest = true;
  };

  /// A created thread that, on some path to the function's return, was
  /// neither woken, parked, stopped, nor handed to code we cannot see.
  struct NotStarted {
    const ThreadCreation *Creation = nullptr;
    bool OnSomePath = false;
    bool StartedOnSomePath = false;
    /// Fields and globals it is kept in at the return.
    std::vector<HandleKey> StoredIn;
  };

  /// False when the function was too large to analyse: then the lists
  /// are empty and no check may conclude anything.
  bool Complete = true;
  std::vector<NullTest> NullTests;
  std::vector<NotStarted> NotStartedAtExit;
  std::vector<UnsafeUse> UnsafeUses;
  std::vector<LeftInStorage> Left;
  std::vector<GuardedUse> GuardedUses;
};

/// Runs the analysis over \p FD. Reads of the fields and globals in
/// \p MayHoldErrPtr start as "maybe an ERR_PTR". An ERR_PTR left in storage
/// on a path that returns the failure to the caller is not reported unless
/// \p StrictStorage.
ErrPtrFacts analyzeErrPtrFlow(const KthreadModel &M, const FunctionDecl *FD,
                              const std::set<HandleKey> &MayHoldErrPtr,
                              bool StrictStorage = false);

/// The facet of analyzeErrPtrFlow() results of creating functions with
/// nothing tainted, per function and StrictStorage, for every check.
class CreationFlows : public ModelFacet {
public:
  static const char ID;
  explicit CreationFlows(const KthreadModel &M) : M(M) {}
  const ErrPtrFacts &of(const FunctionDecl *FD, bool StrictStorage) const;

private:
  const KthreadModel &M;
  mutable std::map<std::pair<const FunctionDecl *, bool>,
                   std::unique_ptr<ErrPtrFacts>>
      Flows;
};

inline const ErrPtrFacts &creationFlow(const KthreadModel &M,
                                       const FunctionDecl *FD,
                                       bool StrictStorage = false) {
  return M.facet<CreationFlows>().of(FD, StrictStorage);
}

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_ERRPTRFLOW_H
