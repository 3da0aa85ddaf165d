//===--- StopOrderingCheck.cpp - kthread-lint -----------------------------===//

#include "StopOrderingCheck.h"
#include "ThreadFacts.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include <set>

namespace clang::tidy::kthread {

/// The statement of \p Body whose value is \p E (`kthread_stop(t);`,
/// `ret = kthread_stop(t);`) and the statement after it.
static std::pair<const Stmt *, const Stmt *>
statementAndNext(const Stmt *Body, const Expr *E) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const Expr *E;
    std::pair<const Stmt *, const Stmt *> Found{nullptr, nullptr};
    bool VisitCompoundStmt(CompoundStmt *CS) {
      auto Children = llvm::to_vector(CS->body());
      for (size_t I = 0; I < Children.size(); ++I) {
        const Stmt *S = Children[I];
        const Expr *V = dyn_cast<Expr>(S);
        if (!V)
          continue;
        V = V->IgnoreParenCasts();
        if (const auto *BO = dyn_cast<BinaryOperator>(V))
          if (BO->getOpcode() == BO_Assign)
            V = BO->getRHS()->IgnoreParenCasts();
        if (V == E) {
          Found = {S, I + 1 < Children.size() ? Children[I + 1] : nullptr};
          return false;
        }
      }
      return true;
    }
  } F;
  F.E = E;
  F.TraverseStmt(const_cast<Stmt *>(Body));
  return F.Found;
}

/// Whether \p S is the statement `signal(...);` for the call \p Call.
static bool isStatementOf(const Stmt *S, const CallExpr *Call) {
  const auto *E = dyn_cast_or_null<Expr>(S);
  if (!E)
    return false;
  E = E->IgnoreParenCasts();
  if (E == Call)
    return true;
  // wake_up(x) is `__wake_up(x, ...)`: the statement is the macro call.
  return isa<CallExpr>(E) && E->getBeginLoc().isMacroID() &&
         E->getSourceRange().fullyContains(Call->getSourceRange());
}

/// The stopper's signal of what \p W waits on when it comes only after the
/// stop: no signal reaches the stop and one is reached from it.
static const SignalSite *signalOnlyAfterStop(const KthreadModel &M,
                                             const HandleUse &Stop,
                                             const BlindWait &W,
                                             llvm::ArrayRef<SignalSite> Sites) {
  const SignalSite *Late = nullptr;
  for (const SignalSite &S : Sites) {
    if (!S.IsSignal || S.Kind != W.Kind || !(S.Object == W.Object))
      continue;
    if (M.reaches(Stop.Enclosing, S.Call, Stop.Call))
      return nullptr;
    if (!Late && M.reaches(Stop.Enclosing, Stop.Call, S.Call))
      Late = &S;
  }
  return Late;
}

/// The fix-it that swaps the stop with the signal, when the signal is the
/// very next statement; none otherwise.
static llvm::SmallVector<FixItHint, 2>
swapWithNextStatement(const KthreadModel &M, const HandleUse &Stop,
                      const SignalSite &Signal) {
  const ASTContext &Ctx = M.context();
  const SourceManager &SM = Ctx.getSourceManager();
  auto [StopStmt, Next] = statementAndNext(Stop.Enclosing->getBody(), Stop.Call);
  if (!StopStmt || !Next || !isStatementOf(Next, Signal.Call))
    return {};
  auto FileRange = [&](const Stmt *S) {
    return Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(S->getSourceRange()), SM,
        Ctx.getLangOpts());
  };
  CharSourceRange A = FileRange(StopStmt), B = FileRange(Next);
  if (A.isInvalid() || B.isInvalid())
    return {};
  return {FixItHint::CreateReplacement(
              A, Lexer::getSourceText(B, SM, Ctx.getLangOpts())),
          FixItHint::CreateReplacement(
              B, Lexer::getSourceText(A, SM, Ctx.getLangOpts()))};
}

void StopOrderingCheck::reportSignalAfterStop(const KthreadModel &M,
                                              const HandleUse &Stop,
                                              const SignalSite &Late,
                                              const BlindWait &W,
                                              const FunctionDecl *Thread) {
  diag(Stop.Call->getBeginLoc(),
       "'%0' is called before '%1(&%2)', which thread function '%3' waits "
       "for: each waits for the other, a deadlock")
      << Stop.Call->getDirectCallee()->getName() << Late.Api << Late.ObjectText
      << Thread->getName() << swapWithNextStatement(M, Stop, Late);
  diag(W.Loc, "'%0' waits here for '%1'", DiagnosticIDs::Note)
      << W.Api << W.ObjectText;
  diag(Late.Loc,
       "'%0' signals it only here, after the stop; signal before stopping",
       DiagnosticIDs::Note)
      << Late.Api;
}

void StopOrderingCheck::reportLockHeld(const HandleUse &Stop,
                                       const SignalSite &Held,
                                       const SyncOp &Taken,
                                       const FunctionDecl *Thread) {
  diag(Stop.Call->getBeginLoc(),
       "'%0' is called while holding '%1', which thread function '%2' takes: "
       "each waits for the other, a deadlock")
      << Stop.Call->getDirectCallee()->getName() << Held.ObjectText
      << Thread->getName();
  diag(Held.Loc, "'%0' taken here; release it before stopping",
       DiagnosticIDs::Note)
      << Held.ObjectText;
  diag(Taken.Loc, "'%0' takes it here", DiagnosticIDs::Note)
      << Thread->getName();
}

void StopOrderingCheck::checkModel(const KthreadModel &M) {
  bool InterruptibleHangs = interruptibleWaitsHang();
  std::set<const CallExpr *> Reported;
  for (const auto &[Fn, Stops] : stoppedThreadFunctions(M)) {
    if (!Fn->hasBody())
      continue;
    const ThreadFacts &F = threadFactsOf(M, Fn);
    for (const HandleUse *Stop : Stops) {
      if (Stop->Op == HandleOp::DestroyWorker)
        continue;
      std::vector<SignalSite> Sites = collectSyncSites(M, Stop->Enclosing);
      // 1. A signal the thread waits for, only after the stop.
      for (const BlindWait &W : F.Waits) {
        if (!W.Object || W.Kind == SyncKind::Sleep ||
            (W.Interruptible && !InterruptibleHangs))
          continue;
        const SignalSite *Late = signalOnlyAfterStop(M, *Stop, W, Sites);
        if (Late && Reported.insert(Stop->Call).second)
          reportSignalAfterStop(M, *Stop, *Late, W, Fn);
      }
      // 2. A lock held across the stop that the thread takes.
      for (const SignalSite *Held :
           locksHeldAt(M, Stop->Enclosing, Stop->Call, Sites)) {
        auto Taken = llvm::find_if(F.Locks, [&](const SyncOp &L) {
          return L.Object == Held->Object;
        });
        if (Taken != F.Locks.end() && Reported.insert(Stop->Call).second)
          reportLockHeld(*Stop, *Held, *Taken, Fn);
      }
    }
  }
}

} // namespace clang::tidy::kthread
