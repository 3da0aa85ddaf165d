//===--- LeakedThreadCheck.cpp - kthread-lint -----------------------------===//
//
// "A thread started by module code must be stopped before the module's code
// is unloaded (module exit, driver remove, error unwind of init): otherwise
// it runs freed code." The starts are module_init() and a driver's .probe;
// the matching cleanups are module_exit() and the .remove of the same
// driver, and the error returns of init and probe themselves.
//
//===----------------------------------------------------------------------===//

#include "LeakedThreadCheck.h"
#include "CalleeSummaries.h"
#include "ModuleLifecycle.h"
#include "HandleLifecycle.h"
#include "ThreadFacts.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {

/// A thread still running at an error return of init or probe: reported
/// at the thread started last (the unwinding the return should jump into
/// stops it and those before it).
struct ErrorPathLeak {
  const Lifecycle *Life;
  const ThreadCreation *Last;
  const ReturnStmt *Return;
  unsigned Others; ///< Threads started before it, also running there.
};

/// A thread running after init or probe succeeded that the exit function
/// or remove does not stop.
struct ExitLeak {
  enum KindTy {
    NoRemove,    ///< A driver without remove, and nothing else stops it.
    KeptNowhere, ///< No field or global keeps the handle.
    NotStopped,  ///< Kept, but the cleanup does not stop it.
  } Kind;
  const Lifecycle *Life;
  const ThreadCreation *Creation;
  std::string Place; ///< Where it is kept (NotStopped).
};

namespace {

/// Every call in the functions of \p Fns.
std::vector<const CallExpr *> callsIn(const std::set<const FunctionDecl *> &Fns) {
  std::vector<const CallExpr *> Found;
  for (const FunctionDecl *F : Fns)
    if (F->hasBody()) {
      std::vector<const CallExpr *> In = kthread::callsIn(F->getBody());
      Found.insert(Found.end(), In.begin(), In.end());
    }
  return Found;
}

/// Ends the thread from inside while handing the module back: the module
/// reference or the completion it signals is how its unloading waits for it.
bool isHandOverExit(llvm::StringRef N) {
  return effectsOf(N).has(effect::HandsOver);
}

/// The completion a call to complete()/wait_for_completion*() names.
HandleKey completionOf(const CallExpr *C) {
  if (C->getNumArgs() == 0)
    return {};
  const Expr *A = C->getArg(0)->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(A))
    if (UO->getOpcode() == UO_AddrOf)
      A = UO->getSubExpr();
  std::optional<AccessPath> P = accessPathOf(A);
  if (!P)
    return {};
  if (!P->Fields.empty())
    return HandleKey{HandleKey::Field, P->Fields.back()};
  return P->Base->hasGlobalStorage() ? HandleKey{HandleKey::Global, P->Base}
                                     : HandleKey{};
}

bool isSignal(llvm::StringRef N) {
  const CallEffects &E = effectsOf(N);
  return E.has(effect::Signals) && E.Sync == SyncKind::Completion;
}

/// The completions waited for in \p Fns.
std::set<HandleKey> waitedIn(const std::set<const FunctionDecl *> &Fns) {
  std::set<HandleKey> Keys;
  for (const CallExpr *C : callsIn(Fns))
    if (const CallEffects &E = effectsOf(calleeName(C));
        E.has(effect::Waits) && E.Sync == SyncKind::Completion)
      if (HandleKey K = completionOf(C))
        Keys.insert(K);
  return Keys;
}

/// Whether the thread of \p TC signals one of \p Waited before it ends.
bool signalsAny(const KthreadModel &M, const ThreadCreation &TC,
                const std::set<HandleKey> &Waited) {
  if (Waited.empty())
    return false;
  std::set<const FunctionDecl *> Body;
  for (const FunctionDecl *Fn : TC.ThreadFns)
    if (Fn->hasBody())
      Body.merge(reachable(M, Fn));
  for (const CallExpr *C : callsIn(Body))
    if (isSignal(calleeName(C)))
      if (HandleKey K = completionOf(C); K && Waited.count(K))
        return true;
  return false;
}

