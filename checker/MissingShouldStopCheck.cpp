//===--- MissingShouldStopCheck.cpp - kthread-lint ------------------------===//

#include "MissingShouldStopCheck.h"
#include "ThreadFacts.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {

static const char *describe(SyncKind K) {
  switch (K) {
  case SyncKind::Completion:
    return "completion";
  case SyncKind::WaitQueue:
    return "wait queue";
  case SyncKind::Semaphore:
    return "semaphore";
  default:
    return "wake-up";
  }
}

/// Whether the stopper signals what the thread waits on, before or after
/// the stop; either way the wait is not this check's to report (after the
/// stop is kthread-stop-ordering's).
static bool stopperSignals(const KthreadModel &M, const HandleUse &Stop,
                           const BlindWait &W) {
  if (W.Kind == SyncKind::Sleep)
    return false;
  for (const SignalSite &S : collectSyncSites(M, Stop.Enclosing))
    if (S.IsSignal && S.Kind == W.Kind && S.Object == W.Object &&
        (M.reaches(Stop.Enclosing, S.Call, Stop.Call) ||
         M.reaches(Stop.Enclosing, Stop.Call, S.Call)))
      return true;
  return false;
}

/// Every signal (complete(), wake_up(), up()) in the module's own functions
/// (its files: the main file and the headers of its directory), by object.
static std::map<HandleKey, std::vector<const FunctionDecl *>>
signalsInModule(const KthreadModel &M) {
  std::map<HandleKey, std::vector<const FunctionDecl *>> R;
  const SourceManager &SM = M.context().getSourceManager();
  for (const Decl *D : M.context().getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() ||
        !M.isModuleCode(SM.getExpansionLoc(FD->getLocation())))
      continue;
    for (const SignalSite &S : collectSyncSites(M, FD))
      if (S.IsSignal && S.Object)
        R[S.Object].push_back(FD);
  }
  return R;
}

/// A wait deep in the thread's calls on something other code of the file
/// signals (an I/O completion handler, another worker) ends without the
/// stopper: kthread_stop() only waits longer (the audit's FP-6).
static bool signalledIndependently(
    const BlindWait &W, const FunctionDecl *Thread,
    llvm::ArrayRef<const HandleUse *> Stops,
    const std::map<HandleKey, std::vector<const FunctionDecl *>> &Signals) {
  if (W.In == Thread || !W.Object)
    return false;
  auto It = Signals.find(W.Object);
  if (It == Signals.end())
    return false;
  return llvm::any_of(It->second, [&](const FunctionDecl *F) {
    return llvm::none_of(Stops,
                         [&](const HandleUse *U) { return U->Enclosing == F; });
  });
}

/// Whether something other than kthread_stop() ends the wait, or it is not
/// this check's to judge: an interruptible wait on v6.1 and later, an object
/// we cannot name, an I/O wait, a signal from elsewhere or from the stopper.
static bool waitEndsOtherwise(
    const KthreadModel &M, const BlindWait &W, const FunctionDecl *Thread,
    llvm::ArrayRef<const HandleUse *> Stops, bool InterruptibleHangs,
    std::optional<std::map<HandleKey, std::vector<const FunctionDecl *>>>
        &Signals) {
  if (W.Interruptible && !InterruptibleHangs)
    return true;
  // A completion or queue we cannot name (on the stack, handed to an I/O
  // callback) is signalled by code we cannot see; I/O waits end when the
  // I/O does.
  if ((W.Kind != SyncKind::Sleep && !W.Object) ||
      effectsOf(W.Api).has(effect::IoWait))
    return true;
  if (!Signals)
    Signals = signalsInModule(M);
  if (signalledIndependently(W, Thread, Stops, *Signals))
    return true;
  return llvm::any_of(
      Stops, [&](const HandleUse *S) { return stopperSignals(M, *S, W); });
}

void MissingShouldStopCheck::noteStopAndCaller(const HandleUse &Stop,
                                               const FunctionDecl *Thread,
                                               const FunctionDecl *In) {
  if (In != Thread)
    diag(Thread->getLocation(), "'%0' is reached from thread function '%1'",
         DiagnosticIDs::Note)
        << In->getName() << Thread->getName();
  diag(Stop.Call->getBeginLoc(), "'%0' called here waits for '%1' to return",
       DiagnosticIDs::Note)
      << Stop.Call->getDirectCallee()->getName() << Thread->getName();
}

void MissingShouldStopCheck::reportLoop(const KthreadModel &M,
                                        const ForeverLoop &L,
                                        const FunctionDecl *Thread) {
  if (L.DeadTest) {
    diag(L.Loc, "this loop goes on when kthread_should_stop() is true: "
                "kthread_stop() waits forever for '%0' to return")
        << Thread->getName();
    diag(M.context().getSourceManager().getFileLoc(L.DeadTest->getBeginLoc()),
         "the stop is tested here, but no path from its true branch leaves "
         "the loop",
         DiagnosticIDs::Note);
    return;
  }
  diag(L.Loc, "this loop never tests kthread_should_stop() and nothing else "
              "ends it: kthread_stop() waits forever for '%0'")
      << Thread->getName();
  diag(L.Loc, "test kthread_should_stop() in the loop condition",
       DiagnosticIDs::Note);
}

void MissingShouldStopCheck::reportWait(const BlindWait &W) {
  if (W.Kind == SyncKind::Sleep) {
    diag(W.Loc, "'schedule()' sleeps in a loop that never tests "
                "kthread_should_stop(): the thread sleeps again after "
                "kthread_stop() wakes it");
    diag(W.Loc, "test kthread_should_stop() after setting the task state",
         DiagnosticIDs::Note);
    return;
  }
  diag(W.Loc, "'%0' on %1 '%2' is not ended by kthread_stop()%3, which then "
              "waits forever")
      << W.Api << describe(W.Kind)
      << (W.ObjectText.empty() ? std::string("?") : W.ObjectText)
      << (W.Interruptible ? " before v6.1" : "");
  diag(W.Loc, "%0", DiagnosticIDs::Note)
      << (W.Kind == SyncKind::WaitQueue
              ? "add kthread_should_stop() to the wait condition"
              : "use a timed or interruptible wait in a loop that tests "
                "kthread_should_stop(), or signal it before kthread_stop()");
}

void MissingShouldStopCheck::checkModel(const KthreadModel &M) {
  bool InterruptibleHangs = interruptibleWaitsHang();
  std::optional<std::map<HandleKey, std::vector<const FunctionDecl *>>> Signals;
  std::set<SourceLocation> Reported;
  for (const auto &[Fn, Stops] : stoppedThreadFunctions(M)) {
    if (!Fn->hasBody())
      continue;
    const ThreadFacts &F = threadFactsOf(M, Fn);
    for (const ForeverLoop &L : F.Loops) {
      if (!Reported.insert(L.Loc).second)
        continue;
      reportLoop(M, L, Fn);
      noteStopAndCaller(*Stops.front(), Fn, L.In);
    }
    for (const BlindWait &W : F.Waits) {
      if (waitEndsOtherwise(M, W, Fn, Stops, InterruptibleHangs, Signals) ||
          !Reported.insert(W.Loc).second)
        continue;
      reportWait(W);
      noteStopAndCaller(*Stops.front(), Fn, W.In);
    }
  }
}

} // namespace clang::tidy::kthread
