//===--- ExitBeforeStopCheck.cpp - kthread-lint ---------------------------===//

#include "ExitBeforeStopCheck.h"
#include "ThreadFacts.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/FlowSensitive/DataflowWorklist.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {
namespace {

/// If one branch of \p Cond is taken only when the stop was requested, that
/// branch: true for `kthread_should_stop()`, false for its negation. Sees
/// through likely()/unlikely(), a variable holding the test, and `&&`/`||`:
/// `stop && x` being true needs the stop, so does `!stop || x` being false
/// (ocfs2's `while (!(kthread_should_stop() && empty))`).
/// How a sleep or lock reports that a signal interrupted it.
/// NonZero: mutex_lock_interruptible(), msleep_interruptible(), ...;
/// Negative: *_interruptible_timeout(): < 0 interrupted, 0 timed out.
using SignalReport = SignalResult;

/// Kernel threads ignore signals unless they allow_signal(); since v6.1
/// kthread_stop() sets TIF_NOTIFY_SIGNAL. So a sleep or lock interrupted by
/// a signal in a thread means the stop was requested (before v6.1 it never
/// happens): av7110's `if (mutex_lock_interruptible(&l)) break;`.
SignalReport signalReportOf(const Expr *E, const ASTContext &Ctx,
                             unsigned Depth = CalleeDepth);

/// A function of this file that returns 0 or what an interruptible sleep
/// returned (`ret = wait_event_interruptible(...); if (ret) return ret;
/// ... return ret;`, vchiq's remote_event_wait()): non-zero only when the
/// sleep was interrupted.
SignalReport helperSignalReport(const FunctionDecl *FD, const ASTContext &Ctx,
                                unsigned Depth) {
  if (!FD || !FD->hasBody() || Depth == 0)
    return SignalReport::None;
  struct Collect : RecursiveASTVisitor<Collect> {
    std::vector<const Expr *> Returned;
    std::map<const VarDecl *, std::vector<const Expr *>> Assigned;
    bool VisitReturnStmt(ReturnStmt *RS) {
      Returned.push_back(RS->getRetValue());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
            Assigned[VD].push_back(BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr);
      return true;
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (VD->hasLocalStorage())
        Assigned[VD].push_back(VD->getInit());
      return true;
    }
  } C;
  C.TraverseStmt(FD->getBody());
  // Each value: 0, or an interrupted-if-non-zero result.
  bool SawSleep = false;
  auto Fits = [&](const Expr *V, auto &Self, int Hops) -> bool {
    if (!V)
      return false;
    V = V->IgnoreParenImpCasts();
    Expr::EvalResult R;
    if (!V->isValueDependent() && V->EvaluateAsInt(R, Ctx))
      return R.Val.getInt().isZero();
    if (signalReportOf(V, Ctx, Depth - 1) == SignalReport::NonZero)
      return SawSleep = true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(V))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && VD->hasLocalStorage() && Hops == 0 && C.Assigned.count(VD))
        return llvm::all_of(C.Assigned[VD], [&](const Expr *A) {
          return Self(A, Self, Hops + 1);
        });
    return false;
  };
  if (C.Returned.empty() ||
      !llvm::all_of(C.Returned, [&](const Expr *V) { return Fits(V, Fits, 0); }))
    return SignalReport::None;
  return SawSleep ? SignalReport::NonZero : SignalReport::None;
}

SignalReport signalReportOf(const Expr *E, const ASTContext &Ctx,
                            unsigned Depth) {
  E = E->IgnoreParenImpCasts();
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    if (SignalResult R = effectsOf(calleeName(C)).OnSignal;
        R != SignalResult::None)
      return R;
    if (const FunctionDecl *Callee = C->getDirectCallee())
      return helperSignalReport(Callee->getDefinition(), Ctx, Depth);
  }
  if (isa<StmtExpr>(E)) {
    auto Interruptible = [](llvm::StringRef N) {
      const MacroEffects &ME = macroEffectsOf(N);
      return ME.has(macro::WaitEvent) && (ME.Mode == WaitMode::Interruptible ||
                                          ME.Mode == WaitMode::Killable);
    };
    std::string Macro = enclosingMacro(E->getBeginLoc(), Ctx, Interruptible);
    if (!Macro.empty())
      return macroEffectsOf(Macro).Bounded ? SignalReport::Negative
                                           : SignalReport::NonZero;
  }
  return SignalReport::None;
}

