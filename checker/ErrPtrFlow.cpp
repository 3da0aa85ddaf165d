//===--- ErrPtrFlow.cpp - kthread-lint ------------------------------------===//

#include "ErrPtrFlow.h"
#include "CalleeSummaries.h"
#include "Dataflow.h"
#include "ThreadFacts.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Attr.h"
#include <map>
#include <set>

namespace clang::tidy::kthread {
namespace {

/// What a value may be on some path reaching a point.
enum : unsigned {
  MayBeErr = 1,     ///< An ERR_PTR.
  MayBeValid = 2,   ///< A valid handle, not started yet (or, for storage,
                    ///< anything else).
  NullTested = 4,   ///< A NULL test let it through: the author thinks it safe.
  ValidStarted = 8, ///< A valid handle already woken, parked, stopped, or
                    ///< handed to code we cannot see.
  AnyValid = MayBeValid | ValidStarted,
  /// The function returned on this path with the failure (PTR_ERR(t), a
  /// negative errno): whoever called it owns the unwind.
  FailurePropagated = 16,
  /// The function returned on this path without reporting a failure.
  FailureSwallowed = 32,
  /// The object holding the place went to a function of this file that
  /// reads the place: the function's own unwind (ipmi_ipmb's probe calls
  /// its cleanup on the failure path), not only the caller's.
  HandedToReader = 64,
};

/// A tracked value: a creation result, or the content of a field or global
/// that may hold an ERR_PTR left there by another function.
using ValueId = const void *;

/// A place holding a tracked value, and what the value may be there. The
/// state is per place, not per value, so that resetting one place on the
/// error path does not blur the others at the join.
struct Binding {
  ValueId V;
  const Stmt *Store;
  unsigned Flags;
  /// Variables given an error code on this path while the value may be an
  /// ERR_PTR (`err = PTR_ERR(t)`, `ret = -ENOMEM`): returning one of them
  /// reports this value's failure. Kept with the value, not the state, so
  /// that another path's error code does not speak for this one's failure.
  std::set<const VarDecl *> ErrCodes;
  bool operator==(const Binding &O) const {
    return V == O.V && Store == O.Store && Flags == O.Flags &&
           ErrCodes == O.ErrCodes;
  }
};

/// The result of a test expression, as far as it concerns one value.
struct Test {
  ValueId V = nullptr;
  bool IsErrTest = false; ///< IS_ERR()-like; else a NULL test.
  bool TrueMeans = false; ///< Err test: true means error. NULL test: true means NULL.
  bool operator==(const Test &O) const {
    return V == O.V && IsErrTest == O.IsErrTest && TrueMeans == O.TrueMeans;
  }
};

struct State {
  bool Reached = false;
  std::map<AccessPath, Binding> Bound;
  /// Variables holding the outcome of a test: `err = PTR_ERR_OR_ZERO(t)`,
  /// WARN_ON's `__ret_warn_on = !!(IS_ERR(t))`.
  std::map<const VarDecl *, Test> TestVars;
  /// Variables holding an error code: `err = PTR_ERR(t)`, `ret = -ENOMEM`.
  std::set<const VarDecl *> ErrorCodes;
  /// Loop bounds set to the index of a failed element (`commit_threads = i`
  /// in fs/jfs/super.c): a loop below them sees only the elements before.
  std::set<const VarDecl *> FailedIndexBounds;

  bool operator==(const State &O) const {
    return Reached == O.Reached && Bound == O.Bound && TestVars == O.TestVars &&
           ErrorCodes == O.ErrorCodes && FailedIndexBounds == O.FailedIndexBounds;
  }

