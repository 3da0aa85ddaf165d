//===--- BusyLoopCheck.cpp - kthread-lint ---------------------------------===//

#include "BusyLoopCheck.h"
#include "StopConditions.h"
#include "ThreadFacts.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include <set>

namespace clang::tidy::kthread {
namespace {

class SleepOracle {
public:
  SleepOracle(llvm::ArrayRef<std::string> Sleeping,
              llvm::ArrayRef<std::string> NonSleeping)
      : Sleeping(Sleeping), NonSleeping(NonSleeping) {}

  /// Whether \p S contains a call that may sleep, block or yield.
  bool maySleep(const Stmt *S) {
    struct Finder : RecursiveASTVisitor<Finder> {
      SleepOracle &O;
      bool Found = false;
      explicit Finder(SleepOracle &O) : O(O) {}
      bool VisitCallExpr(CallExpr *C) {
        if (O.callMaySleep(C)) {
          Found = true;
          return false;
        }
        return true;
      }
    } F(*this);
    F.TraverseStmt(const_cast<Stmt *>(S));
    return F.Found;
  }

  bool callMaySleep(const CallExpr *C) {
    const FunctionDecl *Callee = C->getDirectCallee();
    if (!Callee || !Callee->getIdentifier())
      return true; // Through a pointer: could be anything.
    llvm::StringRef N = Callee->getName();
    const CallEffects &E = effectsOf(N);
    if (llvm::is_contained(Sleeping, N) || E.has(effect::Sleeps))
      return true;
    if (llvm::is_contained(NonSleeping, N) || E.has(effect::NeverSleeps))
      return false;
    // Compile-time traps (BUILD_BUG_ON's __compiletime_assert_N,
    // __bad_udelay, __xchg_wrong_size): calls that never run.
    if (Callee->hasAttr<ErrorAttr>() || E.has(effect::CompileTimeError))
      return false;
    const FunctionDecl *Def = Callee->getDefinition();
    if (!Def || !Def->hasBody())
      return true; // Not known not to sleep.
    auto [It, New] = Memo.try_emplace(Def, false); // Recursion: no.
    if (New)
      It->second = maySleep(Def->getBody());
    return Memo[Def];
  }

private:
  llvm::ArrayRef<std::string> Sleeping, NonSleeping;
  llvm::DenseMap<const FunctionDecl *, bool> Memo;
};

} // namespace

BusyLoopCheck::BusyLoopCheck(StringRef Name, ClangTidyContext *Context)
    : KthreadCheck(Name, Context),
      SleepingFunctions(Options.get("SleepingFunctions", "")),
      NonSleepingFunctions(Options.get("NonSleepingFunctions", "")) {}

void BusyLoopCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  KthreadCheck::storeOptions(Opts);
  Options.store(Opts, "SleepingFunctions", SleepingFunctions);
  Options.store(Opts, "NonSleepingFunctions", NonSleepingFunctions);
}

void BusyLoopCheck::checkModel(const KthreadModel &M) {
  const ASTContext &Ctx = M.context();
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<std::string> Sleeping = splitList(SleepingFunctions);
  std::vector<std::string> NonSleeping = splitList(NonSleepingFunctions);
  SleepOracle Oracle(Sleeping, NonSleeping);

  // Thread functions and the functions they call, each with its thread.
  std::vector<std::pair<const FunctionDecl *, const FunctionDecl *>> Work;
  std::set<const FunctionDecl *> Seen;
  for (const ThreadCreation &TC : M.creations())
    for (const FunctionDecl *Fn : TC.ThreadFns)
      if (Fn->hasBody())
        for (const FunctionDecl *F : threadFactsOf(M, Fn).Functions)
          if (Seen.insert(F).second)
            Work.push_back({F, Fn});

  struct LoopFinder : RecursiveASTVisitor<LoopFinder> {
    std::vector<const Stmt *> Loops;
    bool VisitWhileStmt(WhileStmt *S) { return add(S); }
    bool VisitForStmt(ForStmt *S) { return add(S); }
    bool VisitDoStmt(DoStmt *S) { return add(S); }
    bool add(const Stmt *S) {
      Loops.push_back(S);
      return true;
    }
  };
  std::set<SourceLocation> Reported;
  for (const auto &[F, Thread] : Work) {
    LoopFinder LF;
    LF.TraverseStmt(F->getBody());
    for (const Stmt *Loop : LF.Loops) {
      SourceLocation L = Loop->getBeginLoc();
      // Loops of macros (wait_event's own) are not the user's.
      if (L.isMacroID() && !SM.isMacroArgExpansion(L))
        continue;
      // A loop the stop does not end is missing-should-stop's.
      if (!M.facet<StopConditions>().leavesOnStop(F, {Loop}) || Oracle.maySleep(Loop))
        continue;
      if (!Reported.insert(SM.getFileLoc(L)).second)
        continue;
      diag(SM.getFileLoc(L), "this loop in thread function '%0' never "
                             "sleeps, blocks or yields: it spins a CPU until "
                             "kthread_stop()")
          << Thread->getName();
      diag(SM.getFileLoc(L),
           "sleep in it (wait_event_interruptible(), msleep()) or at least "
           "call cond_resched()",
           DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::kthread
