//===--- StartedThreadFlow.cpp - kthread-lint -----------------------------===//

#include "StartedThreadFlow.h"
#include "CalleeSummaries.h"
#include "Dataflow.h"
#include "ThreadFacts.h"
#include "clang/AST/Attr.h"
#include "clang/Analysis/CallGraph.h"
#include "clang/Basic/SourceManager.h"

namespace clang::tidy::kthread {
namespace {

/// Declared in a kernel header (`include/linux/...`), not by the module:
/// such a function does not stop a module's thread it is not handed.
bool isKernelApi(const FunctionDecl *FD, const SourceManager &SM) {
  const FunctionDecl *First = FD->getFirstDecl();
  SourceLocation Loc = SM.getSpellingLoc(First->getLocation());
  if (Loc.isInvalid() || SM.isWrittenInMainFile(Loc))
    return false;
  return SM.getFilename(Loc).contains("/include/");
}

bool isIntegerLocal(const VarDecl *VD) {
  return VD && VD->isLocalVarDecl() && !VD->isStaticLocal() &&
         (VD->getType()->isIntegerType() || VD->getType()->isBooleanType());
}

/// A place on a path: an access path and, for an array element, its index
/// when it is a constant: `thread[SHA]` and `thread[AES]` are two places,
/// `thread[i]` is one for every i.
struct Place {
  AccessPath Path;
  std::optional<int64_t> Index;
  bool operator<(const Place &O) const {
    return std::tie(Path, Index) < std::tie(O.Path, O.Index);
  }
  bool operator==(const Place &O) const {
    return Path == O.Path && Index == O.Index;
  }
};

std::optional<Place> placeOf(const Expr *E, const ASTContext &Ctx) {
  std::optional<AccessPath> P = accessPathOf(E);
  if (!P)
    return std::nullopt;
  Place Pl{*P, std::nullopt};
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

/// What a path knows of a thread created in the function.
enum class Status : uint8_t {
  Unchecked,        ///< Created; IS_ERR() not tested yet; not woken.
  UncheckedStarted, ///< Created running (kthread_run), or woken, untested.
  Err,              ///< An ERR_PTR: no thread.
  Sleeping,         ///< Valid, not woken.
  Running,          ///< Valid and started.
  Stopped,          ///< Stopped.
  Gone,             ///< Returned or handed to code we cannot see.
};

bool isRunning(Status S) {
  return S == Status::Running || S == Status::UncheckedStarted;
}

/// What a path knows of an integer local.
struct IntFact {
  enum KindTy : uint8_t { Zero, NonZero, ErrOf } Kind = Zero;
  /// ErrOf: non-zero exactly when this creation failed (TrueMeansErr), or
  /// exactly when it did not.
  const ThreadCreation *V = nullptr;
  bool TrueMeansErr = true;
  bool operator<(const IntFact &O) const {
    return std::tie(Kind, V, TrueMeansErr) < std::tie(O.Kind, O.V, O.TrueMeansErr);
  }
  bool operator==(const IntFact &O) const {
    return Kind == O.Kind && V == O.V && TrueMeansErr == O.TrueMeansErr;
  }
};

/// A marker for places known to hold NULL.
const ThreadCreation *const NullHandle =
    reinterpret_cast<const ThreadCreation *>(uintptr_t(1));

struct PathState {
  std::map<Place, const ThreadCreation *> Places;
  std::map<const ThreadCreation *, Status> Values;
  std::map<const VarDecl *, IntFact> Ints;
  /// Conditions already decided on this path (index into the condition
  /// table), and constants stored into lvalues, by the same table.
  std::map<unsigned, bool> Conds;

  bool operator<(const PathState &O) const {
    return std::tie(Places, Values, Ints, Conds) <
           std::tie(O.Places, O.Values, O.Ints, O.Conds);
  }
};

/// A test of a creation result: IS_ERR(t) and its relatives.
struct ErrTest {
  const ThreadCreation *V;
  bool TrueMeansErr;
};

class Flow {
public:
  Flow(const KthreadModel &M, const FunctionDecl *FD)
      : M(M), Ctx(M.context()), FD(FD) {}
  void run(StartedThreadFacts &Out);

  // The path-sensitive driver's interface (Dataflow.h).
  using State = PathState;
  PathState initial(const CFG &) const { return {}; }
  void transfer(const CFGElement &E, PathState &P) {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      element(CS->getStmt(), P);
  }
  bool transferBranch(const CFGBlock &B, unsigned Succ, PathState &P);

private:
  struct Cond {
    llvm::FoldingSetNodeID ID;
    std::vector<AccessPath> Atoms;
  };

  void element(const Stmt *S, PathState &P);
  void call(const CallExpr *C, PathState &P);
  /// `devm_add_action_or_reset(dev, stop_fn, priv)`: what a callback
  /// handed over stops is taken care of, at a time we do not know.
  void handOverCallbacks(const CallExpr *C, PathState &P);
  /// A call of a function of this file (CalleeSummaries), or of one whose
  /// body is elsewhere; arguments from \p Last on are printed, not used.
  void callOwnFunction(const CallExpr *C, const FunctionDecl *Def,
                       unsigned Last, PathState &P);
  void callElsewhere(const CallExpr *C, const FunctionDecl *Callee,
                     unsigned Last, PathState &P);
  void assign(const Expr *LHS, const Expr *RHS, PathState &P);
  void handOver(const ThreadCreation *V, PathState &P) {
    if (V && V != NullHandle)
      P.Values[V] = Status::Gone;
  }
  void invalidate(const AccessPath &Q, PathState &P);
  const ThreadCreation *valueOf(const Expr *E, const PathState &P) const;
  std::optional<ErrTest> errTestOf(const Expr *E, const PathState &P,
                                   int Depth = 0) const;
  std::optional<IntFact> intFactOf(const Expr *RHS, const PathState &P) const;
  /// Narrows \p P to the paths where \p E is \p Value; false if none.
  bool assume(const Expr *E, bool Value, PathState &P, int Depth = 0);
  bool assumeErr(const ThreadCreation *V, bool IsErr, PathState &P);
  bool assumeErrOf(const ThreadCreation *V, bool IsErr, PathState &P);
  ReturnKind returnKind(const Expr *E, PathState &P);
  std::optional<unsigned> condIndex(const Expr *E);
  void record(const ReturnStmt *RS, ReturnKind K, const PathState &P,
              StartedThreadFacts &Out);

  const FunctionSummary &stopsOf(const FunctionDecl *Fn) const {
    return M.facet<CalleeSummaries>().of(Fn);
  }

  /// The threads a call of a summarised function starts (StartSummaries),
  /// tracked from then on as if created here; \p C's result is non-zero
  /// exactly when they were not started.
  void startedByCallee(const CallExpr *C, const FunctionDecl *Def,
                       PathState &P);
  /// The thread whose status stands for all those \p C started, if any.
  const ThreadCreation *startedBy(const CallExpr *C) const {
    auto It = CallStarts.find(C);
    return It == CallStarts.end() ? nullptr : It->second;
  }

  const KthreadModel &M;
  ASTContext &Ctx;
  const FunctionDecl *FD;
  std::map<const CallExpr *, const ThreadCreation *> CallStarts;
  /// Threads one call started, by the one that stands for them.
  std::map<const ThreadCreation *, std::vector<const ThreadCreation *>> Tied;
  std::vector<Cond> Conds;
  std::map<std::pair<const ThreadCreation *, const ReturnStmt *>, size_t> Seen;
};

const ThreadCreation *Flow::valueOf(const Expr *E, const PathState &P) const {
  E = stripValue(E);
  if (!E)
    return nullptr;
  if (const auto *C = dyn_cast<CallExpr>(E))
    return M.creationByCall(C);
  if (std::optional<Place> Pl = placeOf(E, Ctx)) {
    auto It = P.Places.find(*Pl);
    if (It != P.Places.end() && It->second != NullHandle)
      return It->second;
  }
  return nullptr;
}

std::optional<ErrTest> Flow::errTestOf(const Expr *E, const PathState &P,
                                       int Depth) const {
  if (!E || Depth > 8)
    return std::nullopt;
  bool Negated = false;
  E = unwrapCondition(E, Negated);
  if (Negated) {
    std::optional<ErrTest> T = errTestOf(E, P, Depth + 1);
    if (T)
      T->TrueMeansErr = !T->TrueMeansErr;
    return T;
  }
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    llvm::StringRef Name = calleeName(C);
    if (isErrPtrTest(Name) && C->getNumArgs() == 1)
      if (const ThreadCreation *V = valueOf(C->getArg(0), P))
        return ErrTest{V, true};
    return std::nullopt;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (auto It = P.Ints.find(VD->getCanonicalDecl());
          It != P.Ints.end() && It->second.Kind == IntFact::ErrOf)
        return ErrTest{It->second.V, It->second.TrueMeansErr};
  return std::nullopt;
}

std::optional<IntFact> Flow::intFactOf(const Expr *RHS,
                                       const PathState &P) const {
  if (!RHS)
    return std::nullopt;
  const Expr *E = RHS->IgnoreParenImpCasts();
  Expr::EvalResult R;
  if (!E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
    return IntFact{R.Val.getInt().isZero() ? IntFact::Zero : IntFact::NonZero};
  if (const auto *C = dyn_cast<CallExpr>(E))
    if (const ThreadCreation *V = startedBy(C))
      return IntFact{IntFact::ErrOf, V, true};
  if (const auto *C = dyn_cast<CallExpr>(E))
    // PTR_ERR() of a pointer that is not NULL.
    if (effectsOf(calleeName(C)).has(effect::ToErrorCode) &&
        C->getType()->isIntegerType() && !isErrPtrTest(calleeName(C)))
      return IntFact{IntFact::NonZero};
  if (std::optional<ErrTest> T = errTestOf(E, P))
    return IntFact{IntFact::ErrOf, T->V, T->TrueMeansErr};
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (auto It = P.Ints.find(VD->getCanonicalDecl()); It != P.Ints.end())
        return It->second;
  return std::nullopt;
}

void Flow::invalidate(const AccessPath &Q, PathState &P) {
  for (auto It = P.Conds.begin(); It != P.Conds.end();) {
    bool Hit = llvm::any_of(Conds[It->first].Atoms, [&](const AccessPath &A) {
      return A.overlaps(Q);
    });
    It = Hit ? P.Conds.erase(It) : std::next(It);
  }
  if (Q.Fields.empty())
    P.Ints.erase(Q.Base);
}

/// The access paths a condition reads.
static void collectAtoms(const Expr *E, std::vector<AccessPath> &Out) {
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

std::optional<unsigned> Flow::condIndex(const Expr *E) {
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

void Flow::assign(const Expr *LHS, const Expr *RHS, PathState &P) {
  std::optional<Place> ToPlace = placeOf(LHS, Ctx);
  const ThreadCreation *V = RHS ? valueOf(RHS, P) : nullptr;
  if (!ToPlace) { // Stored where we cannot follow it.
    handOver(V, P);
    return;
  }
  const AccessPath *To = &ToPlace->Path;
  std::optional<IntFact> Fact;
  if (To->Fields.empty() && !To->ArrayElement && isIntegerLocal(To->Base))
    Fact = intFactOf(RHS, P);
  for (auto It = P.Places.begin(); It != P.Places.end();) {
    bool Overwritten = To->ArrayElement ? It->first == *ToPlace
                                        : To->isPrefixOf(It->first.Path);
    It = Overwritten ? P.Places.erase(It) : std::next(It);
  }
  invalidate(*To, P);
  if (V)
    P.Places[*ToPlace] = V;
  else if (RHS && isNullConstant(RHS, Ctx) && LHS->getType()->isPointerType())
    P.Places[*ToPlace] = NullHandle;
  if (Fact) {
    P.Ints[To->Base] = *Fact;
  } else if (RHS && !To->ArrayElement) {
    // `priv->started = true;`: the next test of it knows the answer.
    Expr::EvalResult R;
    const Expr *E = RHS->IgnoreParenImpCasts();
    if (!E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
      if (std::optional<unsigned> I = condIndex(LHS))
        P.Conds[*I] = !R.Val.getInt().isZero();
  }
}

void Flow::call(const CallExpr *C, PathState &P) {
  if (const ThreadCreation *TC = M.creationByCall(C)) {
    // What the called function itself does: kthread_create_on_node()
    // inside kthread_run() leaves the thread asleep, the macro wakes it.
    llvm::StringRef Name = calleeName(C);
    std::optional<CreationApi> Api = lookupCreationApi(Name);
    bool Runs = Api ? Api->Kind != CreationKind::Create
                    : TC->Api.Kind != CreationKind::Create;
    P.Values[TC] = Runs ? Status::UncheckedStarted : Status::Unchecked;
    return;
  }
  llvm::StringRef Name = calleeName(C);
  if (isBranchHint(Name) || leavesHandleAlone(Name))
    return;
  if (std::optional<HandleOp> Op = lookupHandleOp(Name)) {
    const ThreadCreation *V = C->getNumArgs() ? valueOf(C->getArg(0), P) : nullptr;
    if (!V)
      return;
    Status &S = P.Values[V];
    if (*Op == HandleOp::Wake || *Op == HandleOp::Unpark ||
        *Op == HandleOp::Park) {
      if (S == Status::Sleeping)
        S = Status::Running;
      else if (S == Status::Unchecked)
        S = Status::UncheckedStarted;
    } else if (isStopOp(*Op) && S != Status::Gone) {
      S = Status::Stopped;
    }
    return;
  }
  // Printed arguments are not handed over: `pr_err("%pe", t)`.
  const FunctionDecl *Callee = C->getDirectCallee();
  unsigned Last = C->getNumArgs();
  if (Callee)
    if (const auto *FA = Callee->getAttr<FormatAttr>())
      Last = std::min<unsigned>(Last, FA->getFormatIdx() - 1);

  handOverCallbacks(C, P);
  const FunctionDecl *Def = Callee ? M.definitionOf(Callee) : nullptr;
  if (Def && Def->hasBody())
    callOwnFunction(C, Def, Last, P);
  else
    callElsewhere(C, Callee, Last, P);
}

void Flow::handOverCallbacks(const CallExpr *C, PathState &P) {
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
    const FunctionSummary &S = stopsOf(FnDef);
    for (auto &[Pl, V] : P.Places)
      if (V != NullHandle && Pl.Path.Persistent &&
          S.Stops.count(HandleKey::of(Pl.Path)))
        handOver(V, P);
    if (!S.StopsParams.empty()) // It stops its data: the handle passed with it.
      for (const Expr *Data : C->arguments())
        handOver(valueOf(Data, P), P);
  }
}

void Flow::callOwnFunction(const CallExpr *C, const FunctionDecl *Def,
                           unsigned Last, PathState &P) {
  // A function of this file: does it stop what we pass or keep?
  const FunctionSummary &S = stopsOf(Def);
  for (auto &[Pl, V] : P.Places)
    if (V != NullHandle && Pl.Path.Persistent &&
        S.Stops.count(HandleKey::of(Pl.Path)) && P.Values[V] != Status::Gone)
      P.Values[V] = Status::Stopped;
  for (unsigned I = 0; I < Last; ++I) {
    const ThreadCreation *V = valueOf(C->getArg(I), P);
    if (!V)
      continue;
    if (S.StopsParams.count(I)) {
      if (P.Values[V] != Status::Gone)
        P.Values[V] = Status::Stopped;
    } else {
      handOver(V, P); // Kept or passed on by code we do not follow.
    }
  }
  if (S.StopsUnresolved)
    for (auto &[V, St] : P.Values)
      if (St != Status::Err)
        St = Status::Gone;
  startedByCallee(C, Def, P);
}

void Flow::callElsewhere(const CallExpr *C, const FunctionDecl *Callee,
                         unsigned Last, PathState &P) {
  bool Kernel = Callee && isKernelApi(Callee, Ctx.getSourceManager());
  for (unsigned I = 0; I < Last; ++I) {
    const Expr *A = C->getArg(I)->IgnoreParenImpCasts();
    bool AddrOf = false;
    if (const auto *UO = dyn_cast<UnaryOperator>(A))
      if (UO->getOpcode() == UO_AddrOf) {
        A = UO->getSubExpr()->IgnoreParenImpCasts();
        AddrOf = true;
      }
    if (const ThreadCreation *V = valueOf(A, P)) {
      handOver(V, P);
      continue;
    }
    std::optional<AccessPath> AP = accessPathOf(A);
    if (!AP)
      continue;
    if (AddrOf)
      invalidate(*AP, P);
    // The module's own code, elsewhere, may stop what a structure it is
    // given holds; the kernel's does not.
    if (!Kernel || AddrOf)
      for (auto &[Pl, V] : P.Places)
        if (V != NullHandle && AP->isPrefixOf(Pl.Path) && !(*AP == Pl.Path))
          handOver(V, P);
  }
  // The module's own code in another file: what it can reach.
  if (!Kernel && Callee && !Callee->getBuiltinID())
    for (auto &[Pl, V] : P.Places)
      if (V != NullHandle && Pl.Path.Persistent &&
          otherFileMayReach(C, Pl.Path))
        handOver(V, P);
}

bool Flow::assumeErr(const ThreadCreation *V, bool IsErr, PathState &P) {
  if (auto It = Tied.find(V); It != Tied.end())
    for (const ThreadCreation *Other : It->second)
      if (P.Values.count(Other))
        assumeErrOf(Other, IsErr, P);
  return assumeErrOf(V, IsErr, P);
}

bool Flow::assumeErrOf(const ThreadCreation *V, bool IsErr, PathState &P) {
  Status &S = P.Values[V];
  switch (S) {
  case Status::Unchecked:
    S = IsErr ? Status::Err : Status::Sleeping;
    return true;
  case Status::UncheckedStarted:
    S = IsErr ? Status::Err : Status::Running;
    return true;
  case Status::Err:
    return IsErr;
  case Status::Sleeping:
  case Status::Running:
  case Status::Stopped:
    return !IsErr;
  case Status::Gone:
    return true;
  }
  return true;
}

bool Flow::assume(const Expr *E, bool Value, PathState &P, int Depth) {
  if (!E || Depth > 8)
    return true;
  E = E->IgnoreParenImpCasts();
  if (const auto *SE = dyn_cast<StmtExpr>(E)) {
    const CompoundStmt *CS = SE->getSubStmt();
    return CS->body_empty() ||
           assume(dyn_cast<Expr>(CS->body_back()), Value, P, Depth + 1);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_LNot)
      return assume(UO->getSubExpr(), !Value, P, Depth + 1);
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    llvm::StringRef Name = calleeName(C);
    if (isBranchHint(Name) && C->getNumArgs() == 2)
      return assume(C->getArg(0), Value, P, Depth + 1);
    if (const ThreadCreation *V = startedBy(C)) // `if (start_threads(st))`
      return assumeErr(V, Value, P);
    if (isErrPtrTest(Name) && C->getNumArgs() == 1) {
      if (const ThreadCreation *V = valueOf(C->getArg(0), P))
        return assumeErr(V, Value, P);
      if (std::optional<Place> Pl = placeOf(C->getArg(0), Ctx))
        if (auto It = P.Places.find(*Pl);
            It != P.Places.end() && It->second == NullHandle)
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
        return assume(L, BO->getOpcode() == BO_EQ ? !Value : Value, P,
                      Depth + 1);
    }
    // `ret < 0` true: ret is not zero.
    if (BO->getOpcode() == BO_LT && IsZero(R) && Value)
      return assume(L, true, P, Depth + 1);
    if (BO->getOpcode() == BO_GT && IsZero(L) && Value)
      return assume(R, true, P, Depth + 1);
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (VD && isIntegerLocal(VD)) {
      auto It = P.Ints.find(VD->getCanonicalDecl());
      if (It == P.Ints.end()) {
        P.Ints[VD->getCanonicalDecl()] =
            IntFact{Value ? IntFact::NonZero : IntFact::Zero};
        return true;
      }
      IntFact F = It->second;
      if (F.Kind == IntFact::Zero)
        return !Value;
      if (F.Kind == IntFact::NonZero)
        return Value;
      P.Ints[VD->getCanonicalDecl()] =
          IntFact{Value ? IntFact::NonZero : IntFact::Zero};
      return assumeErr(F.V, Value == F.TrueMeansErr, P);
    }
  }
  // A handle as a truth value: a creation result is never NULL.
  if (E->getType()->isPointerType())
    if (std::optional<Place> Pl = placeOf(E, Ctx))
      if (auto It = P.Places.find(*Pl); It != P.Places.end())
        return It->second == NullHandle ? !Value : Value;
  // Anything else without side effects takes the same branch each time on
  // a path, until what it reads is assigned.
  if (std::optional<unsigned> I = condIndex(E)) {
    auto [It, New] = P.Conds.try_emplace(*I, Value);
    return New || It->second == Value;
  }
  return true;
}

ReturnKind Flow::returnKind(const Expr *E, PathState &P) {
  if (!E)
    return ReturnKind::Unknown;
  E = E->IgnoreParenImpCasts();
  Expr::EvalResult R;
  if (!E->isValueDependent() && E->getType()->isIntegerType() &&
      E->EvaluateAsInt(R, Ctx))
    return R.Val.getInt().isZero() ? ReturnKind::Success : ReturnKind::Error;
  if (!E->getType()->isIntegerType())
    return ReturnKind::Unknown;
  if (std::optional<IntFact> F = intFactOf(E, P)) {
    if (F->Kind == IntFact::Zero)
      return ReturnKind::Success;
    if (F->Kind == IntFact::NonZero)
      return ReturnKind::Error;
    Status S = P.Values[F->V];
    if (S == Status::Err)
      return F->TrueMeansErr ? ReturnKind::Error : ReturnKind::Success;
    if (S == Status::Sleeping || S == Status::Running || S == Status::Stopped)
      return F->TrueMeansErr ? ReturnKind::Success : ReturnKind::Error;
  }
  return ReturnKind::Unknown;
}

void Flow::record(const ReturnStmt *RS, ReturnKind K, const PathState &P,
                  StartedThreadFacts &Out) {
  for (const auto &[V, S] : P.Values) {
    if (!isRunning(S))
      continue;
    auto [It, New] = Seen.try_emplace({V, RS}, Out.Running.size());
    if (New) {
      StartedThreadFacts::RunningAtReturn R;
      R.Creation = V;
      R.Return = RS;
      R.Kind = K;
      Out.Running.push_back(R);
    }
    StartedThreadFacts::RunningAtReturn &R = Out.Running[It->second];
    if (R.Kind != K)
      R.Kind = ReturnKind::Unknown;
    bool Kept = false;
    for (const auto &[Pl, PV] : P.Places)
      if (PV == V && Pl.Path.Persistent) {
        Kept = true;
        if (!llvm::is_contained(R.KeptIn, Pl.Path))
          R.KeptIn.push_back(Pl.Path);
      }
    R.LostOnSomePath |= !Kept;
  }
}

/// \p KP, a place of the callee \p Def, as the caller of \p C names it:
/// `state->thread` with `state` the callee's parameter i is `<arg i>->thread`.
static std::optional<AccessPath> inCaller(const AccessPath &KP,
                                          const FunctionDecl *Def,
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

void Flow::startedByCallee(const CallExpr *C, const FunctionDecl *Def,
                           PathState &P) {
  llvm::ArrayRef<StartSummaries::Started> Started =
      M.facet<StartSummaries>().startedBy(Def);
  const ThreadCreation *First = nullptr;
  for (const StartSummaries::Started &S : Started) {
    const ThreadCreation *V = S.Creation;
    if (P.Values.count(V))
      continue; // Already ours on this path.
    P.Values[V] = Status::UncheckedStarted;
    for (const AccessPath &KP : S.KeptIn)
      if (std::optional<AccessPath> Here = inCaller(KP, Def, C))
        P.Places[Place{*Here, std::nullopt}] = V;
    if (S.AlsoOnError)
      continue; // Running whatever the call returns.
    if (!First) {
      First = V;
      CallStarts[C] = V;
    } else if (!llvm::is_contained(Tied[First], V)) {
      Tied[First].push_back(V);
    }
  }
}

void Flow::element(const Stmt *S, PathState &P) {
  if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
    returnKind(RS->getRetValue(), P);
    // A handle returned is the caller's.
    if (const Expr *RV = RS->getRetValue())
      handOver(valueOf(RV, P), P);
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        DeclRefExpr Ref(Ctx, const_cast<VarDecl *>(VD), false, VD->getType(),
                        VK_LValue, VD->getLocation());
        assign(&Ref, VD->getInit(), P);
      }
    return;
  }
  const auto *E = dyn_cast<Expr>(S);
  if (!E)
    return;
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    call(C, P);
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() == BO_Assign)
      assign(BO->getLHS(), BO->getRHS(), P);
    else if (BO->isCompoundAssignmentOp())
      if (std::optional<AccessPath> AP = accessPathOf(BO->getLHS()))
        invalidate(*AP, P);
    return;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->isIncrementDecrementOp())
      if (std::optional<AccessPath> AP = accessPathOf(UO->getSubExpr()))
        invalidate(*AP, P);
}

bool Flow::transferBranch(const CFGBlock &B, unsigned Succ, PathState &P) {
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
  return assume(Cnd, /*Value=*/Succ == 0, P);
}

void Flow::run(StartedThreadFacts &Out) {
  const CFG *G = M.cfgOf(FD);
  if (!G)
    return;
  // Paths are not joined; the budget bounds the work on large functions,
  // and when it runs out the facts are marked incomplete.
  PathResult<PathState> R = runPathSensitive(*G, *this);
  if (!R.Complete) {
    Out.Complete = false;
    return;
  }
  // What runs at each return, from the states the paths reach it with.
  forEachPathElement(
      *G, R, *this,
      [&](const CFGBlock &, unsigned, const CFGElement &E,
          const PathState &Before) {
        std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
        const auto *RS = CS ? dyn_cast<ReturnStmt>(CS->getStmt()) : nullptr;
        if (!RS)
          return;
        PathState P = Before;
        ReturnKind K = returnKind(RS->getRetValue(), P);
        if (const Expr *RV = RS->getRetValue())
          handOver(valueOf(RV, P), P);
        record(RS, K, P, Out);
      },
      [&](const CFGBlock &B, const PathState &After) {
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
      if (const auto *Callee = dyn_cast_or_null<FunctionDecl>(R.Callee->getDecl()))
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
  StartedThreadFacts Facts = analyzeStartedThreads(M, FD);
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

StartedThreadFacts analyzeStartedThreads(const KthreadModel &M,
                                         const FunctionDecl *FD) {
  StartedThreadFacts Out;
  Flow(M, FD).run(Out);
  return Out;
}

bool otherFileMayStop(const KthreadModel &M, const CallExpr *C,
                      const AccessPath &P) {
  const FunctionDecl *Callee = C->getDirectCallee();
  if (!Callee || Callee->getBuiltinID() || lookupHandleOp(calleeName(C)) ||
      lookupCreationApi(calleeName(C)) || leavesHandleAlone(calleeName(C)))
    return false;
  const FunctionDecl *Def = M.definitionOf(Callee);
  if ((Def && Def->hasBody()) ||
      isKernelApi(Callee, M.context().getSourceManager()))
    return false;
  return otherFileMayReach(C, P);
}

} // namespace clang::tidy::kthread