  void join(const State &O) {
    if (!O.Reached)
      return;
    if (!Reached) {
      *this = O;
      return;
    }
    for (const auto &[P, B] : O.Bound) {
      auto [It, New] = Bound.insert({P, B});
      if (New)
        continue;
      if (It->second.V != B.V) {
        Bound.erase(It); // Different values on different paths: unknown.
        continue;
      }
      Binding &Mine = It->second;
      // An error code reports the failure only if every path on which the
      // value may be an ERR_PTR set it.
      if ((Mine.Flags & MayBeErr) && (B.Flags & MayBeErr)) {
        std::set<const VarDecl *> Both;
        for (const VarDecl *VD : Mine.ErrCodes)
          if (B.ErrCodes.count(VD))
            Both.insert(VD);
        Mine.ErrCodes = std::move(Both);
      } else if (B.Flags & MayBeErr) {
        Mine.ErrCodes = B.ErrCodes;
      }
      Mine.Flags |= B.Flags;
    }
    ErrorCodes.insert(O.ErrorCodes.begin(), O.ErrorCodes.end());
    FailedIndexBounds.insert(O.FailedIndexBounds.begin(),
                             O.FailedIndexBounds.end());
    for (auto It = TestVars.begin(); It != TestVars.end();) {
      auto OIt = O.TestVars.find(It->first);
      if (OIt == O.TestVars.end() || !(OIt->second == It->second))
        It = TestVars.erase(It);
      else
        ++It;
    }
  }
};

/// The variable indexing the innermost array element of \p E
/// (`infos[i].thread` gives `i`), or null.
static const VarDecl *subscriptVar(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(ASE->getIdx()->IgnoreParenImpCasts()))
        return dyn_cast<VarDecl>(DRE->getDecl());
      return nullptr;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      E = ME->getBase();
    else
      return nullptr;
  }
  return nullptr;
}

/// The variable indexing the element a store writes (`threads[i] = ...`).
static const VarDecl *storeIndexVar(const Stmt *Store) {
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Store))
    return subscriptVar(BO->getLHS());
  return nullptr;
}

static const VarDecl *varOf(const Expr *E) {
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return VD;
  return nullptr;
}

/// `t == ERR_PTR(-ENOMEM)`: the side compared with one error value.
static const Expr *comparedWithOneError(const BinaryOperator *BO) {
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
/// allocator, or a function of the file named like one (free, put, release,
/// destroy) that passes a parameter to one.
static bool freesItsArguments(const CallExpr *C) {
  llvm::StringRef N = calleeName(C);
  if (effectsOf(N).has(effect::Frees))
    return true;
  if (!looksLikeRelease(N))
    return false;
  const FunctionDecl *FD = C->getDirectCallee();
  FD = FD ? FD->getDefinition() : nullptr;
  if (!FD || !FD->hasBody())
    return true; // Unknown body: trust the name, as before.
  for (const CallExpr *Inner : callsIn(FD->getBody()))
    if (effectsOf(calleeName(Inner)).has(effect::Frees))
      for (const Expr *Arg : Inner->arguments())
        if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg->IgnoreParenCasts()))
          if (isa<ParmVarDecl>(DRE->getDecl()))
            return true;
  return false;
}

class Analysis {
public:
  Analysis(const KthreadModel &M, const std::set<HandleKey> &Tainted,
           bool StrictStorage)
      : M(M), Ctx(M.context()), Tainted(Tainted), StrictStorage(StrictStorage) {}

  void run(const FunctionDecl *FD, ErrPtrFacts &Out);

