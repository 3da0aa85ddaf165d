//===--- ThreadFacts.cpp - kthread-lint -----------------------------------===//

#include "ThreadFacts.h"
#include "CalleeSummaries.h"
#include "SiblingSummaries.h"
#include "Dataflow.h"
#include "StopConditions.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSwitch.h"

namespace clang::tidy::kthread {

/// The sync object a call's first argument points to: `&priv->done`,
/// `&done`, `priv->sem` (a pointer field).
std::pair<HandleKey, std::string> syncObject(const CallExpr *C) {
  if (C->getNumArgs() == 0)
    return {};
  const Expr *E = C->getArg(0)->IgnoreParenCasts();
  // spin_lock_irqsave(l, f) is `f = _raw_spin_lock_irqsave(spinlock_check(l))`.
  if (const auto *Check = dyn_cast<CallExpr>(E))
    if (effectsOf(calleeName(Check)).has(effect::LockArgument) &&
        Check->getNumArgs() == 1)
      E = Check->getArg(0)->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr();
  std::optional<AccessPath> P = accessPathOf(E);
  if (!P)
    return {};
  HandleKey K = HandleKey::of(*P);
  if (K.Kind == HandleKey::Local)
    return {HandleKey(), P->spelling()};
  std::string Text = P->spelling();
  return {K, Text};
}

std::optional<ScopedLock> scopedLockOf(const VarDecl *VD) {
  if (!VD->hasAttr<CleanupAttr>() || !VD->getInit())
    return std::nullopt;
  const auto *Ctor = dyn_cast<CallExpr>(VD->getInit()->IgnoreParenImpCasts());
  const FunctionDecl *Callee = Ctor ? Ctor->getDirectCallee() : nullptr;
  const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
  if (!Def || !Def->hasBody() || Ctor->getNumArgs() == 0)
    return std::nullopt;
  // The lock its initialiser's function takes: `({ mutex_lock(_T); _T; })`.
  struct Finder : RecursiveASTVisitor<Finder> {
    std::optional<SyncKind> Kind;
    bool VisitCallExpr(CallExpr *C) {
      SyncKind K;
      if (!Kind && isLockAcquire(calleeName(C), K))
        Kind = K;
      return !Kind;
    }
  } F;
  F.TraverseStmt(Def->getBody());
  if (!F.Kind)
    return std::nullopt;
  return ScopedLock{Ctor, *F.Kind};
}

bool isLockAcquire(llvm::StringRef N, SyncKind &K) {
  const CallEffects &E = effectsOf(N);
  K = E.Sync;
  return E.has(effect::Acquires);
}

bool isLockRelease(llvm::StringRef N, SyncKind &K) {
  const CallEffects &E = effectsOf(N);
  K = E.Sync;
  return E.has(effect::Releases);
}

namespace {

/// One function's own facts, calls not followed.
struct OwnFacts {
  ThreadFacts F;
};

class FactsCollector : public RecursiveASTVisitor<FactsCollector> {
public:
  FactsCollector(const KthreadModel &M, const FunctionDecl *FD, OwnFacts &Out)
      : M(M), Ctx(M.context()), SM(Ctx.getSourceManager()), FD(FD), Out(Out) {}

  bool VisitCallExpr(CallExpr *C) {
    llvm::StringRef N = calleeName(C);
    if (N.empty())
      return true;
    if (M.isStopTestName(N))
      Out.F.TestsStop = true;
    SyncKind LK;
    if (isLockAcquire(N, LK))
      Out.F.Locks.push_back(op(C, LK, N));
    // An unbounded wait on a completion or semaphore.
    const CallEffects &E = effectsOf(N);
    if (E.has(effect::Waits) && !E.Bounded &&
        (E.Sync == SyncKind::Completion || E.Sync == SyncKind::Semaphore))
      wait(C, E.Sync, N, E.Mode == WaitMode::Interruptible);
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (std::optional<ScopedLock> L = scopedLockOf(VD))
      Out.F.Locks.push_back(op(L->Constructor, L->Kind, scopedLockApi(VD)));
    return true;
  }

