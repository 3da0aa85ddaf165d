//===--- SleepOrder.cpp - kthread-lint ------------------------------------===//

#include "SleepOrder.h"
#include "Dataflow.h"
#include "ThreadFacts.h"
#include "WakeConditions.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ParentMap.h"

namespace clang::tidy::kthread {
namespace {

/// Where a path stands between the stop test and schedule().
enum : unsigned {
  Settled = 1,    ///< Nothing pending (or the test came after the state).
  Tested = 2,     ///< The stop was tested; no sleeping state set since.
  Risky = 4,      ///< Tested, then a sleeping state set, no test since.
  StateFirst = 8, ///< A sleeping state set, not yet tested.
};

/// Where a path stands between reading a wake condition (a place a data
/// waker updates before waking the thread) and schedule().
enum : unsigned {
  DataRead = 1,       ///< Read, no sleeping state set since.
  DataReadLocked = 2, ///< Read under a lock still held: the waker waits.
  DataRisky = 4,      ///< Read, lock dropped, then a sleeping state set.
  Locked = 8,         ///< Some lock is held.
};

struct PathState {
  unsigned Bits = 0; ///< 0: not reached.
  unsigned Data = 0;
  const CallExpr *Test = nullptr;
  SourceLocation StateSet;
  const Expr *DataRead = nullptr;
  const WakeCondition *Condition = nullptr;
  SourceLocation DataStateSet;
  bool operator==(const PathState &O) const {
    return Bits == O.Bits && Data == O.Data;
  }
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

/// A state change on the data side: setting a sleeping state after an
/// unlocked read makes the read stale; TASK_RUNNING settles it.
unsigned dataAfterState(unsigned D, bool Sleeps) {
  unsigned Keep = D & Locked;
  if (!Sleeps)
    return Keep;
  if (D & (DataRead | DataRisky))
    return Keep | DataRisky;
  return Keep; // Read under the lock still held, or nothing read.
}

/// What an element does, in order, classified once: the worklist visits a
/// block many times, and the macro tests walk expansion chains.
struct Event {
  enum KindTy {
    SleepingState, RunningState, StopTest, Schedule, TimedSleep,
    ConditionRead, LockTaken, LockDropped
  } Kind;
  const CallExpr *Call = nullptr;
  SourceLocation StateAt;
  /// For a state: whether it sleeps at all (for data wake-ups, which no
  /// TIF_NOTIFY_SIGNAL ends).
  bool Sleeps = false;
  const Expr *Read = nullptr;
  const WakeCondition *Condition = nullptr;
};

using EventMap = llvm::DenseMap<const Stmt *, llvm::SmallVector<Event, 1>>;

/// The events of each element of a function: the task states it sets,
/// stop tests, sleeps, locks, and reads of a wake condition.
class EventClassifier {
public:
  EventClassifier(const KthreadModel &M, const FunctionDecl *FD,
                  llvm::ArrayRef<const WakeCondition *> Conds,
                  llvm::function_ref<bool(unsigned)> SleepsThroughStop)
      : M(M), Ctx(M.context()), FD(FD), Conds(Conds),
        SleepsThroughStop(SleepsThroughStop),
        States(taskStatesOf(M, FD)) {}
  EventMap classify(const CFG &G);

private:
  /// The wake condition \p St reads, if it is one.
  const WakeCondition *conditionAt(const Stmt *St);