  // The dataflow driver's interface (Dataflow.h).
  using State = kthread::State;
  State initial(const CFG &) const {
    State S;
    S.Reached = true;
    return S;
  }
  void transfer(const CFGElement &E, State &S) {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      element(CS->getStmt(), S, nullptr);
  }
  bool transferBranch(const CFGBlock &B, unsigned Succ, State &S);
  bool join(State &Into, const State &From) const {
    State Before = Into;
    Into.join(From);
    return !(Into == Before);
  }

private:
  /// The elements of \p B and its branch's NULL test, recording findings.
  void replayBlock(const CFGBlock &B, State &S, ErrPtrFacts *Out);
  /// C has no pointer-to-bool conversion in `if (t)`, `t && x`: the handle
  /// itself is the condition.
  void branchNullTest(const CFGBlock &B, State &S, ErrPtrFacts *Out);
  void element(const Stmt *E, State &S, ErrPtrFacts *Out);
  void returnStmt(const ReturnStmt *RS, State &S);
  void call(const CallExpr *C, State &S, ErrPtrFacts *Out);
  void binaryOp(const BinaryOperator *BO, State &S, ErrPtrFacts *Out);
  /// Marks the places a function of this file that \p C calls reads.
  void handToReaders(const CallExpr *C, State &S);
  /// Ends the places inside the objects \p C frees.
  void freeHolders(const CallExpr *C, State &S);
  struct Tracked {
    ValueId V;
    unsigned Flags;
  };
  std::optional<Tracked> valueOf(const Expr *E, State &S);
  /// Applies \p Mask to every place holding \p V.
  static void narrow(State &S, ValueId V, unsigned Keep, unsigned Add);
  /// Marks \p V as woken (or out of sight) in every place holding it.
  static void start(State &S, ValueId V);
  std::optional<Test> testOf(const Expr *E, State &S, int Depth = 0);
  /// Whether \p E is a failure to report to the caller: PTR_ERR() or
  /// ERR_CAST() of a tracked value, a negative constant, or a variable
  /// holding one.
  bool isErrorCode(const Expr *E, State &S);
  /// testOf() once the condition is unwrapped.
  std::optional<Test> plainTestOf(const Expr *E, State &S, int Depth);
  void assign(const std::optional<AccessPath> &To, const Expr *From,
              const Stmt *Store, State &S);
  void use(const Expr *Handle, const Expr *Use, llvm::StringRef Callee,
           State &S, ErrPtrFacts *Out);
  void nullTest(const Expr *Test, const Expr *Tested, bool TrueMeansNull,
                bool Rewritable, State &S, ErrPtrFacts *Out,
                bool OneError = false);
  /// Narrows \p S to what holds on the \p Branch edge of \p B's condition;
  /// false when that edge cannot be taken.
  bool refine(const CFGBlock &B, unsigned Branch, State &S);

  /// `--i` after element i failed: the unwind (`for (--i; i >= 0; i--)`)
  /// goes on with the elements before it, which were created.
  static void stepBelowFailed(const VarDecl *Index, State &S) {
    if (!Index)
      return;
    for (auto &[P, B] : S.Bound)
      if (P.ArrayElement && (B.Flags & MayBeErr) &&
          storeIndexVar(B.Store) == Index)
        B.Flags = (B.Flags & ~unsigned(MayBeErr)) | ValidStarted;
  }

  /// Whether \p FD, or a function it calls, reads \p K.
  bool readsPlace(const FunctionDecl *FD, const HandleKey &K) const {
    return M.facet<CalleeSummaries>().of(FD).Reads.count(K) != 0;
  }

  const ThreadCreation *creationOf(ValueId V) const {
    auto It = Creations.find(V);
    return It == Creations.end() ? nullptr : It->second;
  }

  const KthreadModel &M;
  ASTContext &Ctx;
  const std::set<HandleKey> &Tainted;
  const bool StrictStorage;
  std::map<ValueId, const ThreadCreation *> Creations;
  std::map<ValueId, HandleKey> Stored;
  /// The parents of the function's statements, for the post-visit.
  std::optional<ParentMap> Parents;
};

std::optional<Analysis::Tracked> Analysis::valueOf(const Expr *E, State &S) {
  E = stripValue(E);
  if (!E)
    return std::nullopt;
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    if (const ThreadCreation *TC = M.creationByCall(C)) {
      Creations[TC] = TC;
      return Tracked{ValueId(TC), MayBeErr | MayBeValid};
    }
    return std::nullopt;
  }
  std::optional<AccessPath> P = accessPathOf(E);
  if (!P)
    return std::nullopt;
  if (auto It = S.Bound.find(*P); It != S.Bound.end())
    return Tracked{It->second.V, It->second.Flags};
  // Storage another function may have left an ERR_PTR in.
  HandleKey K = HandleKey::of(*P);
  if (P->Persistent && Tainted.count(K)) {
    ValueId V = K.Decl;
    Stored[V] = K;
    S.Bound[*P] = Binding{V, nullptr, MayBeErr | MayBeValid};
    return Tracked{V, MayBeErr | MayBeValid};
  }
  return std::nullopt;
}

