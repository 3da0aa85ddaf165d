//===--- LostWakeupCheck.cpp - kthread-lint -------------------------------===//

#include "LostWakeupCheck.h"
#include "ThreadFacts.h"
#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/FlowSensitive/DataflowWorklist.h"
#include <set>

namespace clang::tidy::kthread {
namespace {

/// Where a path stands between the stop test and schedule().
enum : unsigned {
  Settled = 1,    ///< Nothing pending (or the test came after the state).
  Tested = 2,     ///< The stop was tested; no sleeping state set since.
  Risky = 4,      ///< Tested, then a sleeping state set, no test since.
  StateFirst = 8, ///< A sleeping state set, not yet tested.
};

struct PathState {
  unsigned Bits = 0; ///< 0: not reached.
  const CallExpr *Test = nullptr;
  SourceLocation StateSet;
  bool operator==(const PathState &O) const { return Bits == O.Bits; }
};

unsigned afterTest(unsigned B) {
  unsigned R = 0;
  if (B & (Settled | Tested))
    R |= Tested;
  if (B & (Risky | StateFirst))
    R |= Settled; // The test came after the state change: correct.
  return R;
}

unsigned afterSleepingState(unsigned B) {
  unsigned R = 0;
  if (B & (Tested | Risky))
    R |= Risky;
  if (B & (Settled | StateFirst))
    R |= StateFirst;
  return R;
}

} // namespace

void LostWakeupCheck::checkModel(const KthreadModel &M) {
  const ASTContext &Ctx = M.context();
  // Whether a lost stop leaves the thread asleep in this state: always when
  // uninterruptible (TASK_UNINTERRUPTIBLE, TASK_KILLABLE, TASK_IDLE);
  // interruptible only before v6.1, whose kthread_stop() sets no
  // TIF_NOTIFY_SIGNAL to end the sleep.
  const bool InterruptibleHangs = interruptibleWaitsHang();
  auto SleepsThroughStop = [&](unsigned State) {
    return (State & 2) || (InterruptibleHangs && (State & 1));
  };
  std::set<const FunctionDecl *> Functions;
  for (const ThreadCreation &TC : M.creations())
    for (const FunctionDecl *Fn : TC.ThreadFns)
      if (Fn->hasBody())
        for (const FunctionDecl *F : M.threadFacts(Fn).Functions)
          Functions.insert(F);
  std::set<const CallExpr *> Reported;
  for (const FunctionDecl *FD : Functions) {
    const CFG *G = M.cfgOf(FD);
    if (!G)
      continue;
    const llvm::DenseMap<SourceLocation, unsigned> &States = M.taskStates(FD);
    // What each block does, in order, classified once: the worklist visits
    // a block many times, and the macro tests walk expansion chains.
    struct Event {
      enum KindTy { SleepingState, RunningState, StopTest, Schedule, TimedSleep } Kind;
      const CallExpr *Call = nullptr;
      SourceLocation StateAt;
    };
    std::vector<std::vector<Event>> Events(G->getNumBlockIDs());
    for (const CFGBlock *B : *G) {
      for (const CFGElement &E : *B) {
        std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
        if (!CS)
          continue;
        const Stmt *St = CS->getStmt();
        // The wait_event*() macros set the state, test, then sleep: correct.
        if (inWaitEventMacro(St->getBeginLoc(), Ctx))
          continue;
        if (std::optional<SourceLocation> W = stateMacroAt(St->getBeginLoc(), Ctx)) {
          if (auto It = States.find(*W); It != States.end())
            Events[B->getBlockID()].push_back(
                {SleepsThroughStop(It->second) ? Event::SleepingState
                                               : Event::RunningState,
                 nullptr, *W});
          continue;
        }
        const auto *C = dyn_cast<CallExpr>(St);
        if (!C)
          continue;
        llvm::StringRef N = calleeName(C);
        if (M.isStopTestName(N))
          Events[B->getBlockID()].push_back({Event::StopTest, C, {}});
        else if (N == "schedule")
          Events[B->getBlockID()].push_back({Event::Schedule, C, {}});
        else if (N.startswith("schedule_timeout") || N == "schedule_hrtimeout")
          Events[B->getBlockID()].push_back({Event::TimedSleep, C, {}});
      }
    }
    auto Transfer = [&](const CFGBlock &B, PathState S, bool Report) {
      for (const Event &E : Events[B.getBlockID()]) {
        switch (E.Kind) {
        case Event::SleepingState:
          S.Bits = afterSleepingState(S.Bits);
          S.StateSet = E.StateAt;
          break;
        case Event::RunningState:
          // TASK_RUNNING, or a sleep the stop's TIF_NOTIFY_SIGNAL ends:
          // schedule() does not sleep through the stop.
          S.Bits = Settled;
          break;
        case Event::StopTest:
          S.Bits = afterTest(S.Bits);
          S.Test = E.Call;
          break;
        case Event::Schedule:
          if (Report && (S.Bits & Risky) && S.Test &&
              Reported.insert(E.Call).second) {
            diag(Ctx.getSourceManager().getFileLoc(E.Call->getBeginLoc()),
                 "'schedule()' can sleep forever here: the stop was tested "
                 "before the task state was set, so a kthread_stop() in "
                 "between is lost (its wake-up comes before the state change "
                 "and nothing wakes the thread again); set the state first, "
                 "then test kthread_should_stop(), then call schedule()");
            diag(Ctx.getSourceManager().getFileLoc(S.Test->getBeginLoc()),
                 "the stop is tested here", DiagnosticIDs::Note);
            diag(S.StateSet, "and the state is set only here",
                 DiagnosticIDs::Note);
          }
          S.Bits = Settled;
          break;
        case Event::TimedSleep:
          S.Bits = Settled; // Timed: the sleep ends by itself.
          break;
        }
      }
      return S;
    };
    std::vector<PathState> In(G->getNumBlockIDs());
    In[G->getEntry().getBlockID()].Bits = Settled;
    PostOrderCFGView POV(G);
    ForwardDataflowWorklist WL(*G, &POV);
    WL.enqueueBlock(&G->getEntry());
    while (const CFGBlock *B = WL.dequeue()) {
      PathState Out = Transfer(*B, In[B->getBlockID()], false);
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        const CFGBlock *SB = Succ.getReachableBlock();
        if (!SB)
          continue;
        PathState &T = In[SB->getBlockID()];
        unsigned Before = T.Bits;
        T.Bits |= Out.Bits;
        if (Out.Test && (!T.Test || (Out.Bits & Risky)))
          T.Test = Out.Test;
        if (Out.StateSet.isValid() && (T.StateSet.isInvalid() || (Out.Bits & Risky)))
          T.StateSet = Out.StateSet;
        if (T.Bits != Before)
          WL.enqueueBlock(SB);
      }
    }
    for (const CFGBlock *B : *G)
      if (In[B->getBlockID()].Bits)
        Transfer(*B, In[B->getBlockID()], true);
  }
}

} // namespace clang::tidy::kthread
