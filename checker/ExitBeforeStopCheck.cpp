//===--- ExitBeforeStopCheck.cpp - kthread-lint ---------------------------===//

#include "ExitBeforeStopCheck.h"
#include "ThreadFacts.h"
#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/FlowSensitive/DataflowWorklist.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <set>

namespace clang::tidy::kthread {
namespace {

/// If one branch of \p Cond is taken only when the stop was requested, that
/// branch: true for `kthread_should_stop()`, false for its negation. Sees
/// through likely()/unlikely(), a variable holding the test, and `&&`/`||`:
/// `stop && x` being true needs the stop, so does `!stop || x` being false
/// (ocfs2's `while (!(kthread_should_stop() && empty))`).
std::optional<bool>
stopPolarity(const KthreadModel &M, const Expr *Cond,
             const llvm::SmallPtrSetImpl<const VarDecl *> &StopVars,
             unsigned Depth = 0) {
  bool Negated = false;
  Cond = unwrapCondition(Cond, Negated);
  if (!Cond || Depth > 8)
    return std::nullopt;
  bool Positive = !Negated;
  if (const auto *BO = dyn_cast<BinaryOperator>(Cond); BO && BO->isLogicalOp()) {
    // The branch in which both operands have the same value as the whole.
    bool Agreeing = BO->getOpcode() == BO_LAnd;
    for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
      if (stopPolarity(M, Side, StopVars, Depth + 1) == Agreeing)
        return Agreeing == Positive;
    return std::nullopt;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Cond))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (StopVars.count(VD))
        return Positive;
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
  return false;
}

/// Local variables that only ever hold the result of a stop test:
/// `should_stop = kthread_should_stop();` (workqueue's rescuer).
llvm::SmallPtrSet<const VarDecl *, 4> stopVariables(const KthreadModel &M,
                                                    const FunctionDecl *FD) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const KthreadModel &M;
    llvm::DenseMap<const VarDecl *, bool> OnlyStop;
    explicit Finder(const KthreadModel &M) : M(M) {}
    void saw(const VarDecl *VD, const Expr *Value) {
      const auto *C = dyn_cast_or_null<CallExpr>(
          Value ? Value->IgnoreParenImpCasts() : nullptr);
      bool IsStop = C && M.isStopTestName(calleeName(C));
      auto [It, New] = OnlyStop.try_emplace(VD, IsStop);
      if (!New)
        It->second = It->second && IsStop;
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
  } F(M);
  F.TraverseStmt(FD->getBody());
  llvm::SmallPtrSet<const VarDecl *, 4> R;
  for (const auto &[VD, Only] : F.OnlyStop)
    if (Only)
      R.insert(VD);
  return R;
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

/// The must-analysis over \p FD: for each block, whether every path to its
/// start has seen kthread_should_stop() true (1), or not (2); 0: unreached.
/// Calls to functions that only return once the stop was seen count.
class StopSeen {
public:
  explicit StopSeen(const KthreadModel &M) : M(M) {}

  std::vector<unsigned> run(const FunctionDecl *FD, const CFG &G,
                            unsigned Depth) {
    llvm::SmallPtrSet<const VarDecl *, 4> StopVars = stopVariables(M, FD);
    std::vector<unsigned> In(G.getNumBlockIDs(), 0);
    In[G.getEntry().getBlockID()] = 2;
    PostOrderCFGView POV(&G);
    ForwardDataflowWorklist WL(G, &POV);
    WL.enqueueBlock(&G.getEntry());
    while (const CFGBlock *B = WL.dequeue()) {
      unsigned Out = after(*B, In[B->getBlockID()], ~0u, Depth);
      std::optional<bool> Polarity;
      if (B->succ_size() == 2)
        Polarity = stopPolarity(
            M, branchCondition(*B), StopVars);
      unsigned I = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        bool TrueBranch = I++ == 0;
        const CFGBlock *SB = Succ.getReachableBlock();
        if (!SB)
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
    auto [It, New] = Memo.try_emplace(FD, false);
    if (!New)
      return It->second;
    const CFG *G = M.cfgOf(FD);
    if (!G)
      return false;
    std::vector<unsigned> In = run(FD, *G, Depth);
    bool R = In[G->getExit().getBlockID()] == 1;
    Memo[FD] = R;
    return R;
  }

private:
  const KthreadModel &M;
  llvm::DenseMap<const FunctionDecl *, bool> Memo;
};

} // namespace

void ExitBeforeStopCheck::checkModel(const KthreadModel &M) {
  const SourceManager &SM = M.context().getSourceManager();
  StopSeen Analysis(M);
  for (const auto &[Fn, Stops] : stoppedThreadFunctions(M)) {
    const HandleUse *Unpinned = nullptr;
    for (const HandleUse *S : Stops)
      if (S->Op != HandleOp::DestroyWorker && !holdsReference(M, *S) &&
          !stopperFollowsThreadState(M, Fn, *S)) {
        Unpinned = S;
        break;
      }
    const CFG *G = Fn->hasBody() ? M.cfgOf(Fn) : nullptr;
    if (!Unpinned || !G)
      continue;
    std::vector<unsigned> In = Analysis.run(Fn, *G, CalleeDepth);

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
        diag(SM.getFileLoc(St->getBeginLoc()),
             "thread function '%0' can end here before kthread_should_stop() "
             "is true, while '%1' stops it later without holding a "
             "reference: the task may already be freed when kthread_stop() "
             "touches it (use-after-free); loop until kthread_should_stop() "
             "before returning, or pin the task with get_task_struct() "
             "after creating it and put_task_struct() after kthread_stop()")
            << Fn->getName() << Unpinned->Enclosing->getName();
        diag(Unpinned->Call->getBeginLoc(),
             "'%0' called here on a task that may be gone",
             DiagnosticIDs::Note)
            << Unpinned->Call->getDirectCallee()->getName();
      }
    }
  }
}

} // namespace clang::tidy::kthread