void Analysis::narrow(State &S, ValueId V, unsigned Keep, unsigned Add) {
  for (auto &[P, B] : S.Bound)
    if (B.V == V)
      B.Flags = (B.Flags & Keep) | Add;
}

void Analysis::start(State &S, ValueId V) {
  for (auto &[P, B] : S.Bound)
    if (B.V == V && (B.Flags & MayBeValid))
      B.Flags = (B.Flags & ~unsigned(MayBeValid)) | ValidStarted;
}

void Analysis::assign(const std::optional<AccessPath> &To, const Expr *From,
                      const Stmt *Store, State &S) {
  if (!To)
    return;
  std::optional<Tracked> V = From ? valueOf(From, S) : std::nullopt;
  for (auto It = S.Bound.begin(); It != S.Bound.end();)
    if (To->isPrefixOf(It->first))
      It = S.Bound.erase(It);
    else
      ++It;
  if (To->Fields.empty() && !To->ArrayElement) {
    S.FailedIndexBounds.erase(To->Base);
    S.TestVars.erase(To->Base);
    S.ErrorCodes.erase(To->Base);
    bool ErrorCode = From && isErrorCode(From, S);
    if (ErrorCode)
      S.ErrorCodes.insert(To->Base);
    for (auto &[P, B] : S.Bound) {
      B.ErrCodes.erase(To->Base);
      if (ErrorCode && (B.Flags & MayBeErr))
        B.ErrCodes.insert(To->Base);
    }
  }
  if (V)
    S.Bound[*To] = Binding{V->V, Store, V->Flags};
  else if (From && To->Fields.empty() && !To->ArrayElement)
    if (std::optional<Test> T = testOf(From, S))
      S.TestVars[To->Base] = *T;
}

std::optional<Test> Analysis::testOf(const Expr *E, State &S, int Depth) {
  if (!E || Depth > 8)
    return std::nullopt;
  bool Negated = false;
  E = unwrapCondition(E, Negated);
  std::optional<Test> T = plainTestOf(E, S, Depth);
  if (T && Negated)
    T->TrueMeans = !T->TrueMeans;
  return T;
}

bool Analysis::isErrorCode(const Expr *E, State &S) {
  E = E->IgnoreParenCasts();
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    llvm::StringRef N = calleeName(C);
    // dev_err_probe(dev, err, fmt, ...) logs and returns err.
    const CallEffects &E = effectsOf(N);
    if (E.has(effect::ReturnsErrorArg) && C->getNumArgs() >= 2)
      return isErrorCode(C->getArg(1), S);
    return E.has(effect::ToErrorCode) && C->getNumArgs() == 1 &&
           valueOf(C->getArg(0), S);
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return S.ErrorCodes.count(VD->getCanonicalDecl()) != 0;
  // `return IS_ERR(t) ? -ENOMEM : 0;`: the arm the failure takes.
  if (const auto *CO = dyn_cast<ConditionalOperator>(E))
    if (std::optional<Test> T = testOf(CO->getCond(), S); T && T->IsErrTest)
      return isErrorCode(T->TrueMeans ? CO->getTrueExpr() : CO->getFalseExpr(), S);
  Expr::EvalResult R;
  return !E->isValueDependent() && E->getType()->isIntegerType() &&
         E->EvaluateAsInt(R, Ctx) && R.Val.getInt().isNegative();
}

std::optional<Test> Analysis::plainTestOf(const Expr *E, State &S, int Depth) {
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    if (isErrPtrTest(calleeName(C)) && C->getNumArgs() == 1)
      if (std::optional<Tracked> V = valueOf(C->getArg(0), S))
        return Test{V->V, true, true};
    return std::nullopt;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE)
      return std::nullopt;
    const Expr *L = comparedWithNull(BO, Ctx);
    if (!L)
      return std::nullopt;
    std::optional<Test> T = testOf(L, S, Depth + 1);
    if (T && BO->getOpcode() == BO_EQ)
      T->TrueMeans = !T->TrueMeans;
    return T;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (auto It = S.TestVars.find(VD->getCanonicalDecl());
          It != S.TestVars.end())
        return It->second;
  // A handle used as a truth value: a NULL test, true when not NULL.
  if (E->getType()->isPointerType())
    if (std::optional<Tracked> V = valueOf(E, S))
      return Test{V->V, false, false};
  return std::nullopt;
}

