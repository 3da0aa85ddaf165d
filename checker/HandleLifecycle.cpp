//===--- HandleLifecycle.cpp - kthread-lint -------------------------------===//

#include "HandleLifecycle.h"
#include "CalleeSummaries.h"
#include "SiblingSummaries.h"
#include "Dataflow.h"
#include "ThreadFacts.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ParentMap.h"
#include "clang/Analysis/CallGraph.h"
#include "clang/Basic/SourceManager.h"

namespace clang::tidy::kthread {
namespace {

//===--- Places and values ------------------------------------------------===//

/// A tracked value: a creation result, or the content of a field or global
/// that may hold an ERR_PTR left there by another function.
using ValueId = const void *;

/// The value of places known to hold NULL.
const ValueId NullHandle = reinterpret_cast<ValueId>(uintptr_t(1));

/// A place on a path: an access path and, for an array element, its index
/// when it is a constant (`thread[SHA]` and `thread[AES]` are two places,
/// `thread[i]` is one for every i); or a value's own slot (\c Own), which
/// no store overwrites: what the thread is, wherever its handle went.
struct Place {
  AccessPath Path;
  std::optional<int64_t> Index;
  ValueId Own = nullptr;

  static Place own(ValueId V) {
    Place P;
    P.Own = V;
    return P;
  }
  bool isOwn() const { return Own != nullptr; }
  bool persistent() const { return !isOwn() && Path.Persistent; }
  bool operator<(const Place &O) const {
    return std::tie(Own, Path, Index) < std::tie(O.Own, O.Path, O.Index);
  }
  bool operator==(const Place &O) const {
    return Own == O.Own && Path == O.Path && Index == O.Index;
  }
};

std::optional<Place> placeOf(const Expr *E, const ASTContext &Ctx) {
  std::optional<AccessPath> P = accessPathOf(E);
  if (!P)
    return std::nullopt;
  Place Pl;
  Pl.Path = *P;
  if (!P->ArrayElement)
    return Pl;
  const ArraySubscriptExpr *Sub = nullptr;
  unsigned Subscripts = 0;
  for (const Expr *X = E->IgnoreParenCasts(); X;) {
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(X)) {
      Sub = ASE;
      ++Subscripts;
      X = ASE->getBase()->IgnoreParenCasts();
    } else if (const auto *ME = dyn_cast<MemberExpr>(X)) {
      X = ME->getBase()->IgnoreParenCasts();
    } else {
      break;
    }
  }
  Expr::EvalResult R;
  if (Subscripts == 1 && !Sub->getIdx()->isValueDependent() &&
      Sub->getIdx()->EvaluateAsInt(R, Ctx))
    Pl.Index = R.Val.getInt().getExtValue();
  return Pl;
}

/// What the thread behind a value may be, on the paths reaching a point: a
/// set, so that "created, IS_ERR() not tested yet" is {Err, Asleep}.
enum Life : uint8_t {
  Err = 1,     ///< An ERR_PTR: no thread.
  Asleep = 2,  ///< Created and not woken yet.
  Running = 4, ///< Woken, parked, or created running.
  Stopped = 8,
  Away = 16, ///< Returned, or handed to code we cannot follow.
  Valid = Asleep | Running | Stopped | Away,
};

/// What the function did with a value while it may be an ERR_PTR.
enum Mark : uint8_t {
  NullTested = 1, ///< A NULL test let it through: the author thinks it safe.
  /// The function returned on this path with the failure (PTR_ERR(t), a
  /// negative errno): whoever called it owns the unwind.
  FailurePropagated = 2,
  /// The function returned on this path without reporting a failure.
  FailureSwallowed = 4,
  /// The object holding the place went to a function of this file that
  /// reads the place: the function's own unwind (ipmi_ipmb's probe calls
  /// its cleanup on the failure path), not only the caller's.
  HandedToReader = 8,
  /// The place held NULL on some path joined here.
  MaybeNull = 16,
};

/// A place's value and what it may be there. Kept per place, not per value,
/// so that resetting one place on the error path does not blur the others
/// at a join; what happens to a value (a test, a wake, a stop) applies to
/// every place holding it.
struct Binding {
  ValueId V = nullptr;
  const Stmt *Store = nullptr;
  uint8_t Life = 0;
  uint8_t Marks = 0;
  /// Variables given an error code on this path while the value may be an
  /// ERR_PTR (`err = PTR_ERR(t)`, `ret = -ENOMEM`): returning one of them
  /// reports this value's failure. Kept with the value, not the state, so
  /// that another path's error code does not speak for this one's failure.
  std::set<const VarDecl *> ErrCodes;

  auto tie() const { return std::tie(V, Store, Life, Marks, ErrCodes); }
  bool operator==(const Binding &O) const { return tie() == O.tie(); }
  bool operator<(const Binding &O) const { return tie() < O.tie(); }
};

/// What a path knows of a local: a constant's truth, or the result of a test
/// of a value (`err = PTR_ERR_OR_ZERO(t)`, `failed = IS_ERR(t)`, WARN_ON's
/// `__ret_warn_on = !!(IS_ERR(t))`, `ret = start_threads(st)`).
struct LocalFact {
  enum KindTy : uint8_t { Zero, NonZero, Test } Kind = Zero;
  ValueId V = nullptr;
  bool IsErrTest = false; ///< IS_ERR()-like; else a NULL test.
  /// Err test: true means the error. NULL test: true means NULL.
  bool TrueMeans = false;

  static LocalFact test(ValueId V, bool IsErrTest, bool TrueMeans) {
    return {Test, V, IsErrTest, TrueMeans};
  }
  auto tie() const { return std::tie(Kind, V, IsErrTest, TrueMeans); }
  bool operator==(const LocalFact &O) const { return tie() == O.tie(); }
  bool operator<(const LocalFact &O) const { return tie() < O.tie(); }
};

struct HandleState {
  std::map<Place, Binding> Bound;
  std::map<const VarDecl *, LocalFact> Locals;
  /// Variables holding an error code: `err = PTR_ERR(t)`, `ret = -ENOMEM`.
  std::set<const VarDecl *> ErrorCodes;
  /// Loop bounds set to the index of a failed element (`commit_threads = i`
  /// in fs/jfs/super.c): a loop below them sees only the elements before.
  std::set<const VarDecl *> FailedIndexBounds;
  /// Conditions already decided on this path (index into the analysis's
  /// condition table), and constants stored into lvalues, by the same table.
  std::map<unsigned, bool> Conds;

  auto tie() const {
    return std::tie(Bound, Locals, ErrorCodes, FailedIndexBounds, Conds);
  }
  bool operator==(const HandleState &O) const { return tie() == O.tie(); }
  bool operator<(const HandleState &O) const { return tie() < O.tie(); }

  void join(const HandleState &O);
};

template <typename K, typename V>
void keepEqual(std::map<K, V> &Into, const std::map<K, V> &From) {
  for (auto It = Into.begin(); It != Into.end();) {
    auto F = From.find(It->first);
    It = F == From.end() || !(F->second == It->second) ? Into.erase(It)
                                                       : std::next(It);
  }
}

void HandleState::join(const HandleState &O) {
  // A place bound on one side only holds, on the other, nothing we know.
  for (auto &[P, B] : Bound)
    if (!O.Bound.count(P))
      B.Marks |= MaybeNull;
  for (const auto &[P, B] : O.Bound) {
    auto [It, New] = Bound.insert({P, B});
    if (New) {
      It->second.Marks |= MaybeNull;
      continue;
    }
    Binding &Mine = It->second;
    if (Mine.V != B.V) {
      // NULL on one path and a value on the other: the value, maybe NULL.
      if (Mine.V == NullHandle)
        Mine = B;
      else if (B.V != NullHandle) {
        Bound.erase(It); // Different values on different paths: unknown.
        continue;
      }
      Mine.Marks |= MaybeNull;
      continue;
    }
    // An error code reports the failure only if every path on which the
    // value may be an ERR_PTR set it.
    if ((Mine.Life & Err) && (B.Life & Err)) {
      std::set<const VarDecl *> Both;
      for (const VarDecl *VD : Mine.ErrCodes)
        if (B.ErrCodes.count(VD))
          Both.insert(VD);
      Mine.ErrCodes = std::move(Both);
    } else if (B.Life & Err) {
      Mine.ErrCodes = B.ErrCodes;
    }
    Mine.Life |= B.Life;
    Mine.Marks |= B.Marks;
  }
  keepEqual(Locals, O.Locals);
  keepEqual(Conds, O.Conds);
  ErrorCodes.insert(O.ErrorCodes.begin(), O.ErrorCodes.end());
  FailedIndexBounds.insert(O.FailedIndexBounds.begin(),
                           O.FailedIndexBounds.end());
}

//===--- Helpers on expressions -------------------------------------------===//

bool isIntegerLocal(const VarDecl *VD) {
  return VD && VD->isLocalVarDecl() && !VD->isStaticLocal() &&
         (VD->getType()->isIntegerType() || VD->getType()->isBooleanType());
}

bool isPlainVariable(const AccessPath &P) {
  return P.Base && P.Fields.empty() && !P.ArrayElement;
}

const VarDecl *varOf(const Expr *E) {
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return VD;
  return nullptr;
}

/// The variable indexing the innermost array element of \p E
/// (`infos[i].thread` gives `i`), or null.
const VarDecl *subscriptVar(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E))
      return varOf(ASE->getIdx());
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      E = ME->getBase();
    else
      return nullptr;
  }
  return nullptr;
}

