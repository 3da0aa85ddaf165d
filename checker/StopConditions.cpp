//===--- StopConditions.cpp - kthread-lint --------------------------------===//

#include "StopConditions.h"
#include "CalleeSummaries.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include <deque>

namespace clang::tidy::kthread {

const char StopConditions::ID = 0;

/// Calls whose result is never negative although their type is signed:
/// schedule_timeout() returns `timeout < 0 ? 0 : timeout`.
static bool returnsNonNegative(const CallExpr *C) {
  return effectsOf(calleeName(C)).has(effect::NonNegative);
}

SignalResult StopConditions::signalResultOf(const Expr *E) const {
  return kthread::signalResultOf(M, E);
}


/// `t == -ERESTARTSYS` or `t < 0` on a value that is never negative
/// (solo6x10's thread tests both that and the stop).
bool StopConditions::neverTrue(const Expr *E, const LocalFacts &L) const {
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
std::optional<bool>
StopConditions::interruptedBranch(const Expr *Cond, const LocalFacts &L) const {
  auto ReportOf = [&](const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        auto It = L.SignalResults.find(VD->getCanonicalDecl());
        return It == L.SignalResults.end() ? SignalResult::None : It->second;
      }
    return signalResultOf(E);
  };
  Cond = Cond->IgnoreParenImpCasts();
  // `if (ret)`: the result as a truth value.
  if (ReportOf(Cond) == SignalResult::NonZero)
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
  SignalResult Kind = ReportOf(Value);
  if (Kind == SignalResult::None || Const->isValueDependent() ||
      !Const->EvaluateAsInt(R, M.context()))
    return std::nullopt;
  const llvm::APSInt &C = R.Val.getInt();
  // Both kinds report a signal with a negative value; NonZero also with
  // any non-zero one.
  if ((Op == BO_EQ && C.isNegative()) || (Op == BO_LT && !C.isStrictlyPositive()))
    return true;
  if (Kind == SignalResult::NonZero && C.isZero() && (Op == BO_NE || Op == BO_EQ))
    return Op == BO_NE;
  return std::nullopt;
}

std::optional<bool> StopConditions::stopBranch(const Expr *Cond,
                                               const LocalFacts &L) const {
  return stopBranchAt(Cond, L, 0);
}

/// Sees through likely()/unlikely(), a variable holding the test, and
/// `&&`/`||`: `stop && x` being true needs the stop, so does `!stop || x`
/// being false (ocfs2's `while (!(kthread_should_stop() && empty))`).
std::optional<bool> StopConditions::stopBranchAt(const Expr *Cond,
                                                 const LocalFacts &L,
                                                 unsigned Depth) const {
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
        if (neverTrue(Dead, L))
          if (std::optional<bool> P = stopBranchAt(Live, L, Depth + 1))
            return *P == Positive;
    // The branch in which both operands have the same value as the whole.
    bool Agreeing = BO->getOpcode() == BO_LAnd;
    for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
      if (stopBranchAt(Side, L, Depth + 1) == Agreeing)
        return Agreeing == Positive;
    return std::nullopt;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Cond))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (StopVars.count(VD))
        return Positive;
  if (!L.SignalsAllowed)
    if (std::optional<bool> Interrupted = interruptedBranch(Cond, L))
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

/// What the locals of \p FD hold, for reading its conditions: the stop test
/// through a variable (`should_stop = kthread_should_stop();`, workqueue's
/// rescuer; genwqe starts it at 0), and schedule_timeout()'s result.
LocalFacts StopConditions::localFacts(const FunctionDecl *FD,
                                      bool SignalsAllowed) const {
  struct Finder : RecursiveASTVisitor<Finder> {
    const KthreadModel &M;
    // Per variable, over every value it is given: all are the stop test or
    // false, and one is the stop test; all are non-negative; all report an
    // interrupted sleep the same way.
    struct Seen {
      bool OnlyStopOrFalse = true, SomeStop = false, NonNeg = true;
      std::optional<SignalResult> Signal;
    };
    llvm::DenseMap<const VarDecl *, Seen> Vars;
    const StopConditions &SC;
    Finder(const KthreadModel &M, const StopConditions &SC) : M(M), SC(SC) {}
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
      SignalResult Report =
          V ? SC.signalResultOf(V) : SignalResult::None;
      if (!S.Signal || *S.Signal != Report)
        S.Signal = S.Signal ? SignalResult::None : Report;
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
  } F(M, *this);
  F.TraverseStmt(FD->getBody());
  LocalFacts L;
  L.SignalsAllowed = SignalsAllowed;
  for (const auto &[VD, S] : F.Vars) {
    if (S.OnlyStopOrFalse && S.SomeStop)
      L.StopVars.insert(VD);
    if (S.NonNeg)
      L.NonNegative.insert(VD);
    if (S.Signal && *S.Signal != SignalResult::None)
      L.SignalResults[VD] = *S.Signal;
  }
  return L;
}