  const KthreadModel &M;
  const ASTContext &Ctx;
  const FunctionDecl *FD;
  llvm::ArrayRef<const WakeCondition *> Conds;
  llvm::function_ref<bool(unsigned)> SleepsThroughStop;
  const llvm::DenseMap<SourceLocation, unsigned> &States;
  std::optional<ParentMap> Parents;
};

const WakeCondition *EventClassifier::conditionAt(const Stmt *St) {
  if (Conds.empty() || !isa<MemberExpr, DeclRefExpr>(St))
    return nullptr;
  std::optional<AccessPath> P = accessPathOf(cast<Expr>(St));
  if (!P)
    return nullptr;
  HandleKey K = HandleKey::of(*P);
  const WakeCondition *Found = nullptr;
  for (const WakeCondition *C : Conds)
    if (C->Place == K)
      Found = C;
  // `s->events = 0` consumes the condition; it does not read it. The
  // function's own parent map: the translation unit's costs a fifth of a
  // parse in time and memory.
  if (Found && !Parents)
    Parents.emplace(FD->getBody());
  if (!Found)
    return nullptr;
  const Stmt *Parent =
      Parents->getParentIgnoreParenImpCasts(const_cast<Stmt *>(St));
  // `s->pins[i] = v` writes an element: the array is the subscript's base.
  const Stmt *Written = St;
  while (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(Parent)) {
    if (AS->getBase()->IgnoreParenImpCasts() != Written)
      break;
    Written = AS;
    Parent = Parents->getParentIgnoreParenImpCasts(const_cast<Stmt *>(Written));
  }
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Parent))
    if (BO->getOpcode() == BO_Assign && BO->getLHS()->IgnoreParens() == Written)
      return nullptr;
  Parent = Written == St ? Parent
                         : Parents->getParentIgnoreParenImpCasts(
                               const_cast<Stmt *>(St));
  // Nor does `set_bit(N, &s->flags)` or `clear_and_wake_up_bit(N, &s->flags)`:
  // a call the effects table knows as a write of what it is given
  // (fs/btrfs/disk-io.c's cleaner_kthread() tests the bit before).
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(Parent);
      UO && UO->getOpcode() == UO_AddrOf)
    if (const auto *Call = dyn_cast_or_null<CallExpr>(
            Parents->getParentIgnoreParenImpCasts(const_cast<UnaryOperator *>(UO))))
      if (const CallEffects &Fx = effectsOf(calleeName(Call));
          Fx.has(effect::PublishesData) && !Fx.has(effect::ReadsData))
        return nullptr;
  // A value only printed (libertas's lbs_deb_thread(), a debug printk())
  // decides nothing about the sleep.
  if (const auto *Call = dyn_cast_or_null<CallExpr>(Parent))
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (Callee->hasAttr<FormatAttr>())
        return nullptr;
  return Found;
}

EventMap EventClassifier::classify(const CFG &G) {
  EventMap EventsAt;
  for (const CFGBlock *B : G) {
    for (const CFGElement &E : *B) {
      std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      // The wait_event*() macros set the state, test, then sleep: correct.
      if (inWaitEventMacro(M, St->getBeginLoc()))
        continue;
      if (std::optional<SourceLocation> W = stateMacroAt(M, St->getBeginLoc())) {
        if (auto It = States.find(*W); It != States.end())
          EventsAt[St].push_back(
              {SleepsThroughStop(It->second) ? Event::SleepingState
                                             : Event::RunningState,
               nullptr, *W, isSleepingState(It->second)});
        continue;
      }
      if (const WakeCondition *Cond = conditionAt(St)) {
        Event E{Event::ConditionRead};
        E.Read = cast<Expr>(St);
        E.Condition = Cond;
        EventsAt[St].push_back(E);
        continue;
      }
      const auto *C = dyn_cast<CallExpr>(St);
      if (!C)
        continue;
      llvm::StringRef N = calleeName(C);
      const CallEffects &Fx = effectsOf(N);
      if (Fx.has(effect::Acquires))
        EventsAt[St].push_back({Event::LockTaken, C});
      else if (Fx.has(effect::Releases))
        EventsAt[St].push_back({Event::LockDropped, C});
      if (M.isStopTestName(N))
        EventsAt[St].push_back({Event::StopTest, C, {}});
      else if (Fx.has(effect::Schedules))
        EventsAt[St].push_back({Event::Schedule, C, {}});
      else if (Fx.has(effect::TimedSleep))
        EventsAt[St].push_back({Event::TimedSleep, C, {}});
    }
  }
  return EventsAt;
}