/// The variable indexing the element a store writes (`threads[i] = ...`).
const VarDecl *storeIndexVar(const Stmt *Store) {
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Store))
    return subscriptVar(BO->getLHS());
  return nullptr;
}

/// `t == ERR_PTR(-ENOMEM)`: the side compared with one error value.
const Expr *comparedWithOneError(const BinaryOperator *BO) {
  const Expr *L = BO->getLHS(), *R = BO->getRHS();
  auto IsErrPtr = [](const Expr *X) {
    const auto *C = dyn_cast<CallExpr>(X->IgnoreParenCasts());
    return C && effectsOf(calleeName(C)).has(effect::MakesErrPtr);
  };
  if (IsErrPtr(L))
    std::swap(L, R);
  return IsErrPtr(R) ? L : nullptr;
}

/// Whether \p C frees the objects it is passed: a release function of the
/// allocator, or a function of the module named like one (free, put,
/// release, destroy) that passes a parameter to one. The kernel's own
/// functions free only as the effects table says: free_irq(irq, dev) frees
/// the handler, not dev.
bool freesItsArguments(const CallExpr *C, const SourceManager &SM) {
  llvm::StringRef N = calleeName(C);
  if (effectsOf(N).has(effect::Frees))
    return true;
  if (!looksLikeRelease(N))
    return false;
  const FunctionDecl *Callee = C->getDirectCallee();
  const FunctionDecl *FD = Callee ? Callee->getDefinition() : nullptr;
  if (!FD || !FD->hasBody()) // Unknown body: trust the name, if it is ours.
    return Callee && !isKernelApi(Callee, SM);
  for (const CallExpr *Inner : callsIn(FD->getBody()))
    if (effectsOf(calleeName(Inner)).has(effect::Frees))
      for (const Expr *Arg : Inner->arguments())
        if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg->IgnoreParenCasts()))
          if (isa<ParmVarDecl>(DRE->getDecl()))
            return true;
  return false;
}

/// The arguments of \p C before the format string of a printf-like callee:
/// `pr_err("...%pe", t)` prints the handle, it does not use it as a task.
unsigned argumentsUsed(const CallExpr *C) {
  unsigned Last = C->getNumArgs();
  if (const FunctionDecl *FD = C->getDirectCallee())
    if (const auto *FA = FD->getAttr<FormatAttr>())
      Last = std::min<unsigned>(Last, FA->getFormatIdx() - 1);
  return Last;
}

/// Whether module code in another file, called as \p C, can reach the
/// handle kept at \p P: a global visible outside the file, or a field of a
/// structure it is handed a pointer to.
bool otherFileMayReach(const CallExpr *C, const AccessPath &P) {
  if (P.Fields.empty())
    return P.Base && P.Base->hasGlobalStorage() && P.Base->isExternallyVisible();
  const RecordDecl *R = P.Fields.back()->getParent();
  for (const Expr *A : C->arguments()) {
    QualType T = A->IgnoreParenImpCasts()->getType();
    if (T->isPointerType())
      T = T->getPointeeType();
    if (const RecordDecl *AR = T->getAsRecordDecl())
      if (AR->getCanonicalDecl() == R->getCanonicalDecl())
        return true;
  }
  return false;
}

/// Whether \p Use is in a loop that runs \p Index below one of \p Bounds:
/// `for (i = 0; i < n; i++)`.
bool inLoopBelow(const ParentMap &Parents, const Stmt *Use,
                 const VarDecl *Index, const std::set<const VarDecl *> &Bounds) {
  const Stmt *P = Parents.getParent(Use);
  for (int Depth = 0; Depth < 32 && P; ++Depth, P = Parents.getParent(P)) {
    const Expr *Cond = nullptr;
    if (const auto *F = dyn_cast<ForStmt>(P))
      Cond = F->getCond();
    else if (const auto *W = dyn_cast<WhileStmt>(P))
      Cond = W->getCond();
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(
            Cond ? Cond->IgnoreParenImpCasts() : nullptr)) {
      const Expr *Low = BO->getLHS(), *High = BO->getRHS();
      if (BO->getOpcode() == BO_GT)
        std::swap(Low, High);
      if ((BO->getOpcode() == BO_LT || BO->getOpcode() == BO_GT) &&
          varOf(Low) == Index && Bounds.count(varOf(High)))
        return true;
    }
  }
  return false;
}

/// \p KP, a place of the callee \p Def, as the caller of \p C names it:
/// `state->thread` with `state` the callee's parameter i is `<arg i>->thread`.
std::optional<AccessPath> inCaller(const AccessPath &KP, const FunctionDecl *Def,
                                   const CallExpr *C) {
  if (!KP.Base || KP.Base->hasGlobalStorage())
    return KP;
  const auto *Parm = dyn_cast<ParmVarDecl>(KP.Base);
  if (!Parm || Parm->getDeclContext() != Def ||
      Parm->getFunctionScopeIndex() >= C->getNumArgs() || KP.Fields.empty())
    return std::nullopt;
  std::optional<AccessPath> Obj =
      objectOfArg(C->getArg(Parm->getFunctionScopeIndex()));
  if (!Obj)
    return std::nullopt;
  Obj->Fields.append(KP.Fields.begin(), KP.Fields.end());
  Obj->ArrayElement |= KP.ArrayElement;
  Obj->Persistent = true;
  return Obj;
}

/// The access paths a condition reads.
void collectAtoms(const Expr *E, std::vector<AccessPath> &Out) {
  if (!E)
    return;
  if (std::optional<AccessPath> P = accessPathOf(E)) {
    Out.push_back(*P);
    return;
  }
  for (const Stmt *Child : E->children())
    if (const auto *CE = dyn_cast_or_null<Expr>(Child))
      collectAtoms(CE, Out);
}

//===--- The analysis -----------------------------------------------------===//

class HandleFlow {
public:
  struct Options {
    /// Fields and globals whose reads may yield an ERR_PTR.
    const std::set<HandleKey> *Tainted = nullptr;
    /// Follow the threads callees leave running (StartSummaries).
    bool CalleeStarts = false;
  };
  HandleFlow(const KthreadModel &M, const FunctionDecl *FD, Options O)
      : M(M), Ctx(M.context()), FD(FD), Opts(O) {}

  void errPtrView(bool StrictStorage, ErrPtrFacts &Out);
  void startedView(StartedThreadFacts &Out);