struct LocalFacts {
  /// Locals that only ever hold the stop test, or false.
  llvm::SmallPtrSet<const VarDecl *, 4> StopVars;
  /// Locals that only ever hold one kind of interruptible result.
  llvm::DenseMap<const VarDecl *, SignalReport> SignalResults;
  /// Whether the thread can receive signals (allow_signal()): then an
  /// interrupted sleep does not mean the stop.
  bool SignalsAllowed = false;
  /// Locals that only ever hold what schedule_timeout() and its variants
  /// return, which is never negative.
  llvm::SmallPtrSet<const VarDecl *, 4> NonNegative;
};

/// Calls whose result is never negative although their type is signed:
/// schedule_timeout() returns `timeout < 0 ? 0 : timeout`.
bool returnsNonNegative(const CallExpr *C) {
  return effectsOf(calleeName(C)).has(effect::NonNegative);
}

/// `t == -ERESTARTSYS` or `t < 0` on a value that is never negative
/// (solo6x10's thread tests both that and the stop).
bool neverTrue(const KthreadModel &M, const Expr *E, const LocalFacts &L) {
  const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts());
  if (!BO || !(BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_LT))
    return false;
  const Expr *Value = BO->getLHS()->IgnoreParenImpCasts();
  const Expr *Const = BO->getRHS();
  bool NonNegative = false;
  if (const auto *C = dyn_cast<CallExpr>(Value))
    NonNegative = returnsNonNegative(C);
  else if (const auto *DRE = dyn_cast<DeclRefExpr>(Value))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      NonNegative = L.NonNegative.count(VD->getCanonicalDecl());
  Expr::EvalResult R;
  return NonNegative && !Const->isValueDependent() &&
         Const->EvaluateAsInt(R, M.context()) &&
         (BO->getOpcode() == BO_EQ ? R.Val.getInt().isNegative()
                                   : !R.Val.getInt().isStrictlyPositive());
}

/// If \p Cond tests whether an interruptible sleep or lock was interrupted,
/// the branch taken when it was.
std::optional<bool> interruptedBranch(const KthreadModel &M, const Expr *Cond,
                                      const LocalFacts &L) {
  auto ReportOf = [&](const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        auto It = L.SignalResults.find(VD->getCanonicalDecl());
        return It == L.SignalResults.end() ? SignalReport::None : It->second;
      }
    return signalReportOf(E, M.context());
  };
  Cond = Cond->IgnoreParenImpCasts();
  // `if (ret)`: the result as a truth value.
  if (ReportOf(Cond) == SignalReport::NonZero)
    return true;
  const auto *BO = dyn_cast<BinaryOperator>(Cond);
  if (!BO || !BO->isComparisonOp())
    return std::nullopt;
  const Expr *Value = BO->getLHS(), *Const = BO->getRHS();
  BinaryOperatorKind Op = BO->getOpcode();
  Expr::EvalResult R;
  if (Value->EvaluateAsInt(R, M.context())) { // `-ERESTARTSYS == ret`
    std::swap(Value, Const);
    Op = BinaryOperator::reverseComparisonOp(Op);
  }
  SignalReport Kind = ReportOf(Value);
  if (Kind == SignalReport::None || Const->isValueDependent() ||
      !Const->EvaluateAsInt(R, M.context()))
    return std::nullopt;
  const llvm::APSInt &C = R.Val.getInt();
  // Both kinds report a signal with a negative value; NonZero also with
  // any non-zero one.
  if ((Op == BO_EQ && C.isNegative()) || (Op == BO_LT && !C.isStrictlyPositive()))
    return true;
  if (Kind == SignalReport::NonZero && C.isZero() && (Op == BO_NE || Op == BO_EQ))
    return Op == BO_NE;
  return std::nullopt;
}

