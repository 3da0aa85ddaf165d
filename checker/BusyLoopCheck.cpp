//===--- BusyLoopCheck.cpp - kthread-lint ---------------------------------===//

#include "BusyLoopCheck.h"
#include "ThreadFacts.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/StringSet.h"
#include <set>

namespace clang::tidy::kthread {
namespace {

/// Functions known to sleep, block or yield (or that may: allocation,
/// freezing, parking).
bool knownToSleep(llvm::StringRef N) {
  return N.startswith("schedule") || N.startswith("msleep") ||
         N.startswith("usleep_range") || N == "ssleep" || N == "fsleep" ||
         N.startswith("wait_for_") || N.startswith("wait_event") ||
         N == "prepare_to_wait_event" || N.startswith("_cond_resched") ||
         N.startswith("cond_resched") || N == "yield" ||
         N.startswith("mutex_lock") || N == "down" ||
         N.startswith("down_") || N == "kthread_parkme" ||
         N == "try_to_freeze" || N == "__refrigerator" ||
         N == "kthread_freezable_should_stop" || N.startswith("synchronize_") ||
         N.startswith("flush_") || N == "might_sleep";
}

/// Functions known not to sleep, whose bodies are not in the translation
/// unit: printing, atomics, spinlocks, trylocks, busy-waits, wake-ups.
bool knownNotToSleep(llvm::StringRef N) {
  static const llvm::StringSet<> Names = {
      "_printk", "printk", "vprintk", "__warn_printk", "__dynamic_pr_debug",
      "_dev_info", "_dev_err", "_dev_warn", "_dev_notice", "__dev_printk",
      "dev_printk", "__wake_up", "__wake_up_sync", "wake_up_process",
      "complete", "complete_all", "kthread_should_stop", "kthread_should_park",
      "kthread_should_stop_or_park", "__udelay", "__const_udelay", "__ndelay",
      "udelay", "mdelay", "ndelay", "__delay", "memcpy", "memset", "memmove",
      "memcmp", "strlen", "strcmp", "get_random_u32", "get_random_bytes",
      "prandom_u32", "ktime_get", "ktime_get_ns", "ktime_get_real",
      "sched_clock", "local_clock", "get_current", "__x86_return_thunk",
      "__fentry__", "__list_add_valid", "__list_del_entry_valid",
      "__warn", "warn_slowpath_fmt", "__stack_chk_fail", "__ubsan_handle",
      "add_timer", "mod_timer", "del_timer", "queue_work_on", "jiffies_to_msecs",
      "__msecs_to_jiffies", "__usecs_to_jiffies", "preempt_schedule_notrace"};
  return Names.contains(N) || N.startswith("atomic") ||
         N.startswith("arch_atomic") || N.startswith("raw_atomic") ||
         N.startswith("spin_lock") || N.startswith("spin_unlock") ||
         N.startswith("_raw_spin") || N.startswith("raw_spin") ||
         N.startswith("__builtin") || N.startswith("rcu_read_") ||
         N.startswith("__rcu_read_") || N.startswith("kasan_") ||
         N.startswith("__kasan") || N.startswith("__tsan") ||
         N.startswith("__sanitizer_cov") || N.startswith("__ubsan") ||
         // A trylock never waits: mutex_trylock(), down_trylock(), ...
         N.endswith("_trylock") || N.contains("_trylock_");
}

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
    if (llvm::is_contained(Sleeping, N) || knownToSleep(N))
      return true;
    if (llvm::is_contained(NonSleeping, N) || knownNotToSleep(N))
      return false;
    // Compile-time traps (BUILD_BUG_ON's __compiletime_assert_N,
    // __bad_udelay, __xchg_wrong_size): calls that never run.
    if (Callee->hasAttr<ErrorAttr>() || N.startswith("__compiletime_assert") ||
        N.startswith("__bad_") || N.endswith("_wrong_size"))
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
        for (const FunctionDecl *F : M.threadFacts(Fn).Functions)
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
      if (!M.testsStop(Loop) || Oracle.maySleep(Loop))
        continue;
      if (!Reported.insert(SM.getFileLoc(L)).second)
        continue;
      diag(SM.getFileLoc(L),
           "this loop in thread function '%0' tests the stop but never "
           "sleeps, blocks or yields: it spins a CPU until kthread_stop(), "
           "and on a non-preemptible kernel triggers soft-lockup warnings; "
           "sleep in it (wait_event_interruptible(), schedule_timeout(), "
           "msleep()) or at least call cond_resched()")
          << Thread->getName();
    }
  }
}

} // namespace clang::tidy::kthread