  // The drivers' interface (Dataflow.h).
  using State = HandleState;
  State initial(const CFG &) const { return {}; }
  void transfer(const CFGElement &E, State &S) {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      element(CS->getStmt(), S);
  }
  bool transferBranch(const CFGBlock &B, unsigned Succ, State &S);
  bool join(State &Into, const State &From) const {
    State Before = Into;
    Into.join(From);
    return !(Into == Before);
  }

private:
  // What the statements do.
  void element(const Stmt *St, State &S);
  void returnStmt(const ReturnStmt *RS, State &S);
  void assign(const Place &To, QualType ToType, const Expr *From,
              const Stmt *Store, State &S);
  void assignExpr(const BinaryOperator *BO, State &S);
  void call(const CallExpr *C, State &S);
  void handleOp(const CallExpr *C, HandleOp Op, State &S);
  /// Marks the places a function of this file that \p C calls reads.
  void handToReaders(const CallExpr *C, State &S);
  /// Ends the places inside the objects \p C frees.
  void freeHolders(const CallExpr *C, State &S);
  /// `devm_add_action_or_reset(dev, stop_fn, priv)`: what a callback
  /// handed over stops is taken care of, at a time we do not know.
  void handOverCallbacks(const CallExpr *C, State &S);
  /// A call of a function of this file (CalleeSummaries), or of one whose
  /// body is elsewhere; arguments from \p Last on are printed, not used.
  void callOwnFunction(const CallExpr *C, const FunctionDecl *Def,
                       unsigned Last, State &S);
  void callElsewhere(const CallExpr *C, const FunctionDecl *Callee,
                     unsigned Last, State &S);
  /// The threads a call of a summarised function starts (StartSummaries),
  /// tracked from then on as if created here; \p C's result is non-zero
  /// exactly when they were not started.
  void startedByCallee(const CallExpr *C, const FunctionDecl *Def, State &S);
  void invalidate(const AccessPath &Q, State &S);
  /// `--i` after element i failed: the unwind (`for (--i; i >= 0; i--)`)
  /// goes on with the elements before it, which were created.
  static void stepBelowFailed(const VarDecl *Index, State &S);

  // What happens to a value, in every place holding it.
  template <typename Fn> static void forValue(State &S, ValueId V, Fn F) {
    for (auto &[P, B] : S.Bound)
      if (B.V == V)
        F(B);
  }
  static void wake(State &S, ValueId V);
  static void stop(State &S, ValueId V);
  static void handOver(State &S, ValueId V);

  // What expressions say.
  /// The binding \p E reads (a copy, with no store), or nullopt.
  std::optional<Binding> valueOf(const Expr *E, State &S);
  std::optional<LocalFact> testOf(const Expr *E, State &S, int Depth = 0);
  std::optional<LocalFact> plainTestOf(const Expr *E, State &S, int Depth);
  std::optional<LocalFact> localFactOf(const Expr *RHS, bool Integer, State &S);
  /// Whether \p E is a failure to report to the caller: PTR_ERR() or
  /// ERR_CAST() of a tracked value, a negative constant, or a variable
  /// holding one.
  bool isErrorCode(const Expr *E, State &S);
  std::optional<unsigned> condIndex(const Expr *E);

  // Branches.
  /// Narrows \p S to the paths where \p E is \p Value; false if none.
  bool assume(const Expr *E, bool Value, State &S, int Depth = 0);
  bool assumeLocal(const VarDecl *VD, bool Value, State &S);
  bool assumeNonNull(const Expr *E, bool NonNull, State &S);
  bool assumeErr(ValueId V, bool IsErr, State &S);
  static bool assumeErrOf(ValueId V, bool IsErr, State &S);

  // The joined view's findings, from the state before each element.
  void collect(const Stmt *St, State &S, ErrPtrFacts &Out);
  void collectCall(const CallExpr *C, State &S, ErrPtrFacts &Out);
  void branchNullTest(const CFGBlock &B, State &S, ErrPtrFacts &Out);
  void use(const Expr *Handle, const Expr *Use, llvm::StringRef Callee,
           State &S, ErrPtrFacts &Out);
  void nullTest(const Expr *Test, const Expr *Tested, bool TrueMeansNull,
                bool Rewritable, State &S, ErrPtrFacts &Out,
                bool OneError = false);
  void atExit(const State &Exit, bool StrictStorage, ErrPtrFacts &Out);

  // The path view.
  ReturnKind returnKind(const Expr *E, State &S);
  void record(const ReturnStmt *RS, ReturnKind K, const State &S,
              StartedThreadFacts &Out);

  const ThreadCreation *createdHere(ValueId V) const {
    auto It = Created.find(V);
    return It == Created.end() ? nullptr : It->second;
  }
  /// The thread whose life stands for all those \p C started, if any.
  ValueId startedBy(const CallExpr *C) const {
    auto It = CallStarts.find(C);
    return It == CallStarts.end() ? nullptr : It->second;
  }
  const FunctionSummary &summaryOf(const FunctionDecl *Fn) const {
    return M.facet<CalleeSummaries>().of(Fn);
  }

  const KthreadModel &M;
  ASTContext &Ctx;
  const FunctionDecl *FD;
  const Options Opts;
  /// Creation results of this function, by value.
  std::map<ValueId, const ThreadCreation *> Created;
  /// Values read from tainted storage, by value.
  std::map<ValueId, HandleKey> Stored;
  std::map<const CallExpr *, ValueId> CallStarts;
  /// Threads one call started, by the one that stands for them.
  std::map<ValueId, std::vector<ValueId>> Tied;
  struct Cond {
    llvm::FoldingSetNodeID ID;
    std::vector<AccessPath> Atoms;
  };
  std::vector<Cond> Conds;
  std::map<std::pair<ValueId, const ReturnStmt *>, size_t> Seen;
  /// The parents of the function's statements, for the joined view.
  std::optional<ParentMap> Parents;
};

//===--- Values -----------------------------------------------------------===//

std::optional<Binding> HandleFlow::valueOf(const Expr *E, State &S) {
  E = stripValue(E);
  if (!E)
    return std::nullopt;
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    const ThreadCreation *TC = M.creationByCall(C);
    if (!TC)
      return std::nullopt;
    if (auto It = S.Bound.find(Place::own(TC)); It != S.Bound.end())
      return Binding{TC, nullptr, It->second.Life, It->second.Marks, {}};
    return Binding{TC, nullptr, uint8_t(Err | Asleep), 0, {}};
  }
  std::optional<Place> P = placeOf(E, Ctx);
  if (!P)
    return std::nullopt;
  if (auto It = S.Bound.find(*P); It != S.Bound.end()) {
    if (It->second.V == NullHandle)
      return std::nullopt;
    return Binding{It->second.V, nullptr, It->second.Life, It->second.Marks,
                   {}};
  }
  // Storage another function may have left an ERR_PTR in.
  HandleKey K = HandleKey::of(P->Path);
  if (Opts.Tainted && P->Path.Persistent && Opts.Tainted->count(K)) {
    ValueId V = K.Decl;
    Stored[V] = K;
    Binding B{V, nullptr, uint8_t(Err | Asleep), 0, {}};
    S.Bound[*P] = B;
    return B;
  }
  return std::nullopt;
}

void HandleFlow::wake(State &S, ValueId V) {
  forValue(S, V, [](Binding &B) {
    if (B.Life & Asleep)
      B.Life = (B.Life & ~Asleep) | Running;
  });
}

void HandleFlow::stop(State &S, ValueId V) {
  forValue(S, V, [](Binding &B) {
    if ((B.Life & Valid) && !(B.Life & Away))
      B.Life = (B.Life & Err) | Stopped;
  });
}

void HandleFlow::handOver(State &S, ValueId V) {
  if (!V || V == NullHandle)
    return;
  forValue(S, V, [](Binding &B) {
    if (B.Life & Valid)
      B.Life = (B.Life & Err) | Away;
  });
}

void HandleFlow::stepBelowFailed(const VarDecl *Index, State &S) {
  if (!Index)
    return;
  for (auto &[P, B] : S.Bound)
    if (!P.isOwn() && P.Path.ArrayElement && (B.Life & Err) &&
        storeIndexVar(B.Store) == Index)
      B.Life = (B.Life & ~Err) | Away;
}

void HandleFlow::invalidate(const AccessPath &Q, State &S) {
  for (auto It = S.Conds.begin(); It != S.Conds.end();) {
    bool Hit = llvm::any_of(Conds[It->first].Atoms, [&](const AccessPath &A) {
      return A.overlaps(Q);
    });
    It = Hit ? S.Conds.erase(It) : std::next(It);
  }
  if (isPlainVariable(Q))
    S.Locals.erase(Q.Base);
}