std::optional<bool>
stopPolarity(const KthreadModel &M, const Expr *Cond, const LocalFacts &L,
             unsigned Depth = 0) {
  bool Negated = false;
  Cond = unwrapCondition(Cond, Negated);
  if (!Cond || Depth > 8)
    return std::nullopt;
  bool Positive = !Negated;
  const auto &StopVars = L.StopVars;
  if (const auto *BO = dyn_cast<BinaryOperator>(Cond); BO && BO->isLogicalOp()) {
    // `never || x` is `x`.
    if (BO->getOpcode() == BO_LOr)
      for (auto [Dead, Live] : {std::pair(BO->getLHS(), BO->getRHS()),
                                std::pair(BO->getRHS(), BO->getLHS())})
        if (neverTrue(M, Dead, L))
          if (std::optional<bool> P = stopPolarity(M, Live, L, Depth + 1))
            return *P == Positive;
    // The branch in which both operands have the same value as the whole.
    bool Agreeing = BO->getOpcode() == BO_LAnd;
    for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
      if (stopPolarity(M, Side, L, Depth + 1) == Agreeing)
        return Agreeing == Positive;
    return std::nullopt;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Cond))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (StopVars.count(VD))
        return Positive;
  if (!L.SignalsAllowed)
    if (std::optional<bool> Interrupted = interruptedBranch(M, Cond, L))
      return *Interrupted == Positive;
  if (const auto *C = dyn_cast<CallExpr>(Cond)) {
    if (M.isStopTestName(calleeName(C)))
      return Positive;
    // A helper that tests the stop (`should_exit()`): taken as a stop
    // test, which errs on the side of silence.
    if (const FunctionDecl *Callee = C->getDirectCallee())
      if (const FunctionDecl *Def = Callee->getDefinition())
        if (Def->hasBody() && M.functionTestsStop(Def))
          return Positive;
  }
  return std::nullopt;
}

/// A stopper that holds its own reference (get_task_struct() on the same
/// handle, or kthread_stop_put()) keeps the task alive.
bool holdsReference(const KthreadModel &M, const HandleUse &Stop) {
  if (Stop.Op == HandleOp::StopPut)
    return true;
  for (const HandleUse *U : M.usesOf(Stop.Key))
    if (U->Op == HandleOp::GetRef &&
        (Stop.Key.Kind != HandleKey::Local || U->Enclosing == Stop.Enclosing))
      return true;
  // Pinned where it was created, through the local it came back in
  // (net/core/pktgen.c: `get_task_struct(p); ... t->tsk = p;`).
  for (const ThreadCreation *TC : M.creationsFor(Stop))
    if (TC->Key.Kind == HandleKey::Local)
      for (const HandleUse *U : M.usesOf(TC->Key))
        if (U->Op == HandleOp::GetRef && U->Enclosing == TC->Enclosing)
          return true;
  return false;
}

/// What the locals of \p FD hold, for reading its conditions: the stop test
/// through a variable (`should_stop = kthread_should_stop();`, workqueue's
/// rescuer; genwqe starts it at 0), and schedule_timeout()'s result.
LocalFacts localFacts(const KthreadModel &M, const FunctionDecl *FD) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const KthreadModel &M;
    // Per variable, over every value it is given: all are the stop test or
    // false, and one is the stop test; all are non-negative; all report an
    // interrupted sleep the same way.
    struct Seen {
      bool OnlyStopOrFalse = true, SomeStop = false, NonNeg = true;
      std::optional<SignalReport> Signal;
    };
    llvm::DenseMap<const VarDecl *, Seen> Vars;
    explicit Finder(const KthreadModel &M) : M(M) {}
    void saw(const VarDecl *VD, const Expr *Value) {
      const Expr *V = Value ? Value->IgnoreParenImpCasts() : nullptr;
      const auto *C = dyn_cast_or_null<CallExpr>(V);
      bool IsStop = C && M.isStopTestName(calleeName(C));
      Expr::EvalResult R;
      bool IsFalse = V && !V->isValueDependent() &&
                     V->EvaluateAsInt(R, M.context()) && R.Val.getInt().isZero();
      Seen &S = Vars[VD->getCanonicalDecl()];
      S.OnlyStopOrFalse &= IsStop || IsFalse;
      S.SomeStop |= IsStop;
      S.NonNeg &= C && returnsNonNegative(C);
      SignalReport Report =
          V ? signalReportOf(V, M.context()) : SignalReport::None;
      if (!S.Signal || *S.Signal != Report)
        S.Signal = S.Signal ? SignalReport::None : Report;
    }

    bool VisitVarDecl(VarDecl *VD) {
      if (VD->hasLocalStorage() && VD->getInit())
        saw(VD, VD->getInit());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
            saw(VD, BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr);
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->isIncrementDecrementOp())
        if (const auto *DRE = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
          if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
            saw(VD, nullptr);
      return true;
    }
  } F(M);
  F.TraverseStmt(FD->getBody());
  LocalFacts L;
  for (const auto &[VD, S] : F.Vars) {
    if (S.OnlyStopOrFalse && S.SomeStop)
      L.StopVars.insert(VD);
    if (S.NonNeg)
      L.NonNegative.insert(VD);
    if (S.Signal && *S.Signal != SignalReport::None)
      L.SignalResults[VD] = *S.Signal;
  }
  return L;
}

