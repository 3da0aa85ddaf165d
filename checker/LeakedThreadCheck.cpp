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
#include "ModuleLifecycle.h"
#include "StartedThreadFlow.h"
#include "ThreadFacts.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {
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
      Body.merge(reachable(M, Fn, CalleeDepth));
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

} // namespace

void LeakedThreadCheck::checkModel(const KthreadModel &M) {
  if (M.creations().empty())
    return;
  ASTContext &Ctx = M.context();
  std::vector<Lifecycle> Lives = findLifecycles(M);
  if (Lives.empty())
    return;
  std::set<const FunctionDecl *> Callbacks = addressTakenFunctions(Ctx);
  for (const Lifecycle &L : Lives) {
    Callbacks.erase(L.Start);
    if (L.Cleanup)
      Callbacks.erase(L.Cleanup);
  }

  std::map<const FunctionDecl *, StartedThreadFacts> FlowCache;
  auto FactsOf = [&](const FunctionDecl *F) -> const StartedThreadFacts & {
    auto It = FlowCache.find(F);
    if (It == FlowCache.end())
      It = FlowCache.emplace(F, analyzeStartedThreads(M, F)).first;
    return It->second;
  };
  std::set<const ThreadCreation *> ReportedError, ReportedExit;

  for (const Lifecycle &L : Lives) {
    bool IsProbe = L.Kind == StartKind::Probe;
    std::set<const FunctionDecl *> Starts = reachable(M, L.Start, CalleeDepth);
    std::set<const FunctionDecl *> Cleanups;
    if (L.Cleanup)
      Cleanups = reachable(M, L.Cleanup, CalleeDepth);
    // What the cleanup stops, and the calls it makes.
    std::vector<const CallExpr *> CleanupCalls = callsIn(Cleanups);
    StopSummary CleanupStops;
    for (const FunctionDecl *F : Cleanups) {
      StopSummary S = stopsIn(M, F, 0);
      CleanupStops.Keys.insert(S.Keys.begin(), S.Keys.end());
      CleanupStops.Unresolved |= S.Unresolved;
    }
    if (L.Cleanup) {
      StopSummary S = stopsIn(M, L.Cleanup, CalleeDepth);
      CleanupStops.Keys.insert(S.Keys.begin(), S.Keys.end());
      CleanupStops.Unresolved |= S.Unresolved;
    }

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
      const StartedThreadFacts &Facts = FactsOf(F);
      if (!Facts.Complete)
        continue; // Too many paths to say anything for sure.

      // 1. Left running by a failing init or probe. One report an error
      // return, at the thread started last: the unwinding it should jump
      // into is the one that stops that thread (and those before it).
      if (F == L.Start) {
        const SourceManager &SM = Ctx.getSourceManager();
        std::vector<std::pair<const ReturnStmt *,
                              std::vector<const ThreadCreation *>>>
            ByReturn;
        for (const StartedThreadFacts::RunningAtReturn &R : Facts.Running) {
          if (R.Kind != ReturnKind::Error || !R.Return ||
              M.reaches(F, R.Creation->Call, R.Creation->Call) || // In a loop.
              signalsAny(M, *R.Creation, StartWaits)) // Init waits for it.
            continue;
          auto It = llvm::find_if(ByReturn, [&](const auto &E) {
            return E.first == R.Return;
          });
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
          if (!ReportedError.insert(Last).second)
            continue;
          diag(Last->Loc,
               "thread started by '%0' is still running when '%1' fails: "
               "%select{the failed init frees the code it runs|it goes on "
               "using what the failed init gives up|it outlives the probe and "
               "runs code that rmmod frees}2")
              << Last->ApiName << nameOf(L.Start) << unsigned(L.Kind);
          diag(Ret->getBeginLoc(),
               "'%0' returns an error here with the thread still "
               "running%select{| (and %2 started before it)}1; stop it with "
               "%select{kthread_stop()|kthread_destroy_worker()}3 first",
               DiagnosticIDs::Note)
              << nameOf(L.Start) << (Threads.size() > 1)
              << unsigned(Threads.size() - 1) << isWorker(*Last);
        }
      }

      // 2. Still running after init or probe succeeded, and not stopped by
      // the module's exit or the driver's remove.
      if (L.Kind == StartKind::BuiltinInit ||
          (!L.Cleanup && !IsProbe) || CleanupStops.Unresolved)
        continue;
      std::map<const ThreadCreation *, std::vector<AccessPath>> Kept;
      std::set<const ThreadCreation *> Running;
      for (const StartedThreadFacts::RunningAtReturn &R : Facts.Running) {
        // Threads a callee started are judged where they are created.
        if (R.Kind == ReturnKind::Error || R.Creation->Enclosing != F)
          continue;
        Running.insert(R.Creation);
        auto &K = Kept[R.Creation];
        for (const AccessPath &P : R.KeptIn)
          if (!llvm::is_contained(K, P))
            K.push_back(P);
      }
      for (const ThreadCreation *TC : Running) {
        if (ReportedExit.count(TC))
          continue;
        // A worker runs the kernel's loop; a thread function we cannot see
        // may hand the module back itself.
        if (TC->ThreadFns.empty() && !isWorker(*TC))
          continue;
        // It holds a module reference, or the module waits for it.
        std::set<const FunctionDecl *> Body, Waiters = Cleanups;
        for (const FunctionDecl *Fn : TC->ThreadFns)
          if (Fn->hasBody())
            Body.merge(reachable(M, Fn, CalleeDepth));
        Waiters.merge(reachable(M, F, CalleeDepth));
        Waiters.merge(reachable(M, L.Start, CalleeDepth));
        if (llvm::any_of(callsIn(Body), [](const CallExpr *C) {
              return isHandOverExit(calleeName(C));
            }) ||
            signalsAny(M, *TC, waitedIn(Waiters)))
          continue;
        const std::vector<AccessPath> &Places = Kept[TC];
        bool Stopped = false, Elsewhere = false;
        for (const AccessPath &P : Places) {
          HandleKey K = HandleKey::of(P);
          Stopped |= CleanupStops.Keys.count(K) > 0;
          // The module's code in another file, which the cleanup calls.
          Stopped |= llvm::any_of(CleanupCalls, [&](const CallExpr *C) {
            return otherFileMayStop(M, C, P);
          });
          for (const HandleUse *U : M.usesOf(K))
            if (isStopOp(U->Op) && Callbacks.count(U->Enclosing))
              Elsewhere = true; // A callback stops it: when is unknown.
          // No remove: only when nothing at all stops it.
          if (!L.Cleanup)
            for (const HandleUse *U : M.usesOf(K))
              Elsewhere |= isStopOp(U->Op);
        }
        if (Stopped || Elsewhere)
          continue;
        ReportedExit.insert(TC);
        std::string Place = Places.empty() ? "" : Places.front().spelling();
        if (!L.Cleanup) {
          diag(TC->Loc,
               "thread started by '%0' in probe '%1' is never stopped: driver "
               "'%2' has no remove function, so %3 runs freed code after rmmod")
              << TC->ApiName << nameOf(L.Start) << L.Driver->getName()
              << threadFnName(*TC);
          diag(L.Driver->getLocation(),
               "driver '%0' declared here; stop the thread in a remove function",
               DiagnosticIDs::Note)
              << L.Driver->getName();
          continue;
        }
        if (Places.empty()) {
          diag(TC->Loc,
               "thread started by '%0' during %select{module init|probe}1 "
               "'%2' cannot be stopped: no field or global keeps its handle, "
               "so %3 outlives %select{rmmod|unbind}1")
              << TC->ApiName << IsProbe << nameOf(L.Start)
              << threadFnName(*TC);
          diag(L.Cleanup->getLocation(),
               "%select{module exit function|remove function}0 '%1' cannot "
               "reach it; keep the handle where it can, and stop the thread "
               "there",
               DiagnosticIDs::Note)
              << IsProbe << nameOf(L.Cleanup);
          continue;
        }
        diag(TC->Loc,
             "thread started by '%0' during %select{module init|probe}1 '%2' "
             "is never stopped by '%3': %4 runs freed code after "
             "%select{rmmod|unbind and rmmod}1")
            << TC->ApiName << IsProbe << nameOf(L.Start) << nameOf(L.Cleanup)
            << threadFnName(*TC);
        diag(L.Cleanup->getLocation(),
             "%select{module exit function|remove function}0 '%1' does not "
             "stop it; call %select{kthread_stop|kthread_destroy_worker}2(%3) "
             "there",
             DiagnosticIDs::Note)
            << IsProbe << nameOf(L.Cleanup) << isWorker(*TC) << Place;
      }
    }
  }
}

} // namespace clang::tidy::kthread