std::optional<unsigned> HandleFlow::condIndex(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (E->HasSideEffects(Ctx))
    return std::nullopt;
  llvm::FoldingSetNodeID ID;
  E->Profile(ID, Ctx, /*Canonical=*/true);
  for (unsigned I = 0; I < Conds.size(); ++I)
    if (Conds[I].ID == ID)
      return I;
  Cond C;
  C.ID = ID;
  collectAtoms(E, C.Atoms);
  if (C.Atoms.empty())
    return std::nullopt;
  Conds.push_back(std::move(C));
  return Conds.size() - 1;
}

//===--- Tests ------------------------------------------------------------===//

std::optional<LocalFact> HandleFlow::testOf(const Expr *E, State &S,
                                            int Depth) {
  if (!E || Depth > 8)
    return std::nullopt;
  bool Negated = false;
  E = unwrapCondition(E, Negated);
  std::optional<LocalFact> T = plainTestOf(E, S, Depth);
  if (T && Negated)
    T->TrueMeans = !T->TrueMeans;
  return T;
}

std::optional<LocalFact> HandleFlow::plainTestOf(const Expr *E, State &S,
                                                 int Depth) {
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    if (isErrPtrTest(calleeName(C)) && C->getNumArgs() == 1)
      if (std::optional<Binding> V = valueOf(C->getArg(0), S))
        return LocalFact::test(V->V, true, true);
    return std::nullopt;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE)
      return std::nullopt;
    const Expr *L = comparedWithNull(BO, Ctx);
    if (!L)
      return std::nullopt;
    std::optional<LocalFact> T = testOf(L, S, Depth + 1);
    if (T && BO->getOpcode() == BO_EQ)
      T->TrueMeans = !T->TrueMeans;
    return T;
  }
  if (const VarDecl *VD = varOf(E))
    if (auto It = S.Locals.find(VD->getCanonicalDecl());
        It != S.Locals.end() && It->second.Kind == LocalFact::Test)
      return It->second;
  // A handle used as a truth value: a NULL test, true when not NULL.
  if (E->getType()->isPointerType())
    if (std::optional<Binding> V = valueOf(E, S))
      return LocalFact::test(V->V, false, false);
  return std::nullopt;
}

std::optional<LocalFact> HandleFlow::localFactOf(const Expr *RHS, bool Integer,
                                                 State &S) {
  if (!RHS)
    return std::nullopt;
  const Expr *E = RHS->IgnoreParenImpCasts();
  Expr::EvalResult R;
  if (Integer && !E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
    return LocalFact{R.Val.getInt().isZero() ? LocalFact::Zero
                                             : LocalFact::NonZero};
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    if (ValueId V = startedBy(C))
      return LocalFact::test(V, true, true);
    // PTR_ERR() of a pointer that is not NULL.
    if (Integer && effectsOf(calleeName(C)).has(effect::ToErrorCode) &&
        C->getType()->isIntegerType() && !isErrPtrTest(calleeName(C)))
      return LocalFact{LocalFact::NonZero};
  }
  if (std::optional<LocalFact> T = testOf(E, S))
    return T;
  if (const VarDecl *VD = varOf(E))
    if (auto It = S.Locals.find(VD->getCanonicalDecl()); It != S.Locals.end())
      return It->second;
  return std::nullopt;
}

bool HandleFlow::isErrorCode(const Expr *E, State &S) {
  E = E->IgnoreParenCasts();
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    // dev_err_probe(dev, err, fmt, ...) logs and returns err.
    const CallEffects &Eff = effectsOf(calleeName(C));
    if (Eff.has(effect::ReturnsErrorArg) && C->getNumArgs() >= 2)
      return isErrorCode(C->getArg(1), S);
    return Eff.has(effect::ToErrorCode) && C->getNumArgs() == 1 &&
           valueOf(C->getArg(0), S);
  }
  if (const VarDecl *VD = varOf(E))
    return S.ErrorCodes.count(VD->getCanonicalDecl()) != 0;
  // `return IS_ERR(t) ? -ENOMEM : 0;`: the arm the failure takes.
  if (const auto *CO = dyn_cast<ConditionalOperator>(E))
    if (std::optional<LocalFact> T = testOf(CO->getCond(), S);
        T && T->IsErrTest)
      return isErrorCode(T->TrueMeans ? CO->getTrueExpr() : CO->getFalseExpr(),
                         S);
  Expr::EvalResult R;
  return !E->isValueDependent() && E->getType()->isIntegerType() &&
         E->EvaluateAsInt(R, Ctx) && R.Val.getInt().isNegative();
}

//===--- Statements -------------------------------------------------------===//

void HandleFlow::element(const Stmt *St, State &S) {
  if (const auto *RS = dyn_cast<ReturnStmt>(St))
    return returnStmt(RS, S);
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        Place P;
        P.Path.Base = VD->getCanonicalDecl();
        P.Path.Persistent = VD->hasGlobalStorage();
        assign(P, VD->getType(), VD->getInit(), DS, S);
      }
    return;
  }
  if (const auto *C = dyn_cast<CallExpr>(St))
    return call(C, S);
  if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
    if (BO->getOpcode() == BO_SubAssign)
      stepBelowFailed(varOf(BO->getLHS()), S);
    if (BO->getOpcode() == BO_Assign)
      assignExpr(BO, S);
    else if (BO->isCompoundAssignmentOp())
      if (std::optional<AccessPath> AP = accessPathOf(BO->getLHS()))
        invalidate(*AP, S);
    return;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
    if (UO->isDecrementOp())
      stepBelowFailed(varOf(UO->getSubExpr()), S);
    if (UO->isIncrementDecrementOp())
      if (std::optional<AccessPath> AP = accessPathOf(UO->getSubExpr()))
        invalidate(*AP, S);
  }
}

void HandleFlow::returnStmt(const ReturnStmt *RS, State &S) {
  const Expr *Value =
      RS->getRetValue() ? RS->getRetValue()->IgnoreParenCasts() : nullptr;
  if (Value) // A handle returned is the caller's.
    if (std::optional<Binding> V = valueOf(Value, S))
      handOver(S, V->V);
  const VarDecl *Var = Value ? varOf(Value) : nullptr;
  bool Propagates = Value && !Var && isErrorCode(Value, S);
  for (auto &[P, B] : S.Bound)
    if (B.Life & Err)
      B.Marks |= Propagates || (Var && B.ErrCodes.count(Var->getCanonicalDecl()))
                     ? FailurePropagated
                     : FailureSwallowed;
}

void HandleFlow::assignExpr(const BinaryOperator *BO, State &S) {
  // `commit_threads = i` on the failure of element i.
  const VarDecl *Bound = varOf(BO->getLHS());
  const VarDecl *From = varOf(BO->getRHS());
  bool FailedIndex = false;
  if (Bound && From)
    for (const auto &[P, B] : S.Bound)
      FailedIndex |= !P.isOwn() && P.Path.ArrayElement && (B.Life & Err) &&
                     storeIndexVar(B.Store) == From;
  std::optional<Place> To = placeOf(BO->getLHS(), Ctx);
  if (!To) { // Stored where we cannot follow it.
    if (std::optional<Binding> V = valueOf(BO->getRHS(), S))
      handOver(S, V->V);
    return;
  }
  assign(*To, BO->getLHS()->getType(), BO->getRHS(), BO, S);
  if (FailedIndex)
    S.FailedIndexBounds.insert(Bound);
}