  bool VisitForStmt(ForStmt *S) {
    if (isWaitEventLoop(S))
      return true;
    loop(S, S->getCond(), S->getBody());
    return true;
  }
  bool VisitWhileStmt(WhileStmt *S) {
    loop(S, S->getCond(), S->getBody());
    return true;
  }
  bool VisitDoStmt(DoStmt *S) {
    loop(S, S->getCond(), S->getBody());
    return true;
  }
  bool VisitCompoundStmt(CompoundStmt *CS) {
    gotoLoops(CS);
    return true;
  }

private:
  /// `guard`, `scoped_guard`, or the constructor's name.
  llvm::StringRef scopedLockApi(const VarDecl *VD) {
    llvm::StringRef Macro = M.facet<MacroExpansions>().outer(
        VD->getBeginLoc(),
        [](llvm::StringRef N) { return macroEffectsOf(N).has(macro::Guard); });
    return Macro.empty() ? calleeName(cast<CallExpr>(
                               VD->getInit()->IgnoreParenImpCasts()))
                         : Macro;
  }

  SyncOp op(const CallExpr *C, SyncKind K, llvm::StringRef Api) {
    auto [Key, Text] = syncObject(C);
    return SyncOp{K, Key, Text, C, SM.getFileLoc(C->getBeginLoc()), Api.str(),
                  FD};
  }

  void wait(const CallExpr *C, SyncKind K, llvm::StringRef Api,
            bool Interruptible) {
    BlindWait W;
    static_cast<SyncOp &>(W) = op(C, K, Api);
    W.Interruptible = Interruptible;
    Out.F.Waits.push_back(W);
  }

  /// The `for (;;)` inside the wait_event*() macros: a wait whose condition
  /// is the macro's argument.
  bool isWaitEventLoop(const ForStmt *S) {
    SourceLocation Written;
    llvm::StringRef Macro = M.facet<MacroExpansions>().outer(
        S->getBeginLoc(),
        [](llvm::StringRef N) {
          return macroEffectsOf(N).has(macro::WaitEvent);
        },
        &Written);
    if (Macro.empty())
      return false;
    const MacroEffects &ME = macroEffectsOf(Macro);
    if (ME.Bounded)
      return true; // Timed: ends by itself.
    const auto *Body = dyn_cast_or_null<CompoundStmt>(S->getBody());
    if (!Body)
      return true;
    const Expr *Cond = nullptr;
    const CallExpr *Prepare = nullptr;
    for (const Stmt *Child : Body->body()) {
      if (const auto *If = dyn_cast<IfStmt>(Child))
        if (!Cond && isa<BreakStmt>(If->getThen()))
          Cond = If->getCond();
      if (const auto *DS = dyn_cast<DeclStmt>(Child))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D))
            if (const auto *C = dyn_cast_or_null<CallExpr>(
                    VD->getInit() ? VD->getInit()->IgnoreParenCasts() : nullptr))
              if (effectsOf(calleeName(C)).has(effect::AddsWaiter))
                Prepare = C;
    }
    if (!Cond || M.testsStop(Cond))
      return true;
    BlindWait W;
    W.Kind = SyncKind::WaitQueue;
    if (Prepare)
      std::tie(W.Object, W.ObjectText) = syncObject(Prepare);
    W.Call = Prepare;
    W.Loc = Written;
    W.Api = Macro;
    W.In = FD;
    W.Interruptible = ME.Mode == WaitMode::Interruptible;
    Out.F.Waits.push_back(W);
    return true;
  }

  /// A loop written by the user (not inside a macro's body).
  bool userWritten(const Stmt *S) {
    SourceLocation L = S->getBeginLoc();
    return !L.isMacroID() || SM.isMacroArgExpansion(L);
  }