/// Whether \p Use is in a loop that runs \p Index below one of \p Bounds:
/// `for (i = 0; i < n; i++)`.
static bool inLoopBelow(const ParentMap &Parents, const Stmt *Use,
                        const VarDecl *Index,
                        const std::set<const VarDecl *> &Bounds) {
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

void Analysis::use(const Expr *Handle, const Expr *Use, llvm::StringRef Callee,
                   State &S, ErrPtrFacts *Out) {
  std::optional<Tracked> V = valueOf(Handle, S);
  if (!V || !(V->Flags & MayBeErr) || !Out)
    return;
  if (!S.FailedIndexBounds.empty())
    if (const VarDecl *Index = subscriptVar(Handle))
      if (Parents && inLoopBelow(*Parents, Use, Index, S.FailedIndexBounds))
        return;
  if (const ThreadCreation *TC = creationOf(V->V))
    Out->UnsafeUses.push_back({TC, Handle, Use, Callee.str()});
  else if (auto It = Stored.find(V->V); It != Stored.end())
    Out->GuardedUses.push_back({It->second, Handle, Use, Callee.str(),
                                bool(V->Flags & NullTested)});
}

void Analysis::nullTest(const Expr *Test, const Expr *Tested,
                        bool TrueMeansNull, bool Rewritable, State &S,
                        ErrPtrFacts *Out, bool OneError) {
  if (!Out)
    return;
  std::optional<Tracked> V = valueOf(Tested, S);
  if (!V || !(V->Flags & MayBeErr))
    return;
  // Past IS_ERR(), telling one error from the others is right:
  // `if (IS_ERR(t)) { if (t == ERR_PTR(-EINTR)) ...`.
  if (OneError && !(V->Flags & AnyValid))
    return;
  if (const ThreadCreation *TC = creationOf(V->V))
    Out->NullTests.push_back({TC, Test, Tested, TrueMeansNull, Rewritable, OneError});
}

void Analysis::returnStmt(const ReturnStmt *RS, State &S) {
  if (RS->getRetValue()) // The caller's business from here on.
    if (std::optional<Tracked> V = valueOf(RS->getRetValue(), S))
      start(S, V->V);
  const Expr *Value =
      RS->getRetValue() ? RS->getRetValue()->IgnoreParenCasts() : nullptr;
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(Value);
  const auto *Var = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  bool Propagates = Value && !Var && isErrorCode(Value, S);
  for (auto &[P, B] : S.Bound)
    if (B.Flags & MayBeErr)
      B.Flags |= Propagates || (Var && B.ErrCodes.count(Var->getCanonicalDecl()))
                     ? FailurePropagated
                     : FailureSwallowed;
}

void Analysis::handToReaders(const CallExpr *C, State &S) {
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
    if (P.Persistent && (B.Flags & MayBeErr) && creationOf(B.V) &&
        !(B.Flags & HandedToReader) && Reaches(P) &&
        readsPlace(Callee, HandleKey::of(P)))
      B.Flags |= HandedToReader;
}

void Analysis::freeHolders(const CallExpr *C, State &S) {
  if (!freesItsArguments(C))
    return;
  for (const Expr *Arg : C->arguments()) {
    std::optional<AccessPath> Obj = objectOfArg(Arg);
    if (!Obj)
      continue;
    for (auto It = S.Bound.begin(); It != S.Bound.end();) {
      if (It->first.Persistent && Obj->isPrefixOf(It->first) &&
          !(It->first == *Obj) && !(It->second.Flags & HandedToReader))
        It = S.Bound.erase(It);
      else
        ++It;
    }
  }
}

void Analysis::call(const CallExpr *C, State &S, ErrPtrFacts *Out) {
  if (M.creationByCall(C))
    return; // The result is tracked where it is stored.
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
  // Arguments printed by a printf-like function are not used as a task:
  // `pr_err("...%pe", t)` is how kernel code reports the error.
  unsigned FormatArg = C->getNumArgs();
  if (const FunctionDecl *FD = C->getDirectCallee())
    if (const auto *FA = FD->getAttr<FormatAttr>())
      FormatArg = FA->getFormatIdx() - 1;
  for (unsigned I = 0; I < C->getNumArgs() && I < FormatArg; ++I) {
    use(C->getArg(I), C, Name, S, Out);
    // Woken, parked, stopped, or handed to code we cannot follow.
    if (!leavesHandleAlone(Name))
      if (std::optional<Tracked> V = valueOf(C->getArg(I), S))
        start(S, V->V);
    // wake_up_process(worker->task) wakes the worker.
    if (lookupHandleOp(Name) == HandleOp::Wake)
      if (const auto *ME =
              dyn_cast<MemberExpr>(C->getArg(I)->IgnoreParenCasts()))
        if (std::optional<Tracked> V = valueOf(ME->getBase(), S))
          start(S, V->V);
  }
}

void Analysis::binaryOp(const BinaryOperator *BO, State &S, ErrPtrFacts *Out) {
  if (BO->getOpcode() == BO_SubAssign)
    stepBelowFailed(varOf(BO->getLHS()), S);
  if (BO->getOpcode() == BO_Assign) {
    // `commit_threads = i` on the failure of element i.
    const VarDecl *Bound = varOf(BO->getLHS());
    const VarDecl *From = varOf(BO->getRHS());
    bool FailedIndex = false;
    if (Bound && From)
      for (const auto &[P, B] : S.Bound)
        FailedIndex |= P.ArrayElement && (B.Flags & MayBeErr) &&
                       storeIndexVar(B.Store) == From;
    std::optional<AccessPath> To = accessPathOf(BO->getLHS());
    if (!To) // Stored where we cannot follow it.
      if (std::optional<Tracked> V = valueOf(BO->getRHS(), S))
        start(S, V->V);
    assign(To, BO->getRHS(), BO, S);
    if (FailedIndex)
      S.FailedIndexBounds.insert(Bound);
    return;
  }
  if (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE) {
    const Expr *L = comparedWithNull(BO, Ctx);
    if (L && L->getType()->isPointerType())
      nullTest(BO, L, BO->getOpcode() == BO_EQ, true, S, Out);
    else if ((L = comparedWithOneError(BO)) && L->getType()->isPointerType())
      nullTest(BO, L, BO->getOpcode() == BO_EQ, true, S, Out, /*OneError=*/true);
  }
}

void Analysis::element(const Stmt *St, State &S, ErrPtrFacts *Out) {
  if (const auto *RS = dyn_cast<ReturnStmt>(St))
    return returnStmt(RS, S);
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        AccessPath P;
        P.Base = VD->getCanonicalDecl();
        P.Persistent = VD->hasGlobalStorage();
        assign(P, VD->getInit(), DS, S);
      }
    return;
  }
  if (const auto *C = dyn_cast<CallExpr>(St))
    return call(C, S, Out);
  if (const auto *BO = dyn_cast<BinaryOperator>(St))
    return binaryOp(BO, S, Out);
  if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
    if (UO->isDecrementOp())
      stepBelowFailed(varOf(UO->getSubExpr()), S);
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