std::string threadFnName(const ThreadCreation &TC) {
  return TC.ThreadFns.empty()
             ? std::string("the thread")
             : "'" + TC.ThreadFns.front()->getName().str() + "'";
}

bool isWorker(const ThreadCreation &TC) {
  return TC.Api.Kind == CreationKind::CreateWorker ||
         TC.Api.Kind == CreationKind::RunWorker;
}

/// What the cleanup of one lifecycle stops, and the calls it makes.
struct CleanupFacts {
  std::set<const FunctionDecl *> Functions;
  std::vector<const CallExpr *> Calls;
  /// What the cleanup stops, with everything it calls.
  FunctionSummary Stops;
};

class LeakFinder {
public:
  explicit LeakFinder(const KthreadModel &M)
      : M(M), Callbacks(addressTakenFunctions(M.context())) {}

  void find(const std::vector<Lifecycle> &Lives) {
    for (const Lifecycle &L : Lives) {
      Callbacks.erase(L.Start);
      if (L.Cleanup)
        Callbacks.erase(L.Cleanup);
    }
    for (const Lifecycle &L : Lives)
      findIn(L);
  }

  std::vector<ErrorPathLeak> ErrorPaths;
  std::vector<ExitLeak> Exits;

private:
  void findIn(const Lifecycle &L);
  void errorPathLeaks(const Lifecycle &L, const FunctionDecl *F,
                      const StartedThreadFacts &Facts,
                      const std::set<HandleKey> &StartWaits);
  void exitLeaks(const Lifecycle &L, const FunctionDecl *F,
                 const StartedThreadFacts &Facts, const CleanupFacts &C);
  bool stoppedOrHandedBack(const Lifecycle &L, const FunctionDecl *F,
                           const ThreadCreation &TC,
                           const std::vector<AccessPath> &Places,
                           const CleanupFacts &C);

  const StartedThreadFacts &factsOf(const FunctionDecl *F) {
    auto It = FlowCache.find(F);
    if (It == FlowCache.end())
      It = FlowCache.emplace(F, startedThreadsOf(M, F)).first;
    return It->second;
  }

  const KthreadModel &M;
  std::set<const FunctionDecl *> Callbacks;
  std::map<const FunctionDecl *, StartedThreadFacts> FlowCache;
  std::set<const ThreadCreation *> ReportedError, ReportedExit;
};

CleanupFacts cleanupFacts(const KthreadModel &M, const Lifecycle &L) {
  CleanupFacts C;
  if (!L.Cleanup)
    return C;
  C.Functions = reachable(M, L.Cleanup);
  C.Calls = callsIn(C.Functions);
  C.Stops = M.facet<CalleeSummaries>().of(L.Cleanup);
  return C;
}

void LeakFinder::findIn(const Lifecycle &L) {
  std::set<const FunctionDecl *> Starts = reachable(M, L.Start);
  CleanupFacts Cleanup = cleanupFacts(M, L);
  // What init or probe waits for, itself or in what it calls.
  std::set<HandleKey> StartWaits = waitedIn(Starts);
  for (const FunctionDecl *F : Starts) {
    // Init or probe itself is followed also when only what it calls
    // starts threads (StartSummaries).
    bool Creates = llvm::any_of(M.creations(), [&](const ThreadCreation &TC) {
      return TC.Enclosing == F;
    });
    if (!Creates &&
        !(F == L.Start && M.facet<StartSummaries>().reachesCreation(F)))
      continue;
    const StartedThreadFacts &Facts = factsOf(F);
    if (!Facts.Complete)
      continue; // Too many paths to say anything for sure.
    if (F == L.Start)
      errorPathLeaks(L, F, Facts, StartWaits);
    // A built-in initcall has no exit; a driver without remove is judged
    // only if it is a probe.
    bool IsProbe = L.Kind == StartKind::Probe;
    if (L.Kind == StartKind::BuiltinInit || (!L.Cleanup && !IsProbe) ||
        Cleanup.Stops.StopsUnresolved)
      continue;
    exitLeaks(L, F, Facts, Cleanup);
  }
}