  static bool isNoReturnCall(const CallExpr *C) {
    if (const FunctionDecl *FD = C->getDirectCallee())
      return FD->isNoReturn() || isThreadExit(calleeName(C));
    return false;
  }

  /// Whether \p Body can leave the loop other than through its condition.
  class ExitFinder : public RecursiveASTVisitor<ExitFinder> {
  public:
    bool Exits = false;
    unsigned Nesting = 0;
    llvm::SmallPtrSet<const LabelDecl *, 4> Inside;
    std::vector<const GotoStmt *> Gotos;
    bool TraverseForStmt(ForStmt *S) { return nested([&] { return RecursiveASTVisitor::TraverseForStmt(S); }); }
    bool TraverseWhileStmt(WhileStmt *S) { return nested([&] { return RecursiveASTVisitor::TraverseWhileStmt(S); }); }
    bool TraverseDoStmt(DoStmt *S) { return nested([&] { return RecursiveASTVisitor::TraverseDoStmt(S); }); }
    bool TraverseSwitchStmt(SwitchStmt *S) { return nested([&] { return RecursiveASTVisitor::TraverseSwitchStmt(S); }); }
    bool VisitBreakStmt(BreakStmt *) {
      if (Nesting == 0)
        Exits = true;
      return true;
    }
    bool VisitReturnStmt(ReturnStmt *) {
      Exits = true;
      return true;
    }
    bool VisitCallExpr(CallExpr *C) {
      Exits |= isNoReturnCall(C);
      return true;
    }
    bool VisitLabelStmt(LabelStmt *L) {
      Inside.insert(L->getDecl());
      return true;
    }
    bool VisitGotoStmt(GotoStmt *G) {
      Gotos.push_back(G);
      return true;
    }
    bool VisitIndirectGotoStmt(IndirectGotoStmt *) {
      Exits = true;
      return true;
    }
    void finish() {
      for (const GotoStmt *G : Gotos)
        if (!Inside.count(G->getLabel()))
          Exits = true;
    }

  private:
    template <typename F> bool nested(F Traverse) {
      ++Nesting;
      bool R = Traverse();
      --Nesting;
      return R;
    }
  };

  bool alwaysTrue(const Expr *Cond) {
    if (!Cond)
      return true;
    bool Value = false;
    return !Cond->isValueDependent() &&
           Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value;
  }

  void loop(const Stmt *S, const Expr *Cond, const Stmt *Body) {
    if (!userWritten(S))
      return;
    const Expr *DeadTest = nullptr;
    if (M.facet<StopConditions>().leavesOnStop(FD, {S}, &DeadTest))
      return;
    if (alwaysTrue(Cond)) {
      ExitFinder EF;
      EF.TraverseStmt(const_cast<Stmt *>(Body));
      EF.finish();
      if (!EF.Exits)
        Out.F.Loops.push_back(
            {S, SM.getFileLoc(S->getBeginLoc()), FD, DeadTest});
      return;
    }
    if (DeadTest)
      return; // Tests the stop; whether its condition ends it is not known.
    // A loop on some other condition that sleeps uninterruptibly: the wake-up
    // of kthread_stop() finds the condition unchanged and it sleeps again.
    scheduleLoop(S);
  }