/// Globals and fields a function assigns, or that appear in its conditions.
std::set<HandleKey> placesIn(const FunctionDecl *FD, bool Assigned) {
  struct Finder : RecursiveASTVisitor<Finder> {
    bool Assigned;
    std::set<HandleKey> Keys;
    unsigned InCondition = 0;
    void add(const Expr *E) {
      if (std::optional<AccessPath> P = accessPathOf(E)) {
        HandleKey K = HandleKey::of(*P);
        if (K.Kind == HandleKey::Global || K.Kind == HandleKey::Field)
          Keys.insert(K);
      }
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (Assigned && BO->isAssignmentOp())
        add(BO->getLHS());
      return true;
    }
    bool TraverseIfStmt(IfStmt *If) {
      if (!Assigned) {
        ++InCondition;
        TraverseStmt(If->getCond());
        --InCondition;
      }
      TraverseStmt(If->getThen());
      TraverseStmt(If->getElse());
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *E) {
      if (InCondition)
        add(E);
      return true;
    }
    bool VisitMemberExpr(MemberExpr *E) {
      if (InCondition)
        add(E);
      return true;
    }
  } F;
  F.Assigned = Assigned;
  if (FD->hasBody())
    F.TraverseStmt(FD->getBody());
  return std::move(F.Keys);
}

/// The stopper tests state that the thread changes before it ends
/// (ext4's lazyinit thread clears ext4_li_info, which the stopper tests
/// before kthread_stop()): a hand-made protocol we trust.
bool stopperFollowsThreadState(const KthreadModel &M, const FunctionDecl *Thread,
                               const HandleUse &Stop) {
  std::set<HandleKey> Written;
  for (const FunctionDecl *F : M.threadFacts(Thread).Functions) {
    std::set<HandleKey> K = placesIn(F, /*Assigned=*/true);
    Written.insert(K.begin(), K.end());
  }
  for (const HandleKey &K : placesIn(Stop.Enclosing, /*Assigned=*/false))
    if (Written.count(K))
      return true;
  return false;
}