void LeakFinder::errorPathLeaks(const Lifecycle &L, const FunctionDecl *F,
                                const StartedThreadFacts &Facts,
                                const std::set<HandleKey> &StartWaits) {
  const SourceManager &SM = M.context().getSourceManager();
  std::vector<std::pair<const ReturnStmt *, std::vector<const ThreadCreation *>>>
      ByReturn;
  for (const StartedThreadFacts::RunningAtReturn &R : Facts.Running) {
    if (R.Kind != ReturnKind::Error || !R.Return ||
        M.reaches(F, R.Creation->Call, R.Creation->Call) || // In a loop.
        signalsAny(M, *R.Creation, StartWaits)) // Init waits for it.
      continue;
    auto It = llvm::find_if(ByReturn,
                            [&](const auto &E) { return E.first == R.Return; });
    if (It == ByReturn.end())
      It = ByReturn.insert(ByReturn.end(), {R.Return, {}});
    It->second.push_back(R.Creation);
  }
  for (auto &[Ret, Threads] : ByReturn) {
    const ThreadCreation *Last = *std::max_element(
        Threads.begin(), Threads.end(),
        [&](const ThreadCreation *A, const ThreadCreation *B) {
          return SM.isBeforeInTranslationUnit(A->Loc, B->Loc);
        });
    if (ReportedError.insert(Last).second)
      ErrorPaths.push_back({&L, Last, Ret, unsigned(Threads.size() - 1)});
  }
}

/// Whether the thread is stopped by the cleanup, or needs no stop: it
/// hands the module back as it ends, the start or cleanup waits for it, a
/// callback or (with no cleanup) anything at all stops it.
bool LeakFinder::stoppedOrHandedBack(const Lifecycle &L, const FunctionDecl *F,
                                     const ThreadCreation &TC,
                                     const std::vector<AccessPath> &Places,
                                     const CleanupFacts &C) {
  std::set<const FunctionDecl *> Body, Waiters = C.Functions;
  for (const FunctionDecl *Fn : TC.ThreadFns)
    if (Fn->hasBody())
      Body.merge(reachable(M, Fn));
  Waiters.merge(reachable(M, F));
  Waiters.merge(reachable(M, L.Start));
  if (llvm::any_of(callsIn(Body),
                   [](const CallExpr *Call) {
                     return isHandOverExit(calleeName(Call));
                   }) ||
      signalsAny(M, TC, waitedIn(Waiters)))
    return true;
  for (const AccessPath &P : Places) {
    HandleKey K = HandleKey::of(P);
    if (C.Stops.Stops.count(K) ||
        // The module's code in another file, which the cleanup calls.
        llvm::any_of(C.Calls, [&](const CallExpr *Call) {
          return otherFileMayStop(M, Call, P);
        }))
      return true;
    for (const HandleUse *U : M.usesOf(K))
      // A callback stops it (when is unknown); with no cleanup, anything.
      if (isStopOp(U->Op) && (Callbacks.count(U->Enclosing) || !L.Cleanup))
        return true;
  }
  return false;
}

void LeakFinder::exitLeaks(const Lifecycle &L, const FunctionDecl *F,
                           const StartedThreadFacts &Facts,
                           const CleanupFacts &C) {
  std::map<const ThreadCreation *, std::vector<AccessPath>> Kept;
  std::vector<const ThreadCreation *> Running;
  for (const StartedThreadFacts::RunningAtReturn &R : Facts.Running) {
    // Threads a callee started are judged where they are created.
    if (R.Kind == ReturnKind::Error || R.Creation->Enclosing != F)
      continue;
    if (!llvm::is_contained(Running, R.Creation))
      Running.push_back(R.Creation);
    auto &K = Kept[R.Creation];
    for (const AccessPath &P : R.KeptIn)
      if (!llvm::is_contained(K, P))
        K.push_back(P);
  }
  for (const ThreadCreation *TC : Running) {
    // A worker runs the kernel's loop; a thread function we cannot see
    // may hand the module back itself.
    if (ReportedExit.count(TC) || (TC->ThreadFns.empty() && !isWorker(*TC)))
      continue;
    const std::vector<AccessPath> &Places = Kept[TC];
    if (stoppedOrHandedBack(L, F, *TC, Places, C))
      continue;
    ReportedExit.insert(TC);
    ExitLeak::KindTy Kind = !L.Cleanup        ? ExitLeak::NoRemove
                            : Places.empty() ? ExitLeak::KeptNowhere
                                             : ExitLeak::NotStopped;
    Exits.push_back(
        {Kind, &L, TC, Places.empty() ? "" : Places.front().spelling()});
  }
}

} // namespace