bool Analysis::refine(const CFGBlock &B, unsigned Branch, State &S) {
  if (B.succ_size() != 2)
    return true;
  const Stmt *T = B.getTerminatorStmt();
  if (!T || isa<SwitchStmt>(T))
    return true;
  const auto *Cond = branchCondition(B);
  std::optional<Test> Tst = testOf(Cond, S);
  if (!Tst)
    return true;
  bool BranchTrue = Branch == 0;
  if (Tst->IsErrTest) {
    bool Err = BranchTrue == Tst->TrueMeans;
    narrow(S, Tst->V, (Err ? MayBeErr : AnyValid) | NullTested | HandedToReader,
           0);
    // Infeasible when no place can hold what the branch says.
    bool AnyHolds = false, AnyFeasible = false;
    for (const auto &[P, B] : S.Bound)
      if (B.V == Tst->V) {
        AnyHolds = true;
        AnyFeasible |= (B.Flags & (MayBeErr | AnyValid)) != 0;
      }
    return !AnyHolds || AnyFeasible;
  }
  bool NonNull = BranchTrue != Tst->TrueMeans;
  if (NonNull)
    narrow(S, Tst->V, ~0u, NullTested);
  return true;
}

void Analysis::replayBlock(const CFGBlock &B, State &S, ErrPtrFacts *Out) {
  for (const CFGElement &E : B)
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      element(CS->getStmt(), S, Out);
  branchNullTest(B, S, Out);
}