void HandleFlow::assign(const Place &To, QualType ToType, const Expr *From,
                        const Stmt *Store, State &S) {
  std::optional<Binding> V = From ? valueOf(From, S) : std::nullopt;
  const AccessPath &Path = To.Path;
  // What the stored value says, read before the store changes it.
  bool ErrorCode = From && isPlainVariable(Path) && isErrorCode(From, S);
  std::optional<LocalFact> Fact;
  if (!V && From && isPlainVariable(Path))
    Fact = localFactOf(From, isIntegerLocal(Path.Base), S);
  for (auto It = S.Bound.begin(); It != S.Bound.end();) {
    bool Overwritten =
        !It->first.isOwn() && (Path.ArrayElement ? It->first == To
                                                 : Path.isPrefixOf(It->first.Path));
    It = Overwritten ? S.Bound.erase(It) : std::next(It);
  }
  invalidate(Path, S);
  if (isPlainVariable(Path)) {
    S.FailedIndexBounds.erase(Path.Base);
    S.ErrorCodes.erase(Path.Base);
    if (ErrorCode)
      S.ErrorCodes.insert(Path.Base);
    for (auto &[P, B] : S.Bound) {
      B.ErrCodes.erase(Path.Base);
      if (ErrorCode && (B.Life & Err))
        B.ErrCodes.insert(Path.Base);
    }
  }
  if (V) {
    V->Store = Store;
    S.Bound[To] = *V;
  } else if (From && isNullConstant(From, Ctx) && ToType->isPointerType()) {
    S.Bound[To] = Binding{NullHandle, Store, 0, 0, {}};
  }
  if (V || !From)
    return;
  if (isPlainVariable(Path)) {
    if (Fact)
      S.Locals[Path.Base] = *Fact;
  } else if (!Path.ArrayElement) {
    // `priv->started = true;`: the next test of it knows the answer.
    Expr::EvalResult R;
    const Expr *E = From->IgnoreParenImpCasts();
    if (!E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
      if (const auto *LHS = dyn_cast_or_null<BinaryOperator>(Store))
        if (std::optional<unsigned> I = condIndex(LHS->getLHS()))
          S.Conds[*I] = !R.Val.getInt().isZero();
  }
}

//===--- Calls ------------------------------------------------------------===//

void HandleFlow::call(const CallExpr *C, State &S) {
  if (const ThreadCreation *TC = M.creationByCall(C)) {
    // What the called function itself does: kthread_create_on_node()
    // inside kthread_run() leaves the thread asleep, the macro wakes it.
    std::optional<CreationApi> Api = lookupCreationApi(calleeName(C));
    CreationKind Kind = Api ? Api->Kind : TC->Api.Kind;
    bool Runs = Kind == CreationKind::CreateWorker ? !workerCreationSleeps(Ctx)
                                                   : Kind != CreationKind::Create;
    Created[TC] = TC;
    S.Bound[Place::own(TC)] =
        Binding{TC, nullptr, uint8_t(Err | (Runs ? Running : Asleep)), 0, {}};
    return;
  }
  llvm::StringRef Name = calleeName(C);
  if (isErrPtrAccessor(Name) || isBranchHint(Name))
    return;
  // A function of this file that reads a maybe-ERR_PTR place: a global,
  // or a field of an object passed to it.
  handToReaders(C, S);
  // Freeing or releasing the object that holds a place ends the place:
  // `kfree(priv)` on the error path after `priv->task = ...`; not
  // vivid_release_cap_buffers(dev, ...), which releases what dev holds.
  freeHolders(C, S);
  if (leavesHandleAlone(Name))
    return;
  if (std::optional<HandleOp> Op = lookupHandleOp(Name))
    return handleOp(C, *Op, S);
  unsigned Last = argumentsUsed(C);
  handOverCallbacks(C, S);
  const FunctionDecl *Callee = C->getDirectCallee();
  const FunctionDecl *Def = Callee ? M.definitionOf(Callee) : nullptr;
  if (Def && Def->hasBody())
    callOwnFunction(C, Def, Last, S);
  else
    callElsewhere(C, Callee, Last, S);
}

void HandleFlow::handleOp(const CallExpr *C, HandleOp Op, State &S) {
  if (!C->getNumArgs())
    return;
  const Expr *Arg = C->getArg(0);
  std::optional<Binding> V = valueOf(Arg, S);
  if (Op == HandleOp::Wake || Op == HandleOp::Unpark || Op == HandleOp::Park) {
    if (V)
      wake(S, V->V);
    // wake_up_process(worker->task) wakes the worker.
    else if (const auto *ME = dyn_cast<MemberExpr>(Arg->IgnoreParenCasts()))
      if (std::optional<Binding> W = valueOf(ME->getBase(), S))
        wake(S, W->V);
  } else if (isStopOp(Op) && V) {
    stop(S, V->V);
  }
}

void HandleFlow::handToReaders(const CallExpr *C, State &S) {
  const FunctionDecl *Callee = C->getDirectCallee();
  if (!Callee)
    return;
  auto Reaches = [&](const AccessPath &P) {
    if (P.Base && P.Base->hasGlobalStorage())
      return true;
    for (const Expr *Arg : C->arguments())
      if (std::optional<AccessPath> Obj = objectOfArg(Arg)) {
        if (Obj->isPrefixOf(P) && !(P == *Obj))
          return true;
        // An object that leads to the holder: dm-delay's `goto bad;
        // ... bad: delay_dtr(ti);` with `ti->private = dc`.
        if (Obj->Fields.empty() && !Obj->ArrayElement && Obj->Base &&
            Obj->Base->getType()->isPointerType() && P.Base != Obj->Base)
          return true;
      }
    return false;
  };
  for (auto &[P, B] : S.Bound)
    if (P.persistent() && (B.Life & Err) && createdHere(B.V) &&
        !(B.Marks & HandedToReader) && Reaches(P.Path) &&
        summaryOf(Callee).Reads.count(HandleKey::of(P.Path)))
      B.Marks |= HandedToReader;
}

void HandleFlow::freeHolders(const CallExpr *C, State &S) {
  if (!freesItsArguments(C, Ctx.getSourceManager()))
    return;
  for (const Expr *Arg : C->arguments()) {
    std::optional<AccessPath> Obj = objectOfArg(Arg);
    if (!Obj)
      continue;
    for (auto It = S.Bound.begin(); It != S.Bound.end();) {
      bool Freed = It->first.persistent() && Obj->isPrefixOf(It->first.Path) &&
                   !(It->first.Path == *Obj) &&
                   !(It->second.Marks & HandedToReader);
      It = Freed ? S.Bound.erase(It) : std::next(It);
    }
  }
}

void HandleFlow::handOverCallbacks(const CallExpr *C, State &S) {
  for (const Expr *Arg : C->arguments()) {
    const Expr *A = Arg->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(A))
      if (UO->getOpcode() == UO_AddrOf)
        A = UO->getSubExpr()->IgnoreParenCasts();
    const auto *DRE = dyn_cast<DeclRefExpr>(A);
    const auto *Fn = DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr;
    const FunctionDecl *FnDef = Fn ? M.definitionOf(Fn) : nullptr;
    if (!FnDef || !FnDef->hasBody())
      continue;
    const FunctionSummary &Sum = summaryOf(FnDef);
    std::vector<ValueId> Handed;
    for (const auto &[P, B] : S.Bound)
      if (P.persistent() && B.V != NullHandle &&
          Sum.Stops.count(HandleKey::of(P.Path)))
        Handed.push_back(B.V);
    if (!Sum.StopsParams.empty()) // It stops its data: the handle passed with it.
      for (const Expr *Data : C->arguments())
        if (std::optional<Binding> V = valueOf(Data, S))
          Handed.push_back(V->V);
    for (ValueId V : Handed)
      handOver(S, V);
  }
}

void HandleFlow::callOwnFunction(const CallExpr *C, const FunctionDecl *Def,
                                 unsigned Last, State &S) {
  // A function of this file: does it stop what we pass or keep?
  const FunctionSummary &Sum = summaryOf(Def);
  std::vector<ValueId> StoppedHere;
  for (const auto &[P, B] : S.Bound)
    if (P.persistent() && B.V != NullHandle &&
        Sum.Stops.count(HandleKey::of(P.Path)))
      StoppedHere.push_back(B.V);
  for (ValueId V : StoppedHere)
    stop(S, V);
  for (unsigned I = 0; I < Last; ++I)
    if (std::optional<Binding> V = valueOf(C->getArg(I), S)) {
      if (Sum.StopsParams.count(I))
        stop(S, V->V);
      else
        handOver(S, V->V); // Kept or passed on by code we do not follow.
    }
  if (Sum.StopsUnresolved)
    for (auto &[P, B] : S.Bound)
      if (B.Life & Valid)
        B.Life = (B.Life & Err) | Away;
  if (Opts.CalleeStarts)
    startedByCallee(C, Def, S);
}

