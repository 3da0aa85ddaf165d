//===--- LostWakeupCheck.cpp - kthread-lint -------------------------------===//

#include "LostWakeupCheck.h"
#include "ThreadFacts.h"
#include "WakeConditions.h"
#include "SleepOrder.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {

void LostWakeupCheck::reportLostDataWakeup(const CallExpr *Schedule,
                                           const Expr *Read,
                                           SourceLocation StateSet,
                                           const WakeCondition &C,
                                           const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  diag(SM.getFileLoc(Schedule->getBeginLoc()),
       "'schedule()' can sleep through a wake-up: '%0' was read before the "
       "task state was set, so a wake-up from '%1' in between is lost")
      << C.PlaceText << C.Waker->getName();
  diag(SM.getFileLoc(Read->getBeginLoc()), "'%0' is read here",
       DiagnosticIDs::Note)
      << C.PlaceText;
  if (StateSet.isValid())
    diag(StateSet, "and the state is set only here; set it before the test",
         DiagnosticIDs::Note);
  diag(SM.getFileLoc(C.Wake->getBeginLoc()),
       "'%0' updates '%1' and wakes the thread here", DiagnosticIDs::Note)
      << C.Waker->getName() << C.PlaceText;
}

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
  // The wake conditions of each thread, by the functions of its code.
  std::map<const FunctionDecl *, std::vector<WakeCondition>> ConditionsOf;
  std::map<const FunctionDecl *, std::vector<const WakeCondition *>> Conditions;
  for (const ThreadCreation &TC : M.creations())
    for (const FunctionDecl *Fn : TC.ThreadFns) {
      if (!Fn->hasBody() || ConditionsOf.count(Fn))
        continue;
      const std::vector<const FunctionDecl *> &Code = threadFactsOf(M, Fn).Functions;
      Functions.insert(Code.begin(), Code.end());
      ConditionsOf[Fn] = wakeConditions(M, Fn, {Code.begin(), Code.end()});
      for (const FunctionDecl *F : Code)
        for (const WakeCondition &C : ConditionsOf[Fn])
          Conditions[F].push_back(&C);
    }
  std::set<const CallExpr *> Reported;
  for (const FunctionDecl *FD : Functions)
    for (const LostWakeup &W :
         findLostWakeups(M, FD, Conditions[FD], SleepsThroughStop)) {
      if (!Reported.insert(W.Schedule).second)
        continue;
      if (W.Kind == LostWakeup::Data) {
        reportLostDataWakeup(W.Schedule, W.Read, W.StateSet, *W.Condition, Ctx);
        continue;
      }
      diag(Ctx.getSourceManager().getFileLoc(W.Schedule->getBeginLoc()),
           "'schedule()' can sleep forever: the stop was tested before the "
           "task state was set, so a kthread_stop() in between is lost");
      diag(Ctx.getSourceManager().getFileLoc(W.Test->getBeginLoc()),
           "the stop is tested here", DiagnosticIDs::Note);
      diag(W.StateSet, "and the state is set only here; set it before the test",
           DiagnosticIDs::Note);
    }
}

} // namespace clang::tidy::kthread