void Analysis::branchNullTest(const CFGBlock &B, State &S, ErrPtrFacts *Out) {
  if (B.succ_size() == 2 && B.getTerminatorStmt() &&
      !isa<SwitchStmt>(B.getTerminatorStmt()))
    if (const auto *Cond = branchCondition(B))
      if (Cond->IgnoreParenImpCasts()->getType()->isPointerType() &&
          !isa<BinaryConditionalOperator>(B.getTerminatorStmt()))
        nullTest(Cond, Cond, false, true, S, Out);
}

bool Analysis::transferBranch(const CFGBlock &B, unsigned Succ, State &S) {
  // BUG(), panic(), kthread_exit(): the function does not return here.
  const CFGBlock *SB = (B.succ_begin() + Succ)->getReachableBlock();
  if (SB && SB == &B.getParent()->getExit() && B.hasNoReturnElement())
    return false;
  branchNullTest(B, S, nullptr);
  return refine(B, Succ, S);
}

void Analysis::run(const FunctionDecl *FD, ErrPtrFacts &Out) {
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
  // Report from the fixpoint.
  Parents.emplace(FD->getBody());
  for (const CFGBlock *B : *G)
    if (std::optional<State> S = R.at(*B))
      replayBlock(*B, *S, &Out);
  if (!R.at(G->getExit()))
    return;
  const State &Exit = *R.at(G->getExit());
  std::map<const ThreadCreation *, ErrPtrFacts::NotStarted> Sleeping;
  for (const auto &[P, Bd] : Exit.Bound) {
    const ThreadCreation *TC = creationOf(Bd.V);
    if (!TC)
      continue;
    ErrPtrFacts::NotStarted &NS = Sleeping[TC];
    NS.Creation = TC;
    NS.OnSomePath |= (Bd.Flags & MayBeValid) != 0;
    NS.StartedOnSomePath |= (Bd.Flags & ValidStarted) != 0;
    if (P.Persistent)
      NS.StoredIn.push_back(HandleKey::of(P));
  }
  for (auto &[TC, NS] : Sleeping)
    if (NS.OnSomePath)
      Out.NotStartedAtExit.push_back(NS);
  for (const auto &[P, Bd] : Exit.Bound) {
    const ThreadCreation *TC = creationOf(Bd.V);
    // A path that reported the failure leaves the unwind to the caller;
    // remove/exit never run after a failed probe/init.
    bool Swallowed = (Bd.Flags & FailureSwallowed) ||
                     !(Bd.Flags & FailurePropagated) ||
                     (Bd.Flags & HandedToReader);
    if (TC && P.Persistent && (Bd.Flags & MayBeErr) && Bd.Store &&
        (Swallowed || StrictStorage))
      Out.Left.push_back({TC, Bd.Store, HandleKey::of(P), P});
  }
}

} // namespace

ErrPtrFacts analyzeErrPtrFlow(const KthreadModel &M, const FunctionDecl *FD,
                              const std::set<HandleKey> &MayHoldErrPtr,
                              bool StrictStorage) {
  ErrPtrFacts Out;
  Analysis(M, MayHoldErrPtr, StrictStorage).run(FD, Out);
  return Out;
}

const char CreationFlows::ID = 0;

const ErrPtrFacts &CreationFlows::of(const FunctionDecl *FD,
                                     bool StrictStorage) const {
  std::unique_ptr<ErrPtrFacts> &Facts = Flows[{FD, StrictStorage}];
  if (!Facts)
    Facts = std::make_unique<ErrPtrFacts>(
        analyzeErrPtrFlow(M, FD, {}, StrictStorage));
  return *Facts;
}

} // namespace clang::tidy::kthread
