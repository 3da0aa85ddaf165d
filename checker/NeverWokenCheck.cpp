//===--- NeverWokenCheck.cpp - kthread-lint -------------------------------===//

#include "NeverWokenCheck.h"
#include "HandleLifecycle.h"
#include "SiblingSummaries.h"
#include <map>

namespace clang::tidy::kthread {

NeverWokenCheck::NeverWokenCheck(StringRef Name, ClangTidyContext *Context)
    : KthreadCheck(Name, Context),
      // Read as text: the bool overload's mangled name differs between the
      // compilers that may build us and clang-tidy.
      CheckWorkers(llvm::StringRef(Options.get("CheckWorkers", "true"))
                       .equals_insensitive("true")) {}

void NeverWokenCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  KthreadCheck::storeOptions(Opts);
  Options.store(Opts, "CheckWorkers", CheckWorkers ? "true" : "false");
}

/// Starts the thread, or hands it over to whoever will.
static bool startsThread(HandleOp Op) {
  return Op == HandleOp::Wake || Op == HandleOp::Park ||
         Op == HandleOp::Unpark || isStopOp(Op);
}

void NeverWokenCheck::checkModel(const KthreadModel &M) {
  bool Workers = CheckWorkers && workerCreationSleeps(M.context());
  std::map<const FunctionDecl *, std::vector<const ThreadCreation *>> ByFn;
  for (const ThreadCreation &TC : M.creations()) {
    bool Sleeps = TC.Api.Kind == CreationKind::Create ||
                  (Workers && TC.Api.Kind == CreationKind::CreateWorker);
    // Returned or passed on: the receiver decides when it runs.
    if (Sleeps && TC.Dest != Destination::Returned &&
        TC.Dest != Destination::Escaped)
      ByFn[TC.Enclosing].push_back(&TC);
  }
  for (const auto &[FD, Created] : ByFn) {
    const ErrPtrFacts &Facts = creationFlow(M, FD);
    for (const ErrPtrFacts::NotStarted &NS : Facts.NotStartedAtExit) {
      if (!llvm::is_contained(Created, NS.Creation))
        continue;
      // Kept in a field or global: woken through it elsewhere, in this
      // file or another of the driver?
      const SiblingSummaries &Siblings = M.facet<SiblingSummaries>();
      bool WokenElsewhere = llvm::any_of(NS.StoredIn, [&](const HandleKey &K) {
        return llvm::any_of(M.usesOf(K),
                            [](const HandleUse *U) {
                              return startsThread(U->Op);
                            }) ||
               llvm::any_of(Siblings.usesOf(K), [](const SiblingUse &U) {
                 return startsThread(U.Op);
               });
      });
      if (WokenElsewhere)
        continue;
      const ThreadCreation &TC = *NS.Creation;
      std::string Fn = TC.ThreadFns.empty()
                           ? std::string("the thread function")
                           : "'" + TC.ThreadFns.front()->getName().str() + "'";
      diag(TC.Loc, "thread created by '%0' is never woken%1: %2 never runs, "
                   "and the task sleeps forever")
          << TC.ApiName << (NS.StartedOnSomePath ? " on some paths" : "")
          << Fn;
      diag(TC.Loc,
           "call wake_up_process() once it is set up, or create it with "
           "kthread_run()",
           DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::kthread