/// The thread's data pointer, and locals that only copy it, when every
/// creation of \p Fn passes a non-NULL one: a thread that tests it for NULL
/// (cxd2880's `if (!dvb_spi) return -EINVAL;`) tests defensively.
llvm::SmallPtrSet<const VarDecl *, 4> nonNullData(const KthreadModel &M,
                                                  const FunctionDecl *Fn) {
  llvm::SmallPtrSet<const VarDecl *, 4> R;
  if (Fn->getNumParams() != 1)
    return R;
  llvm::ArrayRef<const ThreadCreation *> Creations = M.creationsRunning(Fn);
  if (Creations.empty())
    return R;
  for (const ThreadCreation *TC : Creations)
    if (!TC->DataArg ||
        TC->DataArg->isNullPointerConstant(M.context(),
                                           Expr::NPC_ValueDependentIsNull))
      return R;
  const ParmVarDecl *Data = Fn->getParamDecl(0);
  // Locals set only to the data pointer, or to NULL before it
  // (cxd2880: `struct cxd2880_dvb_spi *dvb_spi = NULL; dvb_spi = arg;`).
  struct Finder : RecursiveASTVisitor<Finder> {
    const ASTContext *Ctx;
    const ParmVarDecl *Data;
    llvm::SmallPtrSet<const VarDecl *, 4> Copies, Other;
    static const VarDecl *varOf(const Expr *E) {
      if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts()))
        return dyn_cast<VarDecl>(DRE->getDecl());
      return nullptr;
    }
    void saw(const VarDecl *VD, const Expr *Value) {
      if (Value && varOf(Value) == Data)
        Copies.insert(VD);
      else if (!Value || VD == Data ||
               !Value->isNullPointerConstant(
                   const_cast<ASTContext &>(*Ctx), Expr::NPC_ValueDependentIsNotNull))
        Other.insert(VD);
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (VD->getInit())
        saw(VD, VD->getInit());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        if (const VarDecl *VD = varOf(BO->getLHS()))
          saw(VD, BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr);
      return true;
    }
  } F;
  F.Ctx = &M.context();
  F.Data = Data;
  F.TraverseStmt(Fn->getBody());
  if (!F.Other.count(Data)) {
    R.insert(Data);
    for (const VarDecl *VD : F.Copies)
      if (!F.Other.count(VD))
        R.insert(VD);
  }
  return R;
}

/// If \p Cond tests one of \p Vars for NULL, the branch taken when it is
/// NULL.
std::optional<bool> nullBranch(const KthreadModel &M, const Expr *Cond,
                               const llvm::SmallPtrSetImpl<const VarDecl *> &Vars) {
  bool Negated = false;
  Cond = unwrapCondition(Cond, Negated);
  if (!Cond)
    return std::nullopt;
  bool TrueMeansNull = false;
  if (const auto *BO = dyn_cast<BinaryOperator>(Cond)) {
    if (!BO->isEqualityOp())
      return std::nullopt;
    TrueMeansNull = BO->getOpcode() == BO_EQ;
    auto IsNull = [&](const Expr *E) {
      return E->isNullPointerConstant(M.context(),
                                      Expr::NPC_ValueDependentIsNotNull) !=
             Expr::NPCK_NotNull;
    };
    if (IsNull(BO->getRHS()))
      Cond = BO->getLHS();
    else if (IsNull(BO->getLHS()))
      Cond = BO->getRHS();
    else
      return std::nullopt; // `p == q` is no NULL test.
  }
  const auto *DRE = dyn_cast<DeclRefExpr>(Cond->IgnoreParenCasts());
  if (!DRE || !DRE->getType()->isPointerType())
    return std::nullopt;
  const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
  if (!VD || !Vars.count(VD))
    return std::nullopt;
  return TrueMeansNull != Negated;
}

/// The completion a call's first argument names (`&done`, `&priv->done`).
std::optional<HandleKey> completionArg(const CallExpr *C) {
  if (C->getNumArgs() == 0)
    return std::nullopt;
  if (std::optional<AccessPath> P = objectOfArg(C->getArg(0))) {
    HandleKey K = HandleKey::of(*P);
    if (K.Kind == HandleKey::Global || K.Kind == HandleKey::Field)
      return K;
  }
  return std::nullopt;
}

/// Completions the stopper waits for, without a timeout and without giving
/// up on a signal, before every \p Stop: it reaches the stop only after the
/// thread signalled them (kernel/trace/preemptirq_delay_test.c).
std::set<HandleKey> awaitedBeforeStop(const KthreadModel &M, const HandleUse &Stop) {
  std::set<HandleKey> Keys;
  const CFG *G = M.cfgOf(Stop.Enclosing);
  auto StopAt = M.cfgPosition(Stop.Enclosing, Stop.Call);
  if (!G || !StopAt)
    return Keys;
  std::optional<CFGDomTree> DT;
  for (const CallExpr *C : callsIn(Stop.Enclosing->getBody())) {
    const CallEffects &E = effectsOf(calleeName(C));
    if (!E.has(effect::Waits) || E.Sync != SyncKind::Completion ||
        E.Mode != WaitMode::Uninterruptible || E.Bounded)
      continue;
    std::optional<HandleKey> K = completionArg(C);
    auto WaitAt = M.cfgPosition(Stop.Enclosing, C);
    if (!K || !WaitAt)
      continue;
    bool Before = WaitAt->first == StopAt->first
                      ? WaitAt->second < StopAt->second
                      : (DT ? *DT : DT.emplace(const_cast<CFG *>(G)))
                            .properlyDominates(WaitAt->first, StopAt->first);
    if (Before)
      Keys.insert(*K);
  }
  return Keys;
}

