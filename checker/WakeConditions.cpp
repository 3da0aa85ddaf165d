//===--- WakeConditions.cpp - kthread-lint --------------------------------===//

#include "WakeConditions.h"
#include "HandleLifecycle.h"
#include "ThreadFacts.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

namespace clang::tidy::kthread {
namespace {

/// wake_up(), wake_up_interruptible(), ... (macros over __wake_up() in the
/// kernel's headers): a wake-up of a wait queue the thread sleeps on, not of
/// a task or of a variable's or bit's hashed queue.
bool wakesQueue(const CallEffects &E) {
  return E.has(effect::Signals) && E.Sync == SyncKind::WaitQueue &&
         !E.has(effect::ByAddress);
}

struct Updates : RecursiveASTVisitor<Updates> {
  std::vector<std::pair<const Stmt *, AccessPath>> Writes;
  std::vector<const CallExpr *> Calls;
  void place(const Stmt *At, const Expr *E) {
    if (std::optional<AccessPath> P = objectOfArg(E))
      if (P->Persistent &&
          (!P->Fields.empty() || (P->Base && P->Base->hasGlobalStorage())))
        Writes.push_back({At, *P});
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      place(BO, BO->getLHS());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      place(UO, UO->getSubExpr());
    return true;
  }
  bool VisitCallExpr(CallExpr *C) {
    Calls.push_back(C);
    // List and bit operations, atomics (`list_add_tail(&w->list, &ubi->works)`).
    if (effectsOf(calleeName(C)).has(effect::PublishesData))
      for (const Expr *Arg : C->arguments())
        place(C, Arg);
    return true;
  }
};

} // namespace

std::vector<WakeCondition>
wakeConditions(const KthreadModel &M, const FunctionDecl *ThreadFn,
               const std::set<const FunctionDecl *> &ThreadCode) {
  std::vector<WakeCondition> Out;
  // The thread's handles, and the wait queues it adds itself to.
  std::set<HandleKey> Handles, Queues;
  for (const ThreadCreation *TC : M.creationsRunning(ThreadFn)) {
    if (TC->Key)
      Handles.insert(TC->Key);
    Handles.insert(TC->CopiedTo.begin(), TC->CopiedTo.end());
  }
  for (const FunctionDecl *F : ThreadCode) {
    for (const CallExpr *C : callsIn(F->getBody())) {
      if (effectsOf(calleeName(C)).has(effect::AddsWaiter))
        if (HandleKey K = syncObject(C).first)
          Queues.insert(K);
    }
    // The thread publishing itself: `skt->thread = current;` (pccardd).
    Updates Own;
    Own.TraverseStmt(F->getBody());
    for (const auto &[At, P] : Own.Writes)
      if (const auto *BO = dyn_cast<BinaryOperator>(At))
        if (isCurrentTask(BO->getRHS(), M.context()))
          Handles.insert(HandleKey::of(P));
  }
  if (Handles.empty() && Queues.empty())
    return Out;

  const ASTContext &Ctx = M.context();
  const SourceManager &SM = Ctx.getSourceManager();
  std::set<HandleKey> Seen;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *W = dyn_cast<FunctionDecl>(D);
    if (!W || !W->doesThisDeclarationHaveABody() || ThreadCode.count(W) ||
        !SM.isWrittenInMainFile(SM.getFileLoc(W->getLocation())))
      continue;
    Updates U;
    U.TraverseStmt(W->getBody());
    // The wake-up that starts a thread this function creates runs before
    // anything the thread does: it is the start, not a waker.
    llvm::ArrayRef<const CallExpr *> Starts;
    if (llvm::any_of(M.creations(),
                     [&](const ThreadCreation &TC) { return TC.Enclosing == W; }))
      Starts = creationFlow(M, W).Starts;
    for (const CallExpr *Wake : U.Calls) {
      if (llvm::is_contained(Starts, Wake))
        continue;
      const CallEffects &E = effectsOf(calleeName(Wake));
      if (Wake->getNumArgs() == 0)
        continue;
      bool WakesThread = false;
      if (E.Op == HandleOp::Wake) {
        if (std::optional<AccessPath> P = accessPathOf(Wake->getArg(0)))
          WakesThread = Handles.count(HandleKey::of(*P)) > 0;
      } else if (wakesQueue(E)) {
        WakesThread = Queues.count(syncObject(Wake).first) > 0;
      }
      if (!WakesThread)
        continue;
      for (const auto &[At, P] : U.Writes) {
        HandleKey K = HandleKey::of(P);
        if (Handles.count(K) || Queues.count(K) || !M.reaches(W, At, Wake) ||
            !Seen.insert(K).second)
          continue;
        Out.push_back({K, P.spelling(), Wake, W});
      }
    }
  }
  return Out;
}

} // namespace clang::tidy::kthread