  /// `set_current_state(TASK_UNINTERRUPTIBLE); schedule();` in a loop
  /// that never tests the stop.
  void scheduleLoop(const Stmt *Loop) {
    struct Finder : RecursiveASTVisitor<Finder> {
      const KthreadModel &M;
      const llvm::DenseMap<SourceLocation, unsigned> &States;
      Finder(const KthreadModel &M,
             const llvm::DenseMap<SourceLocation, unsigned> &States)
          : M(M), States(States) {}
      const CallExpr *Schedule = nullptr;
      bool Uninterruptible = false, Interruptible = false;
      bool VisitCallExpr(CallExpr *C) {
        if (effectsOf(calleeName(C)).has(effect::Schedules) && !Schedule &&
            !inWaitEventMacro(M, C->getBeginLoc()))
          Schedule = C;
        return true;
      }
      bool VisitStmt(Stmt *S) {
        if (std::optional<SourceLocation> W = stateMacroAt(M, S->getBeginLoc()))
          if (auto It = States.find(*W); It != States.end()) {
            unsigned V = It->second;
            if ((V & 2) && !(V & 1))
              Uninterruptible = true;
            if (V & 1)
              Interruptible = true;
          }
        return true;
      }
    } F(M, states());
    F.TraverseStmt(const_cast<Stmt *>(Loop));
    if (!F.Schedule || !(F.Uninterruptible || F.Interruptible))
      return;
    BlindWait W;
    W.Kind = SyncKind::Sleep;
    W.Call = F.Schedule;
    W.Loc = SM.getFileLoc(F.Schedule->getBeginLoc());
    W.Api = calleeName(F.Schedule).str();
    W.In = FD;
    W.Interruptible = !F.Uninterruptible;
    Out.F.Waits.push_back(W);
  }

  const llvm::DenseMap<SourceLocation, unsigned> &states() {
    return taskStatesOf(M, FD);
  }

  /// `again: ...; goto again;` with nothing that leaves the region.
  void gotoLoops(const CompoundStmt *CS) {
    llvm::DenseMap<const LabelDecl *, unsigned> Labels;
    unsigned I = 0;
    auto Children = llvm::to_vector(CS->body());
    for (const Stmt *Child : Children) {
      if (const auto *L = dyn_cast<LabelStmt>(Child))
        Labels[L->getDecl()] = I;
      if (const auto *G = dyn_cast<GotoStmt>(Child)) {
        auto It = Labels.find(G->getLabel());
        if (It != Labels.end() && userWritten(G)) {
          ExitFinder EF;
          llvm::SmallVector<const Stmt *, 8> Region;
          for (unsigned J = It->second; J <= I; ++J)
            Region.push_back(Children[J]);
          for (unsigned J = It->second; J < I; ++J)
            EF.TraverseStmt(const_cast<Stmt *>(Children[J]));
          const Expr *DeadTest = nullptr;
          bool Stops = M.facet<StopConditions>().leavesOnStop(FD, Region, &DeadTest);
          for (unsigned J = It->second; J < I; ++J)
            if (const auto *L = dyn_cast<LabelStmt>(Children[J]))
              EF.Inside.insert(L->getDecl());
          EF.finish();
          if (!EF.Exits && !Stops)
            Out.F.Loops.push_back(
                {G, SM.getFileLoc(Children[It->second]->getBeginLoc()), FD,
                 DeadTest});
        }
      }
      ++I;
    }
  }

  const KthreadModel &M;
  ASTContext &Ctx;
  const SourceManager &SM;
  const FunctionDecl *FD;
  OwnFacts &Out;
};

} // namespace

static bool isStateMacro(llvm::StringRef N) {
  return macroEffectsOf(N).has(macro::SetsTaskState);
}

std::optional<SourceLocation> stateMacroAt(const KthreadModel &M,
                                           SourceLocation Loc) {
  SourceLocation Written;
  if (M.facet<MacroExpansions>().outer(Loc, isStateMacro, &Written).empty())
    return std::nullopt;
  return Written;
}


bool inWaitEventMacro(const KthreadModel &M, SourceLocation Loc) {
  return !M.facet<MacroExpansions>()
              .outer(Loc,
                     [](llvm::StringRef N) {
                       return macroEffectsOf(N).has(macro::WaitEvent);
                     })
              .empty();
}