void HandleFlow::callElsewhere(const CallExpr *C, const FunctionDecl *Callee,
                               unsigned Last, State &S) {
  bool Kernel = Callee && isKernelApi(Callee, Ctx.getSourceManager());
  for (unsigned I = 0; I < Last; ++I) {
    const Expr *A = C->getArg(I)->IgnoreParenImpCasts();
    bool AddrOf = false;
    if (const auto *UO = dyn_cast<UnaryOperator>(A))
      if (UO->getOpcode() == UO_AddrOf) {
        A = UO->getSubExpr()->IgnoreParenImpCasts();
        AddrOf = true;
      }
    if (std::optional<Binding> V = valueOf(A, S)) {
      handOver(S, V->V);
      continue;
    }
    std::optional<AccessPath> AP = accessPathOf(A);
    if (!AP)
      continue;
    if (AddrOf)
      invalidate(*AP, S);
    // The module's own code, elsewhere, may stop what a structure it is
    // given holds; the kernel's does not.
    if (!Kernel || AddrOf) {
      std::vector<ValueId> Handed;
      for (const auto &[P, B] : S.Bound)
        if (!P.isOwn() && AP->isPrefixOf(P.Path) && !(*AP == P.Path))
          Handed.push_back(B.V);
      for (ValueId V : Handed)
        handOver(S, V);
    }
  }
  // The module's own code in another file: what it can reach.
  if (!Kernel && Callee && !Callee->getBuiltinID()) {
    std::vector<ValueId> Handed;
    for (const auto &[P, B] : S.Bound)
      if (P.persistent() && otherFileMayReach(C, P.Path))
        Handed.push_back(B.V);
    for (ValueId V : Handed)
      handOver(S, V);
  }
}

void HandleFlow::startedByCallee(const CallExpr *C, const FunctionDecl *Def,
                                 State &S) {
  llvm::ArrayRef<StartSummaries::Started> Started =
      M.facet<StartSummaries>().startedBy(Def);
  ValueId First = nullptr;
  for (const StartSummaries::Started &St : Started) {
    ValueId V = St.Creation;
    if (S.Bound.count(Place::own(V)))
      continue; // Already ours on this path.
    Binding Fresh{V, nullptr, uint8_t(Err | Running), 0, {}};
    S.Bound[Place::own(V)] = Fresh;
    for (const AccessPath &KP : St.KeptIn)
      if (std::optional<AccessPath> Here = inCaller(KP, Def, C)) {
        Place P;
        P.Path = *Here;
        S.Bound[P] = Fresh;
      }
    if (St.AlsoOnError)
      continue; // Running whatever the call returns.
    if (!First) {
      First = V;
      CallStarts[C] = V;
    } else if (!llvm::is_contained(Tied[First], V)) {
      Tied[First].push_back(V);
    }
  }
}

//===--- Branches ---------------------------------------------------------===//

bool HandleFlow::assumeErr(ValueId V, bool IsErr, State &S) {
  if (auto It = Tied.find(V); It != Tied.end())
    for (ValueId Other : It->second)
      assumeErrOf(Other, IsErr, S);
  return assumeErrOf(V, IsErr, S);
}

bool HandleFlow::assumeErrOf(ValueId V, bool IsErr, State &S) {
  bool Holds = false, Feasible = false;
  forValue(S, V, [&](Binding &B) {
    Holds = true;
    B.Life &= IsErr ? uint8_t(Err) : uint8_t(Valid);
    Feasible |= B.Life != 0;
  });
  return !Holds || Feasible;
}

bool HandleFlow::assumeNonNull(const Expr *E, bool NonNull, State &S) {
  std::optional<Place> Pl = placeOf(E, Ctx);
  if (!Pl)
    return true;
  auto It = S.Bound.find(*Pl);
  if (It == S.Bound.end())
    return true;
  Binding &B = It->second;
  if (B.V == NullHandle)
    return !NonNull || (B.Marks & MaybeNull);
  if (NonNull) {
    forValue(S, B.V, [](Binding &H) { H.Marks |= NullTested; });
    return true;
  }
  // A creation result is never NULL; storage read elsewhere may be, and so
  // may a place that held NULL, or nothing known, on a path joined here.
  return (B.Marks & MaybeNull) || Stored.count(B.V);
}

bool HandleFlow::assumeLocal(const VarDecl *VD, bool Value, State &S) {
  VD = VD->getCanonicalDecl();
  auto It = S.Locals.find(VD);
  if (It == S.Locals.end()) {
    if (isIntegerLocal(VD))
      S.Locals[VD] = LocalFact{Value ? LocalFact::NonZero : LocalFact::Zero};
    return true;
  }
  LocalFact F = It->second;
  if (F.Kind == LocalFact::Zero)
    return !Value;
  if (F.Kind == LocalFact::NonZero)
    return Value;
  // A test's result stays one: the value's life now says which way it went.
  if (F.IsErrTest)
    return assumeErr(F.V, Value == F.TrueMeans, S);
  bool NonNull = Value != F.TrueMeans;
  if (NonNull)
    forValue(S, F.V, [](Binding &H) { H.Marks |= NullTested; });
  return true;
}

bool HandleFlow::assume(const Expr *E, bool Value, State &S, int Depth) {
  if (!E || Depth > 8)
    return true;
  E = E->IgnoreParenImpCasts();
  if (const auto *SE = dyn_cast<StmtExpr>(E)) {
    const CompoundStmt *CS = SE->getSubStmt();
    return CS->body_empty() ||
           assume(dyn_cast<Expr>(CS->body_back()), Value, S, Depth + 1);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_LNot)
      return assume(UO->getSubExpr(), !Value, S, Depth + 1);
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    llvm::StringRef Name = calleeName(C);
    if (isBranchHint(Name) && C->getNumArgs() == 2)
      return assume(C->getArg(0), Value, S, Depth + 1);
    if (ValueId V = startedBy(C)) // `if (start_threads(st))`
      return assumeErr(V, Value, S);
    if (isErrPtrTest(Name) && C->getNumArgs() == 1) {
      if (std::optional<Binding> V = valueOf(C->getArg(0), S))
        return assumeErr(V->V, Value, S);
      if (std::optional<Place> Pl = placeOf(C->getArg(0), Ctx))
        if (auto It = S.Bound.find(*Pl);
            It != S.Bound.end() && It->second.V == NullHandle)
          return effectsOf(Name).has(effect::TrueForNull) ? Value : !Value;
    }
    return true;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    const Expr *L = BO->getLHS(), *R = BO->getRHS();
    auto IsZero = [&](const Expr *X) { return isNullConstant(X, Ctx); };
    if (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE) {
      if (IsZero(L))
        std::swap(L, R);
      if (IsZero(R))
        return assume(L, BO->getOpcode() == BO_EQ ? !Value : Value, S,
                      Depth + 1);
    }
    // `ret < 0` true: ret is not zero.
    if (BO->getOpcode() == BO_LT && IsZero(R) && Value)
      return assume(L, true, S, Depth + 1);
    if (BO->getOpcode() == BO_GT && IsZero(L) && Value)
      return assume(R, true, S, Depth + 1);
  }
  if (const VarDecl *VD = varOf(E);
      VD && !VD->getType()->isPointerType() &&
      (isIntegerLocal(VD) || S.Locals.count(VD->getCanonicalDecl())))
    return assumeLocal(VD, Value, S);
  // A handle as a truth value (read first: tainted storage binds on read).
  if (E->getType()->isPointerType())
    if (std::optional<Place> Pl = placeOf(E, Ctx))
      if (valueOf(E, S) || S.Bound.count(*Pl))
        return assumeNonNull(E, Value, S);
  // Anything else without side effects takes the same branch each time on
  // a path, until what it reads is assigned.
  if (std::optional<unsigned> I = condIndex(E)) {
    auto [It, New] = S.Conds.try_emplace(*I, Value);
    return New || It->second == Value;
  }
  return true;
}

bool HandleFlow::transferBranch(const CFGBlock &B, unsigned Succ, State &S) {
  // BUG(), panic(), kthread_exit(): the function does not return here.
  const CFGBlock *SB = (B.succ_begin() + Succ)->getReachableBlock();
  if (SB && SB == &B.getParent()->getExit() && B.hasNoReturnElement())
    return false;
  const Stmt *T = B.getTerminatorStmt();
  const Expr *Cnd = branchCondition(B);
  if (B.succ_size() != 2 || !T || !Cnd || isa<SwitchStmt>(T))
    return true;
  // The block of `if (a && b)` that tests b: a is already decided.
  while (const auto *BO = dyn_cast<BinaryOperator>(Cnd->IgnoreParenImpCasts())) {
    if (!BO->isLogicalOp() || isa<BinaryOperator>(T))
      break;
    Cnd = BO->getRHS();
  }
  return assume(Cnd, /*Value=*/Succ == 0, S);
}

