//===--- ExitBeforeStopCheck.cpp - kthread-lint ---------------------------===//

#include "ExitBeforeStopCheck.h"
#include "SiblingSummaries.h"
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


/// The stopper tests state that the thread changes before it ends
/// (ext4's lazyinit thread clears ext4_li_info, which the stopper tests
/// before kthread_stop()): a hand-made protocol we trust.
/// The fields and globals the thread and what it calls assign.
std::set<HandleKey> placesThreadWrites(const KthreadModel &M,
                                       const FunctionDecl *Thread) {
  std::set<HandleKey> Written;
  for (const FunctionDecl *F : threadFactsOf(M, Thread).Functions) {
    std::set<HandleKey> K = placesAssignedIn(F);
    Written.insert(K.begin(), K.end());
  }
  return Written;
}

bool stopperFollowsThreadState(const KthreadModel &M, const FunctionDecl *Thread,
                               const HandleUse &Stop) {
  std::set<HandleKey> Written = placesThreadWrites(M, Thread);
  for (const HandleKey &K : placesTestedIn(Stop.Enclosing))
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

std::string ExitBeforeStopCheck::UnpinnedStop::stopper() const {
  return Here ? Here->Enclosing->getName().str() : Sibling->Function;
}

/// The stops of \p Fn's thread that do not keep the task alive, with what
/// each awaits: in this file, and in the other files of the driver.
std::vector<ExitBeforeStopCheck::UnpinnedStop>
ExitBeforeStopCheck::unpinnedStops(const KthreadModel &M,
                                   const FunctionDecl *Fn,
                                   llvm::ArrayRef<const HandleUse *> Here,
                                   llvm::ArrayRef<const SiblingUse *> Sibling) {
  std::vector<UnpinnedStop> R;
  for (const HandleUse *S : Here)
    if (S->Op != HandleOp::DestroyWorker && !holdsReference(M, *S) &&
        !stopperFollowsThreadState(M, Fn, *S))
      R.push_back({S, nullptr, completionsAwaitedBefore(M, *S)});
  if (Sibling.empty())
    return R;
  // As stopperFollowsThreadState(), with what the stopper's file tests.
  std::set<HandleKey> Written = placesThreadWrites(M, Fn);
  for (const SiblingUse *S : Sibling) {
    bool PinnedHere = llvm::any_of(M.usesOf(S->Key), [](const HandleUse *U) {
      return U->Op == HandleOp::GetRef;
    });
    if (S->Op == HandleOp::DestroyWorker || S->HoldsReference || PinnedHere ||
        llvm::any_of(S->Tests, [&](const HandleKey &K) { return Written.count(K); }))
      continue;
    R.push_back({nullptr, S, std::set<HandleKey>(S->Awaits.begin(), S->Awaits.end())});
  }
  return R;
}

void ExitBeforeStopCheck::reportExit(const KthreadModel &M, SourceLocation Exit,
                                     const FunctionDecl *Thread,
                                     llvm::ArrayRef<const UnpinnedStop *> Stops) {
  llvm::SmallVector<std::string, 2> Stoppers;
  for (const UnpinnedStop *S : Stops)
    if (!llvm::is_contained(Stoppers, S->stopper()))
      Stoppers.push_back(S->stopper());
  diag(Exit, "thread function '%0' can end here before kthread_should_stop() "
             "is true: '%1'%select{ then stops|, and %3 more, then stop}2 a "
             "task that may be freed")
      << Thread->getName() << Stoppers.front()
      << (Stoppers.size() > 1) << unsigned(Stoppers.size() - 1);
  for (const UnpinnedStop *S : Stops) {
    if (S->Here) {
      diag(S->Here->Call->getBeginLoc(),
           "'%0' called here on a task that may be gone; pin it with "
           "get_task_struct(), or loop until kthread_should_stop()",
           DiagnosticIDs::Note)
          << S->Here->Call->getDirectCallee()->getName();
      continue;
    }
    // The stop is in another file: the note goes where the thread is made.
    llvm::ArrayRef<const ThreadCreation *> Made = M.creationsRunning(Thread);
    if (Made.empty())
      continue;
    diag(Made.front()->Loc,
         "stopped in another file, in %0, on a task that may be gone; pin "
         "it with get_task_struct(), or loop until kthread_should_stop()",
         DiagnosticIDs::Note)
        << S->Sibling->where();
  }
}

void ExitBeforeStopCheck::checkModel(const KthreadModel &M) {
  const SourceManager &SM = M.context().getSourceManager();
  const StopConditions &SC = M.facet<StopConditions>();
  for (const ThreadStops &T : threadStops(M)) {
    const FunctionDecl *Fn = T.Fn;
    std::vector<UnpinnedStop> Unpinned = unpinnedStops(M, Fn, T.Here, T.Sibling);
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
        std::vector<const UnpinnedStop *> Racing;
        for (const UnpinnedStop &S : Unpinned)
          if (!exitsBeforeSignalling(M, Fn, S.Awaited, St))
            Racing.push_back(&S);
        if (!Racing.empty())
          reportExit(M, SM.getFileLoc(St->getBeginLoc()), Fn, Racing);
      }
    }
  }
}

} // namespace clang::tidy::kthread