/// Whether the thread signals one of \p Keys itself, and never before \p Exit:
/// then a stopper awaiting them cannot come after that exit.
bool exitsBeforeSignalling(const KthreadModel &M, const FunctionDecl *Fn,
                           const std::set<HandleKey> &Keys, const Stmt *Exit) {
  if (Keys.empty())
    return false;
  bool Signals = false;
  for (const CallExpr *C : callsIn(Fn->getBody())) {
    const CallEffects &E = effectsOf(calleeName(C));
    if (!E.has(effect::Signals) || E.Sync != SyncKind::Completion ||
        E.has(effect::EndsThread))
      continue;
    std::optional<HandleKey> K = completionArg(C);
    if (!K || !Keys.count(*K))
      continue;
    if (M.reaches(Fn, C, Exit))
      return false;
    Signals = true;
  }
  return Signals;
}

/// The must-analysis over \p FD: for each block, whether every path to its
/// start has seen kthread_should_stop() true (1), or not (2); 0: unreached.
/// Calls to functions that only return once the stop was seen count.
class StopSeen {
public:
  explicit StopSeen(const KthreadModel &M) : M(M) {}

  /// \p NonNull: pointers whose NULL branches are not taken.
  std::vector<unsigned>
  run(const FunctionDecl *FD, const CFG &G, unsigned Depth,
      const llvm::SmallPtrSetImpl<const VarDecl *> *NonNull = nullptr) {
    LocalFacts L = localFacts(M, FD);
    L.SignalsAllowed = SignalsAllowed;
    std::vector<unsigned> In(G.getNumBlockIDs(), 0);
    In[G.getEntry().getBlockID()] = 2;
    PostOrderCFGView POV(&G);
    ForwardDataflowWorklist WL(G, &POV);
    WL.enqueueBlock(&G.getEntry());
    while (const CFGBlock *B = WL.dequeue()) {
      unsigned Out = after(*B, In[B->getBlockID()], ~0u, Depth);
      // DeadBranch: the edge that cannot be taken.
      std::optional<bool> Polarity, DeadBranch;
      if (B->succ_size() == 2) {
        Polarity = stopPolarity(M, branchCondition(*B), L);
        if (NonNull && branchCondition(*B))
          DeadBranch = nullBranch(M, branchCondition(*B), *NonNull);
        // `timeout == -ERESTARTSYS` as the left of `||` has its own block.
        if (const Expr *C = branchCondition(*B); C && neverTrue(M, C, L))
          DeadBranch = true;
      }
      unsigned I = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        bool TrueBranch = I++ == 0;
        const CFGBlock *SB = Succ.getReachableBlock();
        if (!SB || DeadBranch == TrueBranch)
          continue;
        unsigned V = Out;
        if (Polarity && *Polarity == TrueBranch)
          V = 1; // This edge is taken only when the stop was requested.
        unsigned &T = In[SB->getBlockID()];
        unsigned Joined = T == 0 ? V : std::max(T, V);
        if (Joined != T) {
          T = Joined;
          WL.enqueueBlock(SB);
        }
      }
    }
    return In;
  }

  /// The state after the first \p Count elements of \p B.
  unsigned after(const CFGBlock &B, unsigned State, unsigned Count,
                 unsigned Depth) {
    unsigned I = 0;
    for (const CFGElement &E : B) {
      if (I++ == Count)
        break;
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
        if (const auto *C = dyn_cast<CallExpr>(CS->getStmt()))
          if (const FunctionDecl *Callee = C->getDirectCallee())
            if (const FunctionDecl *Def = Callee->getDefinition())
              if (Depth > 0 && Def->hasBody() && endsStopped(Def, Depth - 1))
                State = 1;
    }
    return State;
  }

  /// Whether \p FD returns only after seeing the stop requested
  /// (ktdemo's sleep_until_stopped() helper).
  bool endsStopped(const FunctionDecl *FD, unsigned Depth) {
    auto [It, New] = Memo.try_emplace({FD, SignalsAllowed}, false);
    if (!New)
      return It->second;
    const CFG *G = M.cfgOf(FD);
    if (!G)
      return false;
    std::vector<unsigned> In = run(FD, *G, Depth);
    bool R = In[G->getExit().getBlockID()] == 1;
    Memo[{FD, SignalsAllowed}] = R;
    return R;
  }

