//===--- ExitBeforeStopCheck.cpp - kthread-lint ---------------------------===//

#include "ExitBeforeStopCheck.h"
#include "StopConditions.h"
#include "ThreadFacts.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {
namespace {

/// A stopper that holds its own reference (get_task_struct() on the same
/// handle) keeps the task alive. kthread_stop_put() drops such a reference
/// but takes none: without get_task_struct() it pins nothing.
bool holdsReference(const KthreadModel &M, const HandleUse &Stop) {
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
  for (const FunctionDecl *F : threadFactsOf(M, Thread).Functions) {
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
               !isNullConstant(Value, *Ctx))
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


} // namespace

void ExitBeforeStopCheck::reportExit(SourceLocation Exit,
                                     const FunctionDecl *Thread,
                                     llvm::ArrayRef<const HandleUse *> Stops) {
  llvm::SmallVector<const FunctionDecl *, 2> Stoppers;
  for (const HandleUse *S : Stops)
    if (!llvm::is_contained(Stoppers, S->Enclosing))
      Stoppers.push_back(S->Enclosing);
  diag(Exit, "thread function '%0' can end here before kthread_should_stop() "
             "is true: '%1'%select{ then stops|, and %3 more, then stop}2 a "
             "task that may be freed")
      << Thread->getName() << Stoppers.front()->getName()
      << (Stoppers.size() > 1) << unsigned(Stoppers.size() - 1);
  for (const HandleUse *S : Stops)
    diag(S->Call->getBeginLoc(),
         "'%0' called here on a task that may be gone; pin it with "
         "get_task_struct(), or loop until kthread_should_stop()",
         DiagnosticIDs::Note)
        << S->Call->getDirectCallee()->getName();
}

void ExitBeforeStopCheck::checkModel(const KthreadModel &M) {
  const SourceManager &SM = M.context().getSourceManager();
  const StopConditions &SC = M.facet<StopConditions>();
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
    bool SignalsAllowed = llvm::any_of(
        threadFactsOf(M, Fn).Functions, [](const FunctionDecl *F) {
          return llvm::any_of(callsIn(F->getBody()), [](const CallExpr *C) {
            return effectsOf(calleeName(C)).has(effect::AllowsSignals);
          });
        });
    DataflowResult<unsigned> Seen =
        SC.seenFlow(Fn, SignalsAllowed, &NonNull);
    if (!Seen.Complete)
      continue;

    // Every return, or call that ends the thread, reached unstopped.
    for (const CFGBlock *B : *G) {
      if (Seen.at(*B) != StopUnknown)
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
            SC.seenBefore(Seen, Fn, *B, Here, SignalsAllowed) !=
                StopUnknown)
          continue;
        // Every stopper that can come after this exit: which of them races
        // is the reader's to judge, so none is singled out.
        std::vector<const HandleUse *> Racing;
        for (const auto &[S, Awaited] : Unpinned)
          if (!exitsBeforeSignalling(M, Fn, Awaited, St))
            Racing.push_back(S);
        if (!Racing.empty())
          reportExit(SM.getFileLoc(St->getBeginLoc()), Fn, Racing);
      }
    }
  }
}

} // namespace clang::tidy::kthread