/// If \p Cond tests one of \p Vars for NULL, the branch taken when it is
/// NULL.
static std::optional<bool> nullBranch(const KthreadModel &M, const Expr *Cond,
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
    Cond = comparedWithNull(BO, M.context());
    if (!Cond)
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

namespace {

/// The must-analysis of the stop on the driver: StopRequested on a path
/// once a branch taken only on the stop was, or a helper that ends stopped
/// was called; the join keeps StopUnknown if any path has it.
struct SeenAnalysis {
  using State = unsigned;
  const StopConditions &SC;
  const KthreadModel &M;
  LocalFacts L;
  bool SignalsAllowed;
  const llvm::SmallPtrSetImpl<const VarDecl *> *NonNull;
  /// Per two-way block: the branch taken only on the stop, and the branch
  /// that cannot be taken.
  mutable llvm::DenseMap<const CFGBlock *,
                         std::pair<std::optional<bool>, std::optional<bool>>>
      Branches{};

  State initial(const CFG &) const { return StopUnknown; }

  void transfer(const CFGElement &E, State &S) const {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      if (const auto *C = dyn_cast<CallExpr>(CS->getStmt()))
        if (const FunctionDecl *Callee = C->getDirectCallee())
          if (const FunctionDecl *Def = Callee->getDefinition())
            if (Def->hasBody() && SC.endsStopped(Def, SignalsAllowed))
              S = StopRequested;
  }

  const std::pair<std::optional<bool>, std::optional<bool>> &
  branches(const CFGBlock &B) const {
    auto [It, New] = Branches.try_emplace(&B);
    if (New && B.succ_size() == 2)
      if (const Expr *Cond = branchCondition(B)) {
        It->second.first = SC.stopBranch(Cond, L);
        if (NonNull)
          It->second.second = nullBranch(M, Cond, *NonNull);
        // `timeout == -ERESTARTSYS` as the left of `||` has its own block.
        if (SC.neverTrue(Cond, L))
          It->second.second = true;
      }
    return It->second;
  }

  bool transferBranch(const CFGBlock &B, unsigned Succ, State &S) const {
    if (B.succ_size() != 2)
      return true;
    const auto &[Stop, Dead] = branches(B);
    bool TrueBranch = Succ == 0;
    if (Dead == TrueBranch)
      return false;
    if (Stop == TrueBranch)
      S = StopRequested; // Taken only when the stop was requested.
    return true;
  }

  bool join(State &Into, const State &From) const {
    State J = std::max(Into, From);
    bool Changed = J != Into;
    Into = J;
    return Changed;
  }
};

} // namespace

DataflowResult<unsigned> StopConditions::seenFlow(
    const FunctionDecl *FD, bool SignalsAllowed,
    const llvm::SmallPtrSetImpl<const VarDecl *> *NonNull) const {
  const CFG *G = M.cfgOf(FD);
  if (!G) {
    DataflowResult<unsigned> None;
    None.Complete = false;
    return None;
  }
  SeenAnalysis A{*this, M, localFacts(FD, SignalsAllowed), SignalsAllowed,
                 NonNull};
  return runDataflow(*G, A);
}

unsigned StopConditions::seenBefore(const DataflowResult<unsigned> &R,
                                    const FunctionDecl *FD, const CFGBlock &B,
                                    unsigned Index,
                                    bool SignalsAllowed) const {
  SeenAnalysis A{*this, M, LocalFacts(), SignalsAllowed, nullptr};
  std::optional<unsigned> S = stateBefore(R, A, B, Index);
  return S ? *S : 0;
}

bool StopConditions::endsStopped(const FunctionDecl *FD,
                                 bool SignalsAllowed) const {
  auto Key = std::make_pair(FD, SignalsAllowed);
  if (auto It = EndsStopped.find(Key); It != EndsStopped.end())
    return It->second;
  EndsStopped[Key] = false; // Recursion: no.
  const CFG *G = M.cfgOf(FD);
  if (!G)
    return false;
  DataflowResult<unsigned> R = seenFlow(FD, SignalsAllowed);
  bool Ends = R.Complete && R.at(G->getExit()) == StopRequested;
  EndsStopped[Key] = Ends;
  return Ends;
}

namespace {
/// The statements of a loop and the CFG blocks made of them.
struct RegionBlocks {
  llvm::SmallPtrSet<const Stmt *, 32> Stmts;
  std::vector<char> Inside; // By block ID.
};
} // namespace

static RegionBlocks regionBlocks(const CFG &G,
                                 llvm::ArrayRef<const Stmt *> Region) {
  struct Collect : RecursiveASTVisitor<Collect> {
    llvm::SmallPtrSet<const Stmt *, 32> *Stmts;
    bool VisitStmt(Stmt *S) {
      Stmts->insert(S);
      return true;
    }
  };
  RegionBlocks R;
  Collect C;
  C.Stmts = &R.Stmts;
  for (const Stmt *S : Region)
    C.TraverseStmt(const_cast<Stmt *>(S));
  R.Inside.assign(G.getNumBlockIDs(), 0);
  for (const CFGBlock *B : G) {
    bool In = B->getTerminatorStmt() && R.Stmts.count(B->getTerminatorStmt());
    for (const CFGElement &E : *B)
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
        In |= R.Stmts.count(CS->getStmt()) != 0;
    R.Inside[B->getBlockID()] = In;
  }
  // Empty blocks (the loop's back edge, joins) belong to the loop when all
  // they lead to does.
  for (int Round = 0; Round < 3; ++Round)
    for (const CFGBlock *B : G)
      if (B->empty() && !B->getTerminatorStmt() && B != &G.getEntry() &&
          B != &G.getExit() && B->succ_size() > 0)
        R.Inside[B->getBlockID()] = llvm::all_of(
            B->succs(), [&](const CFGBlock::AdjacentBlock &S) {
              return !S.getReachableBlock() ||
                     R.Inside[S.getReachableBlock()->getBlockID()];
            });
  return R;
}

/// Whether \p B calls a helper of the file (not \p FD, not a stop test
/// itself) that tests the stop.
static bool callsStopTestingHelper(const KthreadModel &M, const CFGBlock &B,
                                   const FunctionDecl *FD) {
  for (const CFGElement &E : B)
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      if (const auto *Call = dyn_cast<CallExpr>(CS->getStmt()))
        if (const FunctionDecl *Callee = Call->getDirectCallee())
          if (const FunctionDecl *Def = Callee->getDefinition();
              Def && Def->hasBody() && Def != FD &&
              !M.isStopTestName(calleeName(Call)) && M.functionTestsStop(Def))
            return true;
  return false;
}

bool StopConditions::leavesOnStop(const FunctionDecl *FD,
                                  llvm::ArrayRef<const Stmt *> Region,
                                  const Expr **DeadTest) const {
  const CFG *G = M.cfgOf(FD);
  if (!G)
    return true;
  RegionBlocks R = regionBlocks(*G, Region);
  const std::vector<char> &Inside = R.Inside;

  // The branches taken only on the stop, and what follows calls of helpers
  // that test the stop themselves.
  LocalFacts L = localFacts(FD, /*SignalsAllowed=*/false);
  std::deque<const CFGBlock *> Work;
  std::vector<char> Seen(G->getNumBlockIDs(), 0);
  auto Push = [&](const CFGBlock *B) {
    if (B && !Seen[B->getBlockID()]) {
      Seen[B->getBlockID()] = 1;
      Work.push_back(B);
    }
  };
  std::vector<std::pair<const CFGBlock *, const Expr *>> Tests;
  bool CallsStopTest = llvm::any_of(R.Stmts, [&](const Stmt *S) {
    const auto *Call = dyn_cast<CallExpr>(S);
    return Call && M.isStopTestName(calleeName(Call));
  });
  for (const CFGBlock *B : *G) {
    if (!Inside[B->getBlockID()])
      continue;
    if (callsStopTestingHelper(M, *B, FD))
      return true;
    if (B->succ_size() != 2)
      continue;
    const Expr *Cond = branchCondition(*B);
    if (!Cond)
      continue;
    std::optional<bool> Stop = stopBranch(Cond, L);
    if (!Stop)
      continue;
    Tests.push_back({B, Cond});
    Push((B->succ_begin() + (*Stop ? 0 : 1))->getReachableBlock());
  }
  // A stop test whose result goes where no branch shows (returned, passed
  // on): not understood, so taken as leaving.
  if (CallsStopTest && Tests.empty())
    return true;
  while (!Work.empty()) {
    const CFGBlock *B = Work.front();
    Work.pop_front();
    if (!Inside[B->getBlockID()])
      return true;
    for (const CFGBlock::AdjacentBlock &S : B->succs())
      Push(S.getReachableBlock());
  }
  if (DeadTest && !Tests.empty())
    *DeadTest = Tests.front().second;
  return false;
}

} // namespace clang::tidy::kthread
