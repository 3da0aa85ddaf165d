//===--- CalleeSummaries.h - kthread-lint ----------------------*- C++ -*-===//
//
// What each function of the translation unit does, with everything it calls
// here: the fields and globals whose thread it stops, the parameters whose
// thread it stops, the fields and globals it reads, and whether it tests
// kthread_should_stop(). Computed once, bottom-up over clang::CallGraph
// (callees first; a recursive cycle iterated to its fixpoint), so that the
// checks ask a summary instead of walking into callees each on its own.
// Summaries serialise to JSON by name, for a later pass that loads those of
// the other files of the same driver.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_CALLEESUMMARIES_H
#define KTHREAD_LINT_CHECKER_CALLEESUMMARIES_H

#include "KthreadModel.h"
#include "clang/Analysis/CallGraph.h"
#include "llvm/Support/JSON.h"
#include <map>
#include <set>
#include <string>

namespace clang::tidy::kthread {

struct FunctionSummary {
  /// Fields and globals whose thread it stops (kthread_stop*,
  /// kthread_destroy_worker), itself or in what it calls.
  std::set<HandleKey> Stops;
  /// Parameters whose thread it stops, by index.
  std::set<unsigned> StopsParams;
  /// It stops a handle that comes from neither a field, a global nor a
  /// parameter: it may stop anything.
  bool StopsUnresolved = false;
  /// Fields and globals it reads.
  std::set<HandleKey> Reads;
  /// It calls kthread_should_stop() (a variant, or a configured predicate).
  bool TestsStop = false;
  /// NonZero: it returns 0, or what an interruptible sleep returned
  /// (`ret = wait_event_interruptible(...); if (ret) return ret; ...
  /// return ret;`, vchiq's remote_event_wait()): non-zero only when the
  /// sleep was interrupted.
  SignalResult OnSignal = SignalResult::None;
  /// It calls the module's code in another file that no summary describes:
  /// what it stops is then not all it stops.
  bool CallsElsewhere = false;

  bool operator==(const FunctionSummary &O) const {
    return Stops == O.Stops && StopsParams == O.StopsParams &&
           StopsUnresolved == O.StopsUnresolved && Reads == O.Reads &&
           TestsStop == O.TestsStop && OnSignal == O.OnSignal &&
           CallsElsewhere == O.CallsElsewhere;
  }
};

class CalleeSummaries : public ModelFacet {
public:
  static const char ID;
  explicit CalleeSummaries(const KthreadModel &M);
  ~CalleeSummaries() override;

  /// The summary of \p FD with its callees; empty for a function without a
  /// body here.
  const FunctionSummary &of(const FunctionDecl *FD) const;

  /// The call graph of the functions with a body in the module's files.
  const CallGraph &callGraph() const { return Graph; }

  /// \p FD and every function of the module's files that its calls reach
  /// in the call graph, however deep, breadth-first (callers before their
  /// callees, calls in source order); each once.
  std::vector<const FunctionDecl *> reachableFrom(const FunctionDecl *FD) const;

  /// How \p E reports that a signal interrupted a sleep: see the free
  /// function signalResultOf().
  SignalResult signalResultOf(const Expr *E) const;

  /// The summaries of the functions written in the translation unit's own
  /// files, by name, as JSON (see summaryToJSON()).
  llvm::json::Value toJSON() const;

private:
  /// Summarises everything \p N reaches that is not summarised yet,
  /// callees first.
  void summariseFrom(CallGraphNode *N) const;
  /// Computes the summary of \p FD from what it does itself and the
  /// summaries its callees have now.
  FunctionSummary summarise(const FunctionDecl *FD) const;
  /// Adds to \p S what the call \p C does through its callee's summary.
  void addCallee(const FunctionDecl *FD, const CallExpr *C,
                 const FunctionSummary &Callee, FunctionSummary &S) const;
  /// The stops of \p FD itself.
  void addOwnStops(const FunctionDecl *FD, FunctionSummary &S) const;
  void addStoppedLocal(const FunctionDecl *FD, const VarDecl *VD,
                       FunctionSummary &S) const;
  /// FunctionSummary::OnSignal of \p FD, from its callees' summaries.
  SignalResult returnedSignalResult(const FunctionDecl *FD) const;

  const KthreadModel &M;
  /// What each function reads and stops itself, from the model.
  std::map<const FunctionDecl *, std::set<HandleKey>> OwnReads;
  std::map<const FunctionDecl *, std::vector<const HandleUse *>> OwnStops;
  /// The call graph of the functions with a body in the module's files.
  /// Summaries are made for what the functions asked about reach.
  CallGraph Graph;
  mutable std::map<const FunctionDecl *, FunctionSummary> Summaries;
  /// Functions outside the call graph (the kernel headers' inline
  /// functions) being summarised on demand: a recursive call adds nothing.
  mutable std::set<const FunctionDecl *> InProgress;
};

/// How \p E reports that a signal interrupted the sleep or lock it is the
/// result of: an interruptible call of the API, a wait_event_*() macro, or
/// a helper of the translation unit that returns such a result.
SignalResult signalResultOf(const KthreadModel &M, const Expr *E);

/// A summary as it is written out: handles and functions by name, so that
/// another translation unit of the same driver can match them to its own
/// declarations. A field is "field:<record>::<field>", a global
/// "global:<name>" ("static:<name>" when not visible outside its file).
struct SerializedSummary {
  std::string Function;
  bool External = true;
  std::vector<std::string> Stops;
  std::vector<int> StopsParams;
  bool StopsUnresolved = false;
  std::vector<std::string> Reads;
  bool TestsStop = false;
  /// Returns non-zero only when an interruptible sleep was interrupted.
  bool InterruptedIfNonZero = false;
  bool CallsElsewhere = false;

  bool operator==(const SerializedSummary &O) const {
    return Function == O.Function && External == O.External &&
           Stops == O.Stops && StopsParams == O.StopsParams &&
           StopsUnresolved == O.StopsUnresolved && Reads == O.Reads &&
           TestsStop == O.TestsStop &&
           InterruptedIfNonZero == O.InterruptedIfNonZero &&
           CallsElsewhere == O.CallsElsewhere;
  }
};

/// The name a handle key is written out with; empty for one that has none
/// (a local, an anonymous record's field).
std::string handleKeyName(const HandleKey &K);
SerializedSummary serialize(const FunctionDecl *FD, const FunctionSummary &S);
llvm::json::Value toJSON(const SerializedSummary &S);
bool fromJSON(const llvm::json::Value &V, SerializedSummary &S,
              llvm::json::Path P);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_CALLEESUMMARIES_H