/// Where each path stands between the stop test (or the wake condition's
/// read), the task state and schedule().
struct SleepOrderAnalysis {
  using State = PathState;
  const EventMap &EventsAt;
  State initial(const CFG &) const {
    PathState S;
    S.Bits = Settled;
    return S;
  }
  void transfer(const CFGElement &El, State &S) const {
    std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
    auto It = CS ? EventsAt.find(CS->getStmt()) : EventsAt.end();
    if (It == EventsAt.end())
      return;
    for (const Event &E : It->second)
      apply(E, S);
  }
  static void apply(const Event &E, State &S) {
    if (E.Kind == Event::SleepingState || E.Kind == Event::RunningState) {
      unsigned Before = S.Data;
      S.Data = dataAfterState(S.Data, E.Sleeps);
      if ((S.Data & DataRisky) && !(Before & DataRisky))
        S.DataStateSet = E.StateAt;
    }
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
    case Event::ConditionRead:
      S.Data = (S.Data & Locked) | ((S.Data & Locked) ? DataReadLocked : DataRead);
      S.DataRead = E.Read;
      S.Condition = E.Condition;
      break;
    case Event::LockTaken:
      S.Data |= Locked;
      break;
    case Event::LockDropped:
      S.Data &= ~unsigned(Locked);
      if (S.Data & DataReadLocked)
        S.Data = (S.Data & ~unsigned(DataReadLocked)) | DataRead;
      break;
    case Event::StopTest:
      S.Bits = afterTest(S.Bits);
      S.Test = E.Call;
      break;
    case Event::Schedule:
      S.Data &= Locked;
      S.Bits = Settled;
      break;
    case Event::TimedSleep:
      S.Bits = Settled; // Timed: the sleep ends by itself.
      S.Data &= Locked;
      break;
    }
  }
  bool transferBranch(const CFGBlock &, unsigned, State &) const {
    return true;
  }
  /// May-analysis: the union of where paths stand; the sites named in
  /// messages are those of a risky path where there is one.
  bool join(State &T, const State &Out) const {
    unsigned Before = T.Bits, DataBefore = T.Data;
    T.Bits |= Out.Bits;
    T.Data |= Out.Data;
    if (Out.DataRead && (!T.DataRead || (Out.Data & DataRisky))) {
      T.DataRead = Out.DataRead;
      T.Condition = Out.Condition;
      T.DataStateSet = Out.DataStateSet;
    }
    if (Out.Test && (!T.Test || (Out.Bits & Risky)))
      T.Test = Out.Test;
    if (Out.StateSet.isValid() && (T.StateSet.isInvalid() || (Out.Bits & Risky)))
      T.StateSet = Out.StateSet;
    return T.Bits != Before || T.Data != DataBefore;
  }
};

} // namespace

std::vector<LostWakeup>
findLostWakeups(const KthreadModel &M, const FunctionDecl *FD,
                llvm::ArrayRef<const WakeCondition *> Conds,
                llvm::function_ref<bool(unsigned)> SleepsThroughStop) {
  std::vector<LostWakeup> Out;
  const CFG *G = M.cfgOf(FD);
  if (!G)
    return Out;
  EventMap EventsAt =
      EventClassifier(M, FD, Conds, SleepsThroughStop).classify(*G);
  if (EventsAt.empty())
    return Out;
  SleepOrderAnalysis Order{EventsAt};
  DataflowResult<PathState> R = runDataflow(*G, Order);
  if (!R.Complete)
    return Out;

  // A schedule() reached on a path where the stop test or the wake
  // condition's read came before the sleeping state.
  forEachElement(*G, R, Order, [&](const CFGBlock &, unsigned,
                                   const CFGElement &El, const PathState &S) {
    std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
    auto It = CS ? EventsAt.find(CS->getStmt()) : EventsAt.end();
    if (It == EventsAt.end())
      return;
    for (const Event &E : It->second) {
      if (E.Kind != Event::Schedule)
        continue;
      if (!(S.Bits & Risky) && (S.Data & DataRisky) && S.Condition && S.DataRead)
        Out.push_back({LostWakeup::Data, E.Call, nullptr, S.DataStateSet,
                       S.DataRead, S.Condition});
      if ((S.Bits & Risky) && S.Test)
        Out.push_back({LostWakeup::Stop, E.Call, S.Test, S.StateSet});
    }
  });
  return Out;
}

} // namespace clang::tidy::kthread
