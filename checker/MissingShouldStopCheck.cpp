//===--- MissingShouldStopCheck.cpp - kthread-lint ------------------------===//

#include "MissingShouldStopCheck.h"
#include "SiblingSummaries.h"
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

/// A wait deep in the thread's calls on something other code of the driver
/// signals (an I/O completion handler, another worker) ends without the
/// stopper: kthread_stop() only waits longer (the audit's FP-6).
static bool signalledIndependently(
    const KthreadModel &M, const BlindWait &W, const FunctionDecl *Thread,
    llvm::ArrayRef<const HandleUse *> Stops,
    llvm::ArrayRef<const SiblingUse *> SiblingStops,
    const std::map<HandleKey, std::vector<const FunctionDecl *>> &Signals) {
  if (W.In == Thread || !W.Object)
    return false;
  if (auto It = Signals.find(W.Object); It != Signals.end())
    if (llvm::any_of(It->second, [&](const FunctionDecl *F) {
          return llvm::none_of(
              Stops, [&](const HandleUse *U) { return U->Enclosing == F; });
        }))
      return true;
  // Signalled in another file, by a function that is not its stopper.
  return llvm::any_of(
      M.facet<SiblingSummaries>().signallersOf(W.Object), [&](const auto &S) {
        return llvm::none_of(SiblingStops, [&](const SiblingUse *U) {
          return U->Function == S.second;
        });
      });
}

/// Whether something other than kthread_stop() ends the wait, or it is not
/// this check's to judge: an interruptible wait on v6.1 and later, an object
/// we cannot name, an I/O wait, a signal from elsewhere or from the stopper.
static bool waitEndsOtherwise(
    const KthreadModel &M, const BlindWait &W, const FunctionDecl *Thread,
    llvm::ArrayRef<const HandleUse *> Stops,
    llvm::ArrayRef<const SiblingUse *> SiblingStops, bool InterruptibleHangs,
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
  if (signalledIndependently(M, W, Thread, Stops, SiblingStops, *Signals))
    return true;
  return llvm::any_of(Stops,
                      [&](const HandleUse *S) { return stopperSignals(M, *S, W); }) ||
         llvm::any_of(SiblingStops, [&](const SiblingUse *S) {
           return W.Kind != SyncKind::Sleep &&
                  llvm::is_contained(S->Signals, std::make_pair(W.Kind, W.Object));
         });
}

void MissingShouldStopCheck::noteStopAndCaller(const KthreadModel &M,
                                               const StopSite &Stop,
                                               const FunctionDecl *Thread,
                                               const FunctionDecl *In) {
  if (In != Thread)
    diag(Thread->getLocation(), "'%0' is reached from thread function '%1'",
         DiagnosticIDs::Note)
        << In->getName() << Thread->getName();
  if (Stop.Here) {
    diag(Stop.Here->Call->getBeginLoc(),
         "'%0' called here waits for '%1' to return", DiagnosticIDs::Note)
        << Stop.Here->Call->getDirectCallee()->getName() << Thread->getName();
    return;
  }
  // Stopped in another file: the note goes where the thread is made.
  llvm::ArrayRef<const ThreadCreation *> Made = M.creationsRunning(Thread);
  if (!Made.empty())
    diag(Made.front()->Loc,
         "stopped in another file, in %0, which waits for '%1' to return",
         DiagnosticIDs::Note)
        << Stop.Sibling->where() << Thread->getName();
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
  for (const ThreadStops &T : threadStops(M)) {
    if (!T.Fn->hasBody())
      continue;
    StopSite First{T.Here.empty() ? nullptr : T.Here.front(),
                   T.Here.empty() ? T.Sibling.front() : nullptr};
    const ThreadFacts &F = threadFactsOf(M, T.Fn);
    for (const ForeverLoop &L : F.Loops) {
      if (!Reported.insert(L.Loc).second)
        continue;
      reportLoop(M, L, T.Fn);
      noteStopAndCaller(M, First, T.Fn, L.In);
    }
    // A wait is judged only where a stop is seen whole: what ends it may
    // be signalled in a file of the driver that names no kthread API, of
    // which no summary is written.
    if (T.Here.empty())
      continue;
    for (const BlindWait &W : F.Waits) {
      if (waitEndsOtherwise(M, W, T.Fn, T.Here, T.Sibling, InterruptibleHangs,
                            Signals) ||
          !Reported.insert(W.Loc).second)
        continue;
      reportWait(W);
      noteStopAndCaller(M, First, T.Fn, W.In);
    }
  }
}

} // namespace clang::tidy::kthread