//===--- The joined view --------------------------------------------------===//

void HandleFlow::use(const Expr *Handle, const Expr *Use,
                     llvm::StringRef Callee, State &S, ErrPtrFacts &Out) {
  std::optional<Binding> V = valueOf(Handle, S);
  if (!V || !(V->Life & Err))
    return;
  if (!S.FailedIndexBounds.empty())
    if (const VarDecl *Index = subscriptVar(Handle))
      if (inLoopBelow(*Parents, Use, Index, S.FailedIndexBounds))
        return;
  if (const ThreadCreation *TC = createdHere(V->V))
    Out.UnsafeUses.push_back({TC, Handle, Use, Callee.str()});
  else if (auto It = Stored.find(V->V); It != Stored.end())
    Out.GuardedUses.push_back(
        {It->second, Handle, Use, Callee.str(), bool(V->Marks & NullTested)});
}

void HandleFlow::nullTest(const Expr *Test, const Expr *Tested,
                          bool TrueMeansNull, bool Rewritable, State &S,
                          ErrPtrFacts &Out, bool OneError) {
  std::optional<Binding> V = valueOf(Tested, S);
  if (!V || !(V->Life & Err))
    return;
  // Past IS_ERR(), telling one error from the others is right:
  // `if (IS_ERR(t)) { if (t == ERR_PTR(-EINTR)) ...`.
  if (OneError && !(V->Life & Valid))
    return;
  if (const ThreadCreation *TC = createdHere(V->V))
    Out.NullTests.push_back(
        {TC, Test, Tested, TrueMeansNull, Rewritable, OneError});
}

void HandleFlow::collectCall(const CallExpr *C, State &S, ErrPtrFacts &Out) {
  llvm::StringRef Name = calleeName(C);
  if (M.creationByCall(C) || isErrPtrAccessor(Name) || isBranchHint(Name))
    return;
  for (unsigned I = 0, Last = argumentsUsed(C); I < Last; ++I)
    use(C->getArg(I), C, Name, S, Out);
  if (lookupHandleOp(Name) == HandleOp::Wake && C->getNumArgs())
    if (std::optional<Binding> V = valueOf(C->getArg(0), S))
      if (createdHere(V->V) && (V->Life & Valid) == Asleep)
        Out.Starts.push_back(C);
}

void HandleFlow::collect(const Stmt *St, State &S, ErrPtrFacts &Out) {
  if (const auto *C = dyn_cast<CallExpr>(St))
    return collectCall(C, S, Out);
  if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
    if (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE)
      return;
    const Expr *L = comparedWithNull(BO, Ctx);
    if (L && L->getType()->isPointerType())
      nullTest(BO, L, BO->getOpcode() == BO_EQ, true, S, Out);
    else if ((L = comparedWithOneError(BO)) && L->getType()->isPointerType())
      nullTest(BO, L, BO->getOpcode() == BO_EQ, true, S, Out,
               /*OneError=*/true);
    return;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
    if (UO->getOpcode() == UO_Deref)
      use(UO->getSubExpr(), UO, "", S, Out);
    else if (UO->getOpcode() == UO_LNot &&
             UO->getSubExpr()->IgnoreParenImpCasts()->getType()->isPointerType())
      nullTest(UO, UO->getSubExpr(), true, true, S, Out);
    return;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(St)) {
    if (ME->isArrow())
      use(ME->getBase(), ME, "", S, Out);
    return;
  }
  if (const auto *ICE = dyn_cast<ImplicitCastExpr>(St)) {
    // `if (t)`, `while (t && ...)`: the pointer as a condition.
    if (ICE->getCastKind() == CK_PointerToBoolean)
      nullTest(ICE, ICE->getSubExpr(), false, true, S, Out);
    return;
  }
  if (const auto *BCO = dyn_cast<BinaryConditionalOperator>(St)) {
    // `t ?: fallback`.
    if (BCO->getCommon()->getType()->isPointerType())
      nullTest(BCO, BCO->getCommon(), false, false, S, Out);
  }
}

void HandleFlow::branchNullTest(const CFGBlock &B, State &S, ErrPtrFacts &Out) {
  // C has no pointer-to-bool conversion in `if (t)`, `t && x`: the handle
  // itself is the condition.
  if (B.succ_size() == 2 && B.getTerminatorStmt() &&
      !isa<SwitchStmt>(B.getTerminatorStmt()))
    if (const auto *Cond = branchCondition(B))
      if (Cond->IgnoreParenImpCasts()->getType()->isPointerType() &&
          !isa<BinaryConditionalOperator>(B.getTerminatorStmt()))
        nullTest(Cond, Cond, false, true, S, Out);
}

void HandleFlow::atExit(const State &Exit, bool StrictStorage,
                        ErrPtrFacts &Out) {
  std::map<const ThreadCreation *, ErrPtrFacts::NotStarted> Sleeping;
  for (const auto &[P, B] : Exit.Bound) {
    const ThreadCreation *TC = createdHere(B.V);
    if (!TC || P.isOwn())
      continue;
    ErrPtrFacts::NotStarted &NS = Sleeping[TC];
    NS.Creation = TC;
    NS.OnSomePath |= (B.Life & Asleep) != 0;
    NS.StartedOnSomePath |= (B.Life & (Running | Stopped | Away)) != 0;
    if (P.persistent())
      NS.StoredIn.push_back(HandleKey::of(P.Path));
  }
  for (auto &[TC, NS] : Sleeping)
    if (NS.OnSomePath)
      Out.NotStartedAtExit.push_back(NS);
  for (const auto &[P, B] : Exit.Bound) {
    const ThreadCreation *TC = createdHere(B.V);
    // A path that reported the failure leaves the unwind to the caller;
    // remove/exit never run after a failed probe/init.
    bool Swallowed = (B.Marks & FailureSwallowed) ||
                     !(B.Marks & FailurePropagated) ||
                     (B.Marks & HandedToReader);
    if (TC && P.persistent() && (B.Life & Err) && B.Store &&
        (Swallowed || StrictStorage))
      Out.Left.push_back({TC, B.Store, HandleKey::of(P.Path), P.Path});
  }
}

void HandleFlow::errPtrView(bool StrictStorage, ErrPtrFacts &Out) {
  const CFG *G = M.cfgOf(FD);
  if (!G)
    return;
  // The lattice is finite (bits only grow, bindings only shrink); the
  // driver's budget guards against surprises on huge functions.
  DataflowResult<State> R = runDataflow(*G, *this);
  if (!R.Complete) {
    Out.Complete = false;
    return;
  }
  Parents.emplace(FD->getBody());
  for (const CFGBlock *B : *G) {
    std::optional<State> S = R.at(*B);
    if (!S)
      continue;
    for (const CFGElement &E : *B)
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>()) {
        collect(CS->getStmt(), *S, Out);
        element(CS->getStmt(), *S);
      }
    branchNullTest(*B, *S, Out);
  }
  if (const std::optional<State> &Exit = R.at(G->getExit()))
    atExit(*Exit, StrictStorage, Out);
}

//===--- The path view ----------------------------------------------------===//

ReturnKind HandleFlow::returnKind(const Expr *E, State &S) {
  if (!E)
    return ReturnKind::Unknown;
  E = E->IgnoreParenImpCasts();
  Expr::EvalResult R;
  if (!E->isValueDependent() && E->getType()->isIntegerType() &&
      E->EvaluateAsInt(R, Ctx))
    return R.Val.getInt().isZero() ? ReturnKind::Success : ReturnKind::Error;
  if (!E->getType()->isIntegerType())
    return ReturnKind::Unknown;
  std::optional<LocalFact> F = localFactOf(E, /*Integer=*/true, S);
  if (!F)
    return ReturnKind::Unknown;
  if (F->Kind == LocalFact::Zero)
    return ReturnKind::Success;
  if (F->Kind == LocalFact::NonZero)
    return ReturnKind::Error;
  auto It = S.Bound.find(Place::own(F->V));
  if (!F->IsErrTest || It == S.Bound.end())
    return ReturnKind::Unknown;
  uint8_t L = It->second.Life;
  if (L == Err)
    return F->TrueMeans ? ReturnKind::Error : ReturnKind::Success;
  if (L && !(L & (Err | Away)))
    return F->TrueMeans ? ReturnKind::Success : ReturnKind::Error;
  return ReturnKind::Unknown;
}

