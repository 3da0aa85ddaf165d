//===--- StartedThreadFlow.h - kthread-lint --------------------*- C++ -*-===//
//
// Path-sensitive tracking of the threads a function starts, on Clang's CFG:
// on each path to each return, whether a thread created in the function is
// running (started and not stopped), and where its handle is kept. Paths are
// followed one by one, never joined, so that what a path knows stays
// together: that `err` is non-zero exactly where IS_ERR(t) was true, that a
// test of `priv->started` takes the same branch twice, that `t` is not NULL
// once it holds a creation result. The facts behind kthread-leaked-thread.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_STARTEDTHREADFLOW_H
#define KTHREAD_LINT_CHECKER_STARTEDTHREADFLOW_H

#include "KthreadModel.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {

/// What a return tells the caller, as far as an int-returning init or probe
/// goes: 0, or an error code.
enum class ReturnKind { Success, Error, Unknown };

struct StartedThreadFacts {
  /// A thread created in the function that is running (woken, parked, or
  /// created running, and neither stopped nor handed to code we cannot see)
  /// when the function returns on some path.
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

/// Follows every path of \p FD. Threads created in \p FD are tracked;
/// handles passed to a function of the translation unit that stops them
/// (itself or through a field or global: CalleeSummaries) count as stopped.
StartedThreadFacts analyzeStartedThreads(const KthreadModel &M,
                                         const FunctionDecl *FD);

/// Whether \p C calls the module's own code in another file (a function
/// with no body here, not declared by a kernel header) that can reach the
/// handle kept at \p P: a global visible outside the file, or a field of a
/// structure it is handed a pointer to.
bool otherFileMayStop(const KthreadModel &M, const CallExpr *C,
                      const AccessPath &P);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_STARTEDTHREADFLOW_H