private:
  const KthreadModel &M;
  std::map<std::pair<const FunctionDecl *, bool>, bool> Memo;

public:
  /// Set per thread: whether it (or a callee) calls allow_signal().
  bool SignalsAllowed = false;
};

} // namespace

void ExitBeforeStopCheck::checkModel(const KthreadModel &M) {
  const SourceManager &SM = M.context().getSourceManager();
  StopSeen Analysis(M);
  for (const auto &[Fn, Stops] : stoppedThreadFunctions(M)) {
    // The stops that do not keep the task alive, with what each awaits.
    std::vector<std::pair<const HandleUse *, std::set<HandleKey>>> Unpinned;
    for (const HandleUse *S : Stops)
      if (S->Op != HandleOp::DestroyWorker && !holdsReference(M, *S) &&
          !stopperFollowsThreadState(M, Fn, *S))
        Unpinned.emplace_back(S, awaitedBeforeStop(M, *S));
    const CFG *G = Fn->hasBody() ? M.cfgOf(Fn) : nullptr;
    if (Unpinned.empty() || !G)
      continue;
    llvm::SmallPtrSet<const VarDecl *, 4> NonNull = nonNullData(M, Fn);
    Analysis.SignalsAllowed = llvm::any_of(
        M.threadFacts(Fn).Functions, [](const FunctionDecl *F) {
          return llvm::any_of(callsIn(F->getBody()), [](const CallExpr *C) {
            return effectsOf(calleeName(C)).has(effect::AllowsSignals);
          });
        });
    std::vector<unsigned> In = Analysis.run(Fn, *G, CalleeDepth, &NonNull);

    // Every return, or call that ends the thread, reached unstopped.
    for (const CFGBlock *B : *G) {
      if (In[B->getBlockID()] != 2)
        continue;
      unsigned Index = 0;
      for (const CFGElement &E : *B) {
        unsigned Here = Index++;
        std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
        if (!CS)
          continue;
        const Stmt *St = CS->getStmt();
        bool Exits = isa<ReturnStmt>(St);
        if (const auto *C = dyn_cast<CallExpr>(St))
          Exits = isThreadExit(calleeName(C));
        if (!Exits || St->getBeginLoc().isInvalid() ||
            Analysis.after(*B, 2, Here, CalleeDepth) != 2)
          continue;
        const HandleUse *Stop = nullptr;
        for (const auto &[S, Awaited] : Unpinned)
          if (!exitsBeforeSignalling(M, Fn, Awaited, St)) {
            Stop = S;
            break;
          }
        if (!Stop)
          continue;
        diag(SM.getFileLoc(St->getBeginLoc()),
             "thread function '%0' can end here before kthread_should_stop() "
             "is true, while '%1' stops it later without holding a "
             "reference: the task may already be freed when kthread_stop() "
             "touches it (use-after-free); loop until kthread_should_stop() "
             "before returning, or pin the task with get_task_struct() "
             "after creating it and put_task_struct() after kthread_stop()")
            << Fn->getName() << Stop->Enclosing->getName();
        diag(Stop->Call->getBeginLoc(),
             "'%0' called here on a task that may be gone",
             DiagnosticIDs::Note)
            << Stop->Call->getDirectCallee()->getName();
      }
    }
  }
}

} // namespace clang::tidy::kthread