void LeakedThreadCheck::checkModel(const KthreadModel &M) {
  if (M.creations().empty())
    return;
  std::vector<Lifecycle> Lives = findLifecycles(M);
  if (Lives.empty())
    return;
  LeakFinder Finder(M);
  Finder.find(Lives);
  for (const ErrorPathLeak &E : Finder.ErrorPaths)
    report(E);
  for (const ExitLeak &E : Finder.Exits)
    report(E);
}

void LeakedThreadCheck::report(const ErrorPathLeak &E) {
  const ThreadCreation &Last = *E.Last;
  diag(Last.Loc, "thread started by '%0' is still running when '%1' fails: "
                 "%select{the failed init frees the code it runs|it goes on "
                 "using what the failed init gives up|it outlives the probe "
                 "and runs code that rmmod frees}2")
      << Last.ApiName << nameOf(E.Life->Start) << unsigned(E.Life->Kind);
  diag(E.Return->getBeginLoc(),
       "'%0' returns an error here with the thread still running%select{| "
       "(and %2 started before it)}1; stop it with "
       "%select{kthread_stop()|kthread_destroy_worker()}3 first",
       DiagnosticIDs::Note)
      << nameOf(E.Life->Start) << (E.Others > 0) << E.Others << isWorker(Last);
}

void LeakedThreadCheck::report(const ExitLeak &E) {
  const ThreadCreation &TC = *E.Creation;
  const Lifecycle &L = *E.Life;
  bool IsProbe = L.Kind == StartKind::Probe;
  switch (E.Kind) {
  case ExitLeak::NoRemove:
    diag(TC.Loc, "thread started by '%0' in probe '%1' is never stopped: "
                 "'%2' has no remove function, so %3 runs freed code after "
                 "rmmod")
        << TC.ApiName << nameOf(L.Start) << L.Driver->getName()
        << threadFnName(TC);
    diag(L.Driver->getLocation(),
         "driver '%0' declared here; stop the thread in a remove function",
         DiagnosticIDs::Note)
        << L.Driver->getName();
    return;
  case ExitLeak::KeptNowhere:
    diag(TC.Loc, "thread started by '%0' during %select{module init|probe}1 "
                 "'%2' cannot be stopped: no field or global keeps its "
                 "handle, so %3 outlives %select{rmmod|unbind}1")
        << TC.ApiName << IsProbe << nameOf(L.Start) << threadFnName(TC);
    diag(L.Cleanup->getLocation(),
         "%select{module exit function|remove function}0 '%1' cannot reach "
         "it; keep the handle where it can, and stop the thread there",
         DiagnosticIDs::Note)
        << IsProbe << nameOf(L.Cleanup);
    return;
  case ExitLeak::NotStopped:
    diag(TC.Loc, "thread started by '%0' during %select{module init|probe}1 "
                 "'%2' is never stopped by '%3': %4 runs freed code after "
                 "%select{rmmod|unbind and rmmod}1")
        << TC.ApiName << IsProbe << nameOf(L.Start) << nameOf(L.Cleanup)
        << threadFnName(TC);
    diag(L.Cleanup->getLocation(),
         "%select{module exit function|remove function}0 '%1' does not stop "
         "it; call %select{kthread_stop|kthread_destroy_worker}2(%3) there",
         DiagnosticIDs::Note)
        << IsProbe << nameOf(L.Cleanup) << isWorker(TC) << E.Place;
    return;
  }
}

} // namespace clang::tidy::kthread