llvm::DenseMap<SourceLocation, unsigned>
taskStateSets(const KthreadModel &M, const FunctionDecl *FD) {
  // The state is the macro's argument: the first constant expression spelled
  // in the argument (set_current_state() is an xchg on x86, WRITE_ONCE()
  // elsewhere; the argument is what both have in common). Debug configs
  // (allmodconfig) first check it with WARN_ON_ONCE(is_special_task_state(
  // state)), whose `state & mask` is not the state: skipped.
  struct Finder : RecursiveASTVisitor<Finder> {
    const KthreadModel &M;
    const ASTContext &Ctx;
    llvm::DenseMap<SourceLocation, unsigned> States;
    explicit Finder(const KthreadModel &M) : M(M), Ctx(M.context()) {}
    bool VisitExpr(Expr *E) {
      SourceLocation L = E->getBeginLoc();
      if (!L.isMacroID() || !Ctx.getSourceManager().isMacroArgExpansion(L))
        return true;
      std::optional<SourceLocation> W = stateMacroAt(M, L);
      if (!W || States.count(*W) || E->isValueDependent() ||
          !E->getType()->isIntegerType())
        return true;
      if (!M.facet<MacroExpansions>()
               .outer(L,
                      [](llvm::StringRef N) {
                        return macroEffectsOf(N).has(macro::DebugCheck);
                      })
               .empty())
        return true;
      Expr::EvalResult R;
      if (E->EvaluateAsInt(R, Ctx))
        States[*W] = R.Val.getInt().getZExtValue();
      return true;
    }
  } F(M);
  if (FD->hasBody())
    F.TraverseStmt(FD->getBody());
  return std::move(F.States);
}

const char ThreadFactsFacet::ID = 0;

ThreadFactsFacet::~ThreadFactsFacet() = default;

const llvm::DenseMap<SourceLocation, unsigned> &
ThreadFactsFacet::taskStates(const FunctionDecl *FD) const {
  auto &S = States[FD];
  if (!S)
    S = std::make_unique<llvm::DenseMap<SourceLocation, unsigned>>(
        taskStateSets(M, FD));
  return *S;
}

const ThreadFacts &ThreadFactsFacet::of(const FunctionDecl *FD) const {
  FD = FD->getDefinition() ? FD->getDefinition() : FD;
  auto &Slot = Facts[FD];
  if (Slot)
    return *Slot;
  Slot = std::make_unique<ThreadFacts>();
  // The function and what its calls reach in the module's files.
  for (const FunctionDecl *F : M.facet<CalleeSummaries>().reachableFrom(FD)) {
    if (!F->hasBody())
      continue;
    std::unique_ptr<ThreadFacts> &Mine = Own[F];
    if (!Mine) {
      OwnFacts Collected;
      FactsCollector(M, F, Collected).TraverseStmt(F->getBody());
      Mine = std::make_unique<ThreadFacts>(std::move(Collected.F));
    }
    Slot->Functions.push_back(F);
    Slot->TestsStop |= Mine->TestsStop;
    llvm::append_range(Slot->Loops, Mine->Loops);
    llvm::append_range(Slot->Waits, Mine->Waits);
    llvm::append_range(Slot->Locks, Mine->Locks);
  }
  return *Slot;
}