void HandleFlow::record(const ReturnStmt *RS, ReturnKind K, const State &S,
                        StartedThreadFacts &Out) {
  for (const auto &[Own, B] : S.Bound) {
    if (!Own.isOwn() || !(B.Life & Running))
      continue;
    const auto *TC = static_cast<const ThreadCreation *>(B.V);
    auto [It, New] = Seen.try_emplace({B.V, RS}, Out.Running.size());
    if (New) {
      StartedThreadFacts::RunningAtReturn R;
      R.Creation = TC;
      R.Return = RS;
      R.Kind = K;
      Out.Running.push_back(R);
    }
    StartedThreadFacts::RunningAtReturn &R = Out.Running[It->second];
    if (R.Kind != K)
      R.Kind = ReturnKind::Unknown;
    bool Kept = false;
    for (const auto &[P, H] : S.Bound)
      if (H.V == B.V && P.persistent()) {
        Kept = true;
        if (!llvm::is_contained(R.KeptIn, P.Path))
          R.KeptIn.push_back(P.Path);
      }
    R.LostOnSomePath |= !Kept;
  }
}

void HandleFlow::startedView(StartedThreadFacts &Out) {
  const CFG *G = M.cfgOf(FD);
  if (!G)
    return;
  // Paths are not joined; the budget bounds the work on large functions,
  // and when it runs out the facts are marked incomplete.
  PathResult<State> R = runPathSensitive(*G, *this);
  if (!R.Complete) {
    Out.Complete = false;
    return;
  }
  // What runs at each return, from the states the paths reach it with.
  forEachPathElement(
      *G, R, *this,
      [&](const CFGBlock &, unsigned, const CFGElement &E, const State &Before) {
        std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
        const auto *RS = CS ? dyn_cast<ReturnStmt>(CS->getStmt()) : nullptr;
        if (!RS)
          return;
        State S = Before;
        ReturnKind K = returnKind(RS->getRetValue(), S);
        if (const Expr *RV = RS->getRetValue())
          if (std::optional<Binding> V = valueOf(RV, S))
            handOver(S, V->V);
        record(RS, K, S, Out);
      },
      [&](const CFGBlock &B, const State &After) {
        // Falling off the end of a void function is a return too.
        bool Returned = llvm::any_of(B, [](const CFGElement &E) {
          std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
          return CS && isa<ReturnStmt>(CS->getStmt());
        });
        if (Returned || B.hasNoReturnElement())
          return;
        for (const CFGBlock::AdjacentBlock &Succ : B.succs())
          if (Succ.getReachableBlock() == &G->getExit())
            record(nullptr, ReturnKind::Unknown, After, Out);
      });
}

} // namespace

//===--- Entry points and facets ------------------------------------------===//

ErrPtrFacts errPtrFactsOf(const KthreadModel &M, const FunctionDecl *FD,
                          const std::set<HandleKey> &MayHoldErrPtr,
                          bool StrictStorage) {
  ErrPtrFacts Out;
  HandleFlow(M, FD, {&MayHoldErrPtr, /*CalleeStarts=*/false})
      .errPtrView(StrictStorage, Out);
  return Out;
}

StartedThreadFacts startedThreadsOf(const KthreadModel &M,
                                    const FunctionDecl *FD) {
  StartedThreadFacts Out;
  HandleFlow(M, FD, {nullptr, /*CalleeStarts=*/true}).startedView(Out);
  return Out;
}

const char CreationFlows::ID = 0;

const ErrPtrFacts &CreationFlows::of(const FunctionDecl *FD,
                                     bool StrictStorage) const {
  std::unique_ptr<ErrPtrFacts> &Facts = Flows[{FD, StrictStorage}];
  if (!Facts)
    Facts = std::make_unique<ErrPtrFacts>(
        errPtrFactsOf(M, FD, {}, StrictStorage));
  return *Facts;
}

const char StartSummaries::ID = 0;

StartSummaries::StartSummaries(const KthreadModel &M) : M(M) {
  if (M.creations().empty())
    return;
  // The call graph of the module's own functions (a kernel header's inline
  // functions start no thread of the module).
  const CallGraph &CG = M.facet<CalleeSummaries>().callGraph();
  // Callers of each function, then everything that reaches a creation.
  std::map<const FunctionDecl *, std::vector<const FunctionDecl *>> Callers;
  for (const auto &[D, Node] : CG) {
    const auto *Caller = dyn_cast_or_null<FunctionDecl>(D);
    if (!Caller)
      continue;
    for (const CallGraphNode::CallRecord &R : *Node)
      if (const auto *Callee =
              dyn_cast_or_null<FunctionDecl>(R.Callee->getDecl()))
        Callers[Callee->getCanonicalDecl()].push_back(Caller);
  }
  std::vector<const FunctionDecl *> Work;
  for (const ThreadCreation &TC : M.creations())
    if (TC.Enclosing)
      Work.push_back(TC.Enclosing);
  while (!Work.empty()) {
    const FunctionDecl *F = Work.back();
    Work.pop_back();
    if (!Starters.insert(F->getCanonicalDecl()).second)
      continue;
    for (const FunctionDecl *Caller : Callers[F->getCanonicalDecl()])
      Work.push_back(Caller);
  }
}

StartSummaries::~StartSummaries() = default;

llvm::ArrayRef<StartSummaries::Started>
StartSummaries::startedBy(const FunctionDecl *FD) const {
  FD = M.definitionOf(FD);
  if (!FD || !FD->hasBody() || !Starters.count(FD->getCanonicalDecl()))
    return {};
  // What the caller can tell of the callee's failure: 0 or -errno, or no
  // result. A pointer's NULL or ERR_PTR is not tied to the threads (yet).
  QualType R = FD->getReturnType();
  if (!R->isVoidType() && !R->isIntegerType())
    return {};
  auto [It, New] = Summaries.try_emplace(FD);
  if (!New)
    return It->second ? llvm::ArrayRef<Started>(*It->second)
                      : llvm::ArrayRef<Started>();
  // Being summarised: a recursive call starts nothing more. The callees'
  // summaries are made, and kept, as the analysis meets their calls.
  StartedThreadFacts Facts = startedThreadsOf(M, FD);
  std::vector<Started> Out;
  if (Facts.Complete)
    for (const StartedThreadFacts::RunningAtReturn &R : Facts.Running) {
      if (R.Kind == ReturnKind::Error || R.KeptIn.empty())
        continue;
      auto Found = llvm::find_if(
          Out, [&](const Started &S) { return S.Creation == R.Creation; });
      if (Found == Out.end())
        Found = Out.insert(Out.end(), Started{R.Creation, {}});
      for (const AccessPath &P : R.KeptIn)
        if (!llvm::is_contained(Found->KeptIn, P))
          Found->KeptIn.push_back(P);
    }
  for (Started &S : Out)
    S.AlsoOnError = llvm::any_of(
        Facts.Running, [&](const StartedThreadFacts::RunningAtReturn &R) {
          return R.Creation == S.Creation && R.Kind == ReturnKind::Error;
        });
  std::optional<std::vector<Started>> &Slot = Summaries[FD];
  Slot = std::move(Out);
  return *Slot;
}

bool otherFileMayStop(const KthreadModel &M, const CallExpr *C,
                      const AccessPath &P) {
  const FunctionDecl *Callee = C->getDirectCallee();
  if (!Callee || Callee->getBuiltinID() || lookupHandleOp(calleeName(C)) ||
      lookupCreationApi(calleeName(C)) || leavesHandleAlone(calleeName(C)))
    return false;
  const FunctionDecl *Def = M.definitionOf(Callee);
  // A sibling file's function is known from its summary, which the
  // caller's own summary already holds (CalleeSummaries).
  if ((Def && Def->hasBody()) ||
      isKernelApi(Callee, M.context().getSourceManager()) ||
      M.facet<SiblingSummaries>().summaryOf(Callee))
    return false;
  return otherFileMayReach(C, P);
}

} // namespace clang::tidy::kthread
