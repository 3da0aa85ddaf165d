//===--- HandleLifecycle.h - kthread-lint ----------------------*- C++ -*-===//
//
// The one analysis of thread handles through a function, on Clang's CFG.
// Per place (a local, a field, a global, an array element, and each value's
// own slot), the value it holds and what that value may be: an ERR_PTR, or
// a thread that is asleep, running, stopped, or out of sight; refined on
// IS_ERR()- and NULL-tests, on locals that hold a test's result, and on
// conditions a path has already decided. One transfer function, run by the
// two drivers of Dataflow.h:
//
//  - joined (runDataflow), for what holds on some path at each point:
//    which creation results may still be an ERR_PTR where they are used,
//    NULL-tested or left in storage, and which threads are never woken;
//  - path by path (runPathSensitive), for what a join would blur: which
//    threads run at each return, tied to what the function returns.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_HANDLELIFECYCLE_H
#define KTHREAD_LINT_CHECKER_HANDLELIFECYCLE_H

#include "KthreadModel.h"
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace clang::tidy::kthread {

//===--- The joined view: creation results --------------------------------===//

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
  /// wake_up_process() calls that start a thread created here: on every
  /// path into them the thread is created and asleep. Such a wake-up runs
  /// before anything the thread does, so it wakes no sleep of the thread.
  std::vector<const CallExpr *> Starts;
};

/// The joined view of \p FD's creation results. Reads of the fields and
/// globals in \p MayHoldErrPtr start as "maybe an ERR_PTR". An ERR_PTR left
/// in storage on a path that returns the failure to the caller is not
/// reported unless \p StrictStorage.
ErrPtrFacts errPtrFactsOf(const KthreadModel &M, const FunctionDecl *FD,
                          const std::set<HandleKey> &MayHoldErrPtr,
                          bool StrictStorage = false);

/// errPtrFactsOf() of creating functions with nothing tainted, per function
/// and StrictStorage, computed once for every check.
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

//===--- The path view: threads running at each return --------------------===//

/// What a return tells the caller, as far as an int-returning init or probe
/// goes: 0, or an error code.
enum class ReturnKind { Success, Error, Unknown };

struct StartedThreadFacts {
  /// A thread created in the function (or started by what it calls) that is
  /// running (woken, parked, or created running, and neither stopped nor
  /// handed to code we cannot see) when the function returns on some path.
  struct RunningAtReturn {
    const ThreadCreation *Creation = nullptr;
    /// The return statement; null when the path falls off the end.
    const ReturnStmt *Return = nullptr;
    ReturnKind Kind = ReturnKind::Unknown;
    /// Fields and globals (persistent places) holding the handle there, on
    /// at least one such path.
    std::vector<AccessPath> KeptIn;
    /// On some such path, no persistent place holds the handle.
    bool LostOnSomePath = false;
  };
  std::vector<RunningAtReturn> Running;
  /// False when the function was too large to follow every path: then the
  /// facts are partial and no conclusion should be drawn from them.
  bool Complete = true;
};

/// Follows every path of \p FD. Threads created in \p FD, and those its
/// callees leave running (StartSummaries), are tracked; handles passed to a
/// function of the translation unit that stops them (itself or through a
/// field or global: CalleeSummaries) count as stopped.
StartedThreadFacts startedThreadsOf(const KthreadModel &M,
                                    const FunctionDecl *FD);

/// What a function of the translation unit leaves behind for its caller:
/// the threads it starts (itself or in what it calls) and leaves running
/// when it returns 0 or a value it does not know, with where their handles
/// are kept (fields of what its parameters point to, globals). The caller's
/// analysis then follows those threads as its own, tied to the call's
/// result: `ret = init_state(st); if (ret) ...` on the error branch means
/// they were not started. Computed once per function, callees first, only
/// for the functions from which the call graph (clang::CallGraph) reaches a
/// creation.
class StartSummaries : public ModelFacet {
public:
  static const char ID;
  struct Started {
    const ThreadCreation *Creation = nullptr;
    std::vector<AccessPath> KeptIn;
    /// Also left running where the function returns an error: then the
    /// caller's error branch does not mean it was not started.
    bool AlsoOnError = false;
  };
  explicit StartSummaries(const KthreadModel &M);
  ~StartSummaries() override;
  /// Empty for a function that starts nothing that outlives it, that is
  /// too large to follow, or that is being summarised (recursion).
  llvm::ArrayRef<Started> startedBy(const FunctionDecl *FD) const;
  /// Whether a creation is reachable from \p FD in the call graph.
  bool reachesCreation(const FunctionDecl *FD) const {
    return FD && Starters.count(FD->getCanonicalDecl());
  }

private:
  const KthreadModel &M;
  /// Functions of the translation unit from which a creation is reachable.
  std::set<const FunctionDecl *> Starters;
  mutable std::map<const FunctionDecl *, std::optional<std::vector<Started>>>
      Summaries;
};

/// Whether \p C calls the module's own code in another file (a function
/// with no body here, not declared by a kernel header) that can reach the
/// handle kept at \p P: a global visible outside the file, or a field of a
/// structure it is handed a pointer to. False for a function that the
/// summaries of the sibling files describe: its stops are known.
bool otherFileMayStop(const KthreadModel &M, const CallExpr *C,
                      const AccessPath &P);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_HANDLELIFECYCLE_H