/// Globals and fields a function assigns, or that appear in its conditions.
static std::set<HandleKey> placesIn(const FunctionDecl *FD, bool Assigned) {
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

std::set<HandleKey> placesAssignedIn(const FunctionDecl *FD) {
  return placesIn(FD, /*Assigned=*/true);
}

std::set<HandleKey> placesTestedIn(const FunctionDecl *FD) {
  return placesIn(FD, /*Assigned=*/false);
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
std::set<HandleKey> completionsAwaitedBefore(const KthreadModel &M,
                                             const HandleUse &Stop) {
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

std::vector<SignalSite> collectSyncSites(const KthreadModel &M,
                                         const FunctionDecl *FD) {
  struct Collector : RecursiveASTVisitor<Collector> {
    const FunctionDecl *FD;
    const SourceManager &SM;
    const MacroExpansions &Macros;
    std::vector<SignalSite> Out;
    Collector(const FunctionDecl *FD, const KthreadModel &M)
        : FD(FD), SM(M.context().getSourceManager()),
          Macros(M.facet<MacroExpansions>()) {}
    void add(const CallExpr *C, SyncKind K, llvm::StringRef Api, bool Signal,
             bool Unlock) {
      SignalSite S;
      S.Kind = K;
      std::tie(S.Object, S.ObjectText) = syncObject(C);
      S.Call = C;
      S.Loc = SM.getFileLoc(C->getBeginLoc());
      S.Api = Api.str();
      // wake_up(x) is a macro over __wake_up(): name what the user wrote.
      llvm::StringRef Macro = Macros.outer(C->getBeginLoc(), [](llvm::StringRef N) {
        return macroEffectsOf(N).has(macro::WakesQueue);
      });
      if (!Macro.empty())
        S.Api = Macro.str();
      S.In = FD;
      S.IsSignal = Signal;
      S.IsUnlock = Unlock;
      Out.push_back(S);
    }
    /// The blocks and `for` statements around the visit: a scoped lock's
    /// scope is the innermost.
    std::vector<const Stmt *> Scopes;
    bool TraverseCompoundStmt(CompoundStmt *S) {
      Scopes.push_back(S);
      bool R = RecursiveASTVisitor::TraverseCompoundStmt(S);
      Scopes.pop_back();
      return R;
    }
    bool TraverseForStmt(ForStmt *S) {
      Scopes.push_back(S);
      bool R = RecursiveASTVisitor::TraverseForStmt(S);
      Scopes.pop_back();
      return R;
    }
    bool VisitVarDecl(VarDecl *VD) {
      std::optional<ScopedLock> L = scopedLockOf(VD);
      if (!L || Scopes.empty())
        return true;
      add(L->Constructor, L->Kind, calleeName(L->Constructor), false, false);
      Out.back().Loc = SM.getFileLoc(VD->getBeginLoc());
      Out.back().Scope = Scopes.back();
      return true;
    }
    bool VisitCallExpr(CallExpr *C) {
      llvm::StringRef N = calleeName(C);
      const CallEffects &E = effectsOf(N);
      // kthread_complete_and_exit() signals too, but ends the thread.
      if (E.has(effect::Signals) && !E.has(effect::EndsThread))
        add(C, E.Sync, N, true, E.has(effect::Releases));
      else if (E.has(effect::Releases))
        add(C, E.Sync, N, false, true);
      else if (E.has(effect::Acquires))
        add(C, E.Sync, N, false, false);
      return true;
    }
  } Col(FD, M);
  if (FD->hasBody())
    Col.TraverseStmt(FD->getBody());
  return std::move(Col.Out);
}

const StoppedThreads &ThreadFactsFacet::stopped() const {
  if (Stopped)
    return *Stopped;
  StoppedThreads R;
  for (const HandleUse &U : M.uses()) {
    if (!isStopOp(U.Op))
      continue;
    for (const ThreadCreation *TC : M.creationsFor(U)) {
      // A kthread_create()d thread stopped on its creator's error path
      // before anything woke it never runs its function (the stop returns
      // -EINTR): that stop waits for nothing (the audit's FP-7).
      if (TC->Api.Kind == CreationKind::Create &&
          U.Enclosing == TC->Enclosing &&
          llvm::none_of(M.usesOf(U.Key), [&](const HandleUse *W) {
            return W->Enclosing == U.Enclosing &&
                   (W->Op == HandleOp::Wake || W->Op == HandleOp::Unpark) &&
                   M.reaches(U.Enclosing, W->Call, U.Call);
          }))
        continue;
      for (const FunctionDecl *Fn : TC->ThreadFns) {
        auto It = llvm::find_if(R, [&](const auto &P) { return P.first == Fn; });
        if (It == R.end()) {
          R.push_back({Fn, {}});
          It = std::prev(R.end());
        }
        if (!llvm::is_contained(It->second, &U))
          It->second.push_back(&U);
      }
    }
  }
  Stopped = std::move(R);
  return *Stopped;
}

std::vector<ThreadStops> threadStops(const KthreadModel &M) {
  std::vector<ThreadStops> R;
  for (const auto &[Fn, Stops] : stoppedThreadFunctions(M))
    R.push_back({Fn, Stops, {}});
  const SiblingSummaries &Siblings = M.facet<SiblingSummaries>();
  if (Siblings.empty())
    return R;
  for (const ThreadCreation &TC : M.creations()) {
    std::set<HandleKey> Keys(TC.CopiedTo.begin(), TC.CopiedTo.end());
    if (TC.Key.Kind == HandleKey::Field || TC.Key.Kind == HandleKey::Global)
      Keys.insert(TC.Key);
    for (const HandleKey &K : Keys)
      for (const SiblingUse &U : Siblings.usesOf(K)) {
        if (!isStopOp(U.Op))
          continue;
        for (const FunctionDecl *Fn : TC.ThreadFns) {
          auto It = llvm::find_if(R, [&](const ThreadStops &T) { return T.Fn == Fn; });
          if (It == R.end())
            It = R.insert(R.end(), {Fn, {}, {}});
          if (!llvm::is_contained(It->Sibling, &U))
            It->Sibling.push_back(&U);
        }
      }
  }
  return R;
}

std::vector<const SignalSite *>
locksHeldAt(const KthreadModel &M, const FunctionDecl *FD, const Stmt *At,
            const std::vector<SignalSite> &Sites) {
  std::vector<const SignalSite *> Held;
  const CFG *G = M.cfgOf(FD);
  auto Target = M.cfgPosition(FD, At);
  if (!G || !Target)
    return Held;
  // A scoped lock is held from its declaration to the end of its scope
  // (Clang 16's CFG does not run `__cleanup` functions).
  const SourceManager &SM = M.context().getSourceManager();
  SourceLocation AtLoc = SM.getFileLoc(At->getBeginLoc());
  for (const SignalSite &S : Sites)
    if (S.Scope && S.Object &&
        SM.isBeforeInTranslationUnit(S.Loc, AtLoc) &&
        SM.isBeforeInTranslationUnit(
            AtLoc, SM.getExpansionRange(S.Scope->getEndLoc()).getEnd()))
      Held.push_back(&S);
  llvm::DenseMap<const Stmt *, const SignalSite *> ByCall;
  for (const SignalSite &S : Sites)
    if (S.Object && !S.Scope && S.Kind != SyncKind::Completion &&
        S.Kind != SyncKind::WaitQueue)
      ByCall[S.Call] = &S;
  if (ByCall.empty())
    return Held;
  // May-held locks: the acquisition site still unreleased, per lock object.
  struct MayHeldLocks {
    using State = std::map<HandleKey, const SignalSite *>;
    const llvm::DenseMap<const Stmt *, const SignalSite *> &ByCall;
    State initial(const CFG &) const { return {}; }
    void transfer(const CFGElement &E, State &S) const {
      std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
      auto It = CS ? ByCall.find(CS->getStmt()) : ByCall.end();
      if (It == ByCall.end())
        return;
      if (It->second->IsUnlock)
        S.erase(It->second->Object);
      else
        S[It->second->Object] = It->second;
    }
    bool transferBranch(const CFGBlock &, unsigned, State &) const {
      return true;
    }
    bool join(State &Into, const State &From) const {
      size_t Before = Into.size();
      Into.insert(From.begin(), From.end());
      return Into.size() != Before;
    }
  } Locks{ByCall};
  DataflowResult<MayHeldLocks::State> R = runDataflow(*G, Locks);
  std::optional<MayHeldLocks::State> AtStop =
      stateBefore(R, Locks, *Target->first, Target->second);
  if (!R.Complete || !AtStop)
    return Held;
  for (const auto &KV : *AtStop)
    Held.push_back(KV.second);
  return Held;
}

} // namespace clang::tidy::kthread
