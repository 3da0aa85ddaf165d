//===--- KthreadModel.cpp - kthread-lint ----------------------------------===//

#include "KthreadModel.h"
#include "CalleeSummaries.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace clang::tidy::kthread {

//===--- Places -----------------------------------------------------------===//

std::string AccessPath::spelling() const {
  std::string S = Base ? Base->getName().str()
                       : BaseCallee.empty() ? "(...)" : BaseCallee.str() + "(...)";
  if (ArrayElement && Fields.empty())
    S += "[]";
  for (const FieldDecl *F : Fields)
    S += "->" + F->getName().str();
  if (ArrayElement && !Fields.empty())
    S += "[]";
  return S;
}

static bool isGlobalStorage(const VarDecl *VD) {
  return VD->hasGlobalStorage();
}

bool headersDeclare(const ASTContext &Ctx, ApiFeature F) {
  for (llvm::StringRef Name : featureDeclarations(F)) {
    const IdentifierInfo &II = Ctx.Idents.get(Name);
    if (!Ctx.getTranslationUnitDecl()->lookup(&II).empty() ||
        II.hasMacroDefinition())
      return true;
  }
  return false;
}

std::optional<AccessPath> accessPathOf(const Expr *E) {
  if (!E)
    return std::nullopt;
  E = E->IgnoreParenCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!VD)
      return std::nullopt;
    AccessPath P;
    P.Base = VD->getCanonicalDecl();
    P.Persistent = isGlobalStorage(VD);
    return P;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!FD)
      return std::nullopt;
    std::optional<AccessPath> P = accessPathOf(ME->getBase());
    if (!P && ME->isArrow()) {
      // `EXT4_SB(sb)->s_mmp_tsk`, `container_of(...)->task`: an object that
      // a call or a statement expression yields is one of its record type,
      // which is all a field key needs.
      const Expr *B = ME->getBase()->IgnoreParenCasts();
      if (!isa<CallExpr, StmtExpr>(B))
        return std::nullopt;
      P.emplace();
      P->Persistent = true;
      if (const auto *C = dyn_cast<CallExpr>(B))
        P->BaseCallee = calleeName(C);
    }
    if (!P)
      return std::nullopt;
    P->Fields.push_back(FD->getCanonicalDecl());
    P->Persistent = P->Persistent || ME->isArrow() || P->ArrayElement;
    return P;
  }
  if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
    std::optional<AccessPath> P = accessPathOf(ASE->getBase());
    if (!P)
      return std::nullopt;
    P->ArrayElement = true;
    return P;
  }
  return std::nullopt;
}

const Expr *stripValue(const Expr *E) {
  while (E) {
    E = E->IgnoreParenCasts();
    if (const auto *SE = dyn_cast<StmtExpr>(E)) {
      const CompoundStmt *CS = SE->getSubStmt();
      if (CS->body_empty())
        return E;
      const auto *Last = dyn_cast<Expr>(CS->body_back());
      if (!Last)
        return E;
      E = Last;
      continue;
    }
    return E;
  }
  return E;
}

std::optional<AccessPath> objectOfArg(const Expr *Arg) {
  const Expr *A = Arg->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(A);
      UO && UO->getOpcode() == UO_AddrOf)
    A = UO->getSubExpr();
  return accessPathOf(A);
}

std::vector<const CallExpr *> callsIn(const Stmt *S) {
  struct Calls : RecursiveASTVisitor<Calls> {
    std::vector<const CallExpr *> Found;
    bool VisitCallExpr(CallExpr *C) {
      Found.push_back(C);
      return true;
    }
  } Cs;
  if (S)
    Cs.TraverseStmt(const_cast<Stmt *>(S));
  return std::move(Cs.Found);
}

const Expr *unwrapCondition(const Expr *E, bool &Negated) {
  for (int Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_LNot) {
      Negated = !Negated;
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *C = dyn_cast<CallExpr>(E);
        C && C->getNumArgs() == 2 && isBranchHint(calleeName(C))) {
      E = C->getArg(0);
      continue;
    }
    if (const auto *SE = dyn_cast<StmtExpr>(E)) {
      const CompoundStmt *CS = SE->getSubStmt();
      if (CS->body_empty() || !isa<Expr>(CS->body_back()))
        return E;
      E = cast<Expr>(CS->body_back());
      continue;
    }
    return E;
  }
  return E;
}

const Expr *branchCondition(const CFGBlock &B) {
  if (const Expr *E = B.getLastCondition())
    return E;
  return dyn_cast_or_null<Expr>(B.getTerminatorCondition());
}

bool isCurrentTask(const Expr *E, const ASTContext &Ctx) {
  const Expr *V = E->IgnoreParenCasts();
  if (const auto *C = dyn_cast<CallExpr>(V))
    if (effectsOf(calleeName(C)).has(effect::CurrentTask))
      return true;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(V))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->hasGlobalStorage() && VD->getName() == "current")
        return true;
  // The whole expression is written `current`, whatever the macro expands
  // to (not `current->parent`, which only begins with it).
  const SourceManager &SM = Ctx.getSourceManager();
  if (!E->getBeginLoc().isMacroID())
    return false;
  CharSourceRange Written = SM.getExpansionRange(E->getSourceRange());
  return Lexer::getSourceText(Written, SM, Ctx.getLangOpts()).trim() == "current";
}

bool isKernelApi(const FunctionDecl *FD, const SourceManager &SM) {
  const FunctionDecl *First = FD->getFirstDecl();
  SourceLocation Loc = SM.getSpellingLoc(First->getLocation());
  if (Loc.isInvalid() || SM.isWrittenInMainFile(Loc))
    return false;
  return SM.getFilename(Loc).contains("/include/");
}

HandleKey HandleKey::of(const AccessPath &P) {
  HandleKey K;
  if (!P.Fields.empty()) {
    K.Kind = Field;
    K.Decl = P.Fields.back();
  } else if (P.Base) {
    K.Kind = P.Base->hasGlobalStorage() ? Global : Local;
    K.Decl = P.Base;
  }
  return K;
}

//===--- Building ---------------------------------------------------------===//

/// A type that holds a thread handle: `struct task_struct *`,
/// `struct kthread_worker *`, or an array of them.
static bool isHandleType(QualType T) {
  T = T.getCanonicalType();
  while (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr()))
    T = AT->getElementType().getCanonicalType();
  const auto *PT = T->getAs<PointerType>();
  if (!PT)
    return false;
  const auto *RD = PT->getPointeeType()->getAsRecordDecl();
  if (!RD || !RD->getIdentifier())
    return false;
  return isHandleTypeName(RD->getName());
}

class ModelBuilder : public RecursiveASTVisitor<ModelBuilder> {
  using Base = RecursiveASTVisitor<ModelBuilder>;

public:
  ModelBuilder(KthreadModel &M) : M(M), SM(M.Ctx.getSourceManager()) {}

  bool shouldVisitImplicitCode() const { return false; }

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody())
      return Base::TraverseFunctionDecl(FD);
    // The headers' inline functions are the API's, not the user's: skipping
    // their bodies keeps the model cheap on kernel headers.
    if (!isUserCode(FD->getLocation()))
      return true;
    FnStack.push_back(FD);
    bool R = Base::TraverseFunctionDecl(FD);
    FnStack.pop_back();
    return R;
  }

  bool TraverseStmtExpr(StmtExpr *SE) {
    StmtExprs.push_back(SE);
    bool R = Base::TraverseStmtExpr(SE);
    StmtExprs.pop_back();
    return R;
  }

  bool VisitCallExpr(CallExpr *C) {
    llvm::StringRef Name = calleeName(C);
    if (Name.empty())
      return true;
    if (std::optional<HandleOp> Op = lookupHandleOp(Name)) {
      if (C->getNumArgs() > 0 && currentFn()) {
        HandleUse U;
        U.Call = C;
        U.Op = *Op;
        U.Path = accessPathOf(C->getArg(0));
        if (U.Path)
          U.Key = HandleKey::of(*U.Path);
        U.Enclosing = currentFn();
        M.Uses.push_back(U);
      }
    }
    recordCreation(C, Name);
    // Direct calls between the user's functions, for thread functions that
    // reach a creation through a parameter.
    if (const FunctionDecl *Callee = C->getDirectCallee(); Callee && currentFn())
      CallsTo[Callee->getCanonicalDecl()].push_back({C, currentFn()});
    // Where call results go, for the destination of creations.
    for (const Expr *Arg : C->arguments())
      if (const auto *Inner = Arg->IgnoreParenCasts(); isCandidate(Inner))
        Escapes.try_emplace(Inner, C);
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign)
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        recordLocalCopy(VD, BO->getRHS());
    // `dev->task = t`: where a local's handle goes.
    if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getRHS()->IgnoreParenCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && VD->hasLocalStorage() && isHandleType(VD->getType()))
        if (std::optional<AccessPath> To = accessPathOf(BO->getLHS());
            To && To->Persistent) {
          HandleKey K = HandleKey::of(*To);
          auto &V = LocalStoredTo[VD->getCanonicalDecl()];
          if ((K.Kind == HandleKey::Field || K.Kind == HandleKey::Global) &&
              !llvm::is_contained(V, K))
            V.push_back(K);
        }
    const Expr *RHS = BO->getRHS()->IgnoreParenCasts();
    if (isCandidate(RHS))
      Stores.try_emplace(RHS, Store{accessPathOf(BO->getLHS()), BO->getBeginLoc()});
    // Function pointers stored into fields: `ops.threadfn = fn;`.
    if (const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenCasts()))
      if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
        recordFieldFunction(FD, BO->getRHS());
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (isHandleType(VD->getType()) && VD->hasGlobalStorage())
      HandleGlobals.insert(VD->getCanonicalDecl());
    const Expr *Init = VD->getInit();
    if (!Init)
      return true;
    recordLocalCopy(VD, Init);
    const Expr *I = Init->IgnoreParenCasts();
    if (isCandidate(I)) {
      AccessPath P;
      P.Base = VD->getCanonicalDecl();
      P.Persistent = VD->hasGlobalStorage();
      Stores.try_emplace(I, Store{P, VD->getLocation()});
    }
    return true;
  }

  bool VisitCompoundStmt(CompoundStmt *CS) {
    for (const Stmt *S : CS->body())
      if (const auto *E = dyn_cast<Expr>(S))
        if (const Expr *I = E->IgnoreParenCasts(); isCandidate(I))
          Discards.insert(I);
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const Expr *V = RS->getRetValue())
      if (const Expr *I = V->IgnoreParenCasts(); isCandidate(I))
        Returns.insert(I);
    return true;
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    // The semantic form of `{ .threadfn = fn }`: init i is field i.
    if (!ILE->isSemanticForm())
      ILE = ILE->getSemanticForm() ? ILE->getSemanticForm() : ILE;
    const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
    if (!RD || RD->isUnion())
      return true;
    unsigned I = 0;
    for (const FieldDecl *FD : RD->fields()) {
      if (I >= ILE->getNumInits())
        break;
      recordFieldFunction(FD, ILE->getInit(I++));
    }
    return true;
  }

  bool VisitMemberExpr(MemberExpr *ME) {
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      if (isHandleType(FD->getType()))
        addReader({HandleKey::Field, FD->getCanonicalDecl()});
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (VD->hasGlobalStorage() && isHandleType(VD->getType()))
        addReader({HandleKey::Global, VD->getCanonicalDecl()});
    return true;
  }

  void finish();

private:
  struct Store {
    std::optional<AccessPath> Path;
    SourceLocation Loc;
  };

  /// The main file, a .c file it includes (kernel/sched/ does that), or a
  /// header beside it (drivers/md/bcache/writeback.h wakes the thread in an
  /// inline function); not the kernel's own headers.
  bool isUserCode(SourceLocation Loc) const { return M.isModuleCode(Loc); }

  const FunctionDecl *currentFn() const {
    return FnStack.empty() ? nullptr : FnStack.back();
  }

  static bool isCandidate(const Expr *E) {
    return isa<CallExpr>(E) || isa<StmtExpr>(E);
  }

  void addReader(HandleKey K) {
    const FunctionDecl *FD = currentFn();
    if (!FD)
      return;
    auto &V = M.Readers[K];
    if (V.empty() || V.back() != FD)
      if (!llvm::is_contained(V, FD))
        V.push_back(FD);
  }

  /// A local handle variable that only ever holds a copy of one field or
  /// global (`struct task_struct *t = ha->dpc_thread; if (t)
  /// wake_up_process(t);`) stands for that place; NULL does not count.
  void recordLocalCopy(const VarDecl *VD, const Expr *Value) {
    if (!VD->hasLocalStorage() || !isHandleType(VD->getType()) ||
        VD->getType()->isArrayType())
      return;
    if (isNullConstant(Value, M.Ctx))
      return;
    HandleKey From;
    std::optional<AccessPath> P = accessPathOf(Value);
    if (P && P->Persistent)
      From = HandleKey::of(*P);
    if (From.Kind != HandleKey::Field && From.Kind != HandleKey::Global)
      From = HandleKey();
    auto [It, New] = LocalCopies.try_emplace(VD->getCanonicalDecl(), From, P);
    if (!New && !(It->second.first == From))
      It->second.first = HandleKey(); // Copies of different places: none.
  }

  void recordFieldFunction(const FieldDecl *FD, const Expr *Init) {
    if (!FD || !Init || !FD->getType()->isFunctionPointerType())
      return;
    const Expr *E = Init->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      if (UO->getOpcode() == UO_AddrOf)
        E = UO->getSubExpr()->IgnoreParenCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (const auto *Fn = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        auto &V = FieldFunctions[FD->getCanonicalDecl()];
        if (!llvm::is_contained(V, Fn))
          V.push_back(Fn);
      }
  }

  /// The outermost creation macro or function the user wrote around \p Loc,
  /// and where they wrote it.
  std::pair<std::string, SourceLocation> userSpelling(const CallExpr *C,
                                                      llvm::StringRef Callee);
  void recordCreation(const CallExpr *C, llvm::StringRef Name);
  /// Adds to \p TC the functions \p E can name, \p E being evaluated in
  /// \p Scope (the creating function, or a caller that passes the thread
  /// function down).
  void resolveThreadFn(const Expr *E, ThreadCreation &TC, int Depth,
                       const FunctionDecl *Scope);

  KthreadModel &M;
  SourceManager &SM;
  std::vector<const FunctionDecl *> FnStack;
  std::vector<const StmtExpr *> StmtExprs;
  llvm::DenseMap<const Expr *, Store> Stores;
  llvm::DenseMap<const Expr *, const CallExpr *> Escapes;
  llvm::DenseSet<const Expr *> Returns;
  llvm::DenseSet<const Expr *> Discards;
  llvm::DenseSet<const VarDecl *> HandleGlobals;
  llvm::DenseMap<const FieldDecl *, llvm::SmallVector<const FunctionDecl *, 2>>
      FieldFunctions;
  /// The fields and globals each local handle is stored into.
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<HandleKey, 1>> LocalStoredTo;
  /// recordLocalCopy(): the place a local copies, or None.
  llvm::DenseMap<const VarDecl *,
                 std::pair<HandleKey, std::optional<AccessPath>>>
      LocalCopies;
  /// Creations whose thread function is a function-pointer field.
  std::vector<std::pair<size_t, const FieldDecl *>> PendingFieldFns;
  /// Creations whose thread function is a parameter of the function the
  /// expression is in (rsi_create_kthread(common, thread, func_ptr, name)):
  /// resolved from the arguments of its callers.
  struct PendingParam {
    size_t Index;
    const ParmVarDecl *Param;
    int Depth;
  };
  std::vector<PendingParam> PendingParamFns;
  /// The creation resolveThreadFn() works for.
  size_t ResolvingIndex = 0;
  llvm::DenseMap<const FunctionDecl *,
                 std::vector<std::pair<const CallExpr *, const FunctionDecl *>>>
      CallsTo;
};

std::pair<std::string, SourceLocation>
ModelBuilder::userSpelling(const CallExpr *C, llvm::StringRef Callee) {
  std::string Name = Callee.str();
  SourceLocation Loc = C->getBeginLoc();
  SourceLocation Report = SM.getExpansionLoc(Loc);
  const LangOptions &LO = M.Ctx.getLangOpts();
  // Walk out through macro bodies; the outermost creation macro is the API
  // the user wrote (kthread_run around kthread_create around the call).
  while (Loc.isMacroID()) {
    if (SM.isMacroArgExpansion(Loc)) {
      Loc = SM.getImmediateSpellingLoc(Loc);
      continue;
    }
    llvm::StringRef Macro = Lexer::getImmediateMacroName(Loc, SM, LO);
    SourceLocation Outer = SM.getImmediateExpansionRange(Loc).getBegin();
    if (lookupCreationApi(Macro) || M.isCreateWrapper(Macro)) {
      Name = Macro.str();
      Report = SM.getExpansionLoc(Outer);
    }
    Loc = Outer;
  }
  return {Name, Report};
}

void ModelBuilder::recordCreation(const CallExpr *C, llvm::StringRef Name) {
  std::optional<CreationApi> Api = lookupCreationApi(Name);
  bool Wrapper = !Api && M.isCreateWrapper(Name);
  if (!Api && !Wrapper)
    return;
  const FunctionDecl *Fn = currentFn();
  if (!Fn)
    return;
  // The API's own inline bodies (kthread_run_on_cpu) and the user's wrappers
  // are not creation sites: their callers are.
  if (const IdentifierInfo *II = Fn->getIdentifier())
    if (lookupCreationApi(II->getName()) || M.isCreateWrapper(II->getName()))
      return;

  ThreadCreation TC;
  TC.Call = C;
  TC.Result = C;
  auto [UserName, Loc] = userSpelling(C, Name);
  TC.ApiName = UserName;
  TC.Loc = Loc;
  TC.Enclosing = Fn;
  if (std::optional<CreationApi> UserApi = lookupCreationApi(UserName))
    TC.Api = *UserApi;
  else if (Api)
    TC.Api = *Api;
  else // A user wrapper: whether it wakes is unknown, so never-woken keeps out.
    TC.Api = CreationApi{CreationKind::Run, false, -1, -1, -1};

  // kthread_run is `({ __k = kthread_create(...); ...; __k; })`: the
  // statement expression is the value the user gets.
  if (UserName != Name && !StmtExprs.empty() &&
      (TC.Api.Kind == CreationKind::Run || TC.Api.Kind == CreationKind::RunWorker))
    TC.Result = StmtExprs.back();

  // The arguments as the user passed them: a kthread_create_on_node call
  // inside kthread_run has the same leading arguments, the node inserted.
  const CreationApi Inner = Api ? *Api : TC.Api;
  auto Arg = [&](int I) -> const Expr * {
    return I >= 0 && unsigned(I) < C->getNumArgs() ? C->getArg(I) : nullptr;
  };
  if (Api) {
    TC.DataArg = Arg(Inner.DataArg);
    TC.NameArg = Arg(Inner.NameArg);
    for (unsigned I = Inner.NameArg + 1; Inner.NameArg >= 0 && I < C->getNumArgs(); ++I)
      TC.NameArgs.push_back(C->getArg(I));
    ResolvingIndex = M.Creations.size();
    if (const Expr *FnArg = Arg(Inner.ThreadFnArg))
      resolveThreadFn(FnArg, TC, 0, TC.Enclosing);
  }
  M.CreationByCall[C] = M.Creations.size();
  M.CreationByResult[TC.Result] = M.Creations.size();
  M.Creations.push_back(std::move(TC));
}

/// The right-hand sides of the assignments to \p VD inside \p Body.
static llvm::SmallVector<const Expr *, 2> valuesAssignedTo(const VarDecl *VD,
                                                          const Stmt *Body) {
  struct Assignments : RecursiveASTVisitor<Assignments> {
    const VarDecl *VD;
    llvm::SmallVector<const Expr *, 2> Values;
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->getOpcode() == BO_Assign)
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenCasts()))
          if (DRE->getDecl() == VD)
            Values.push_back(BO->getRHS());
      return true;
    }
  } A;
  A.VD = VD;
  A.TraverseStmt(const_cast<Stmt *>(Body));
  return A.Values;
}

void ModelBuilder::resolveThreadFn(const Expr *E, ThreadCreation &TC,
                                   int Depth, const FunctionDecl *Scope) {
  if (!E || Depth > 4)
    return;
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr()->IgnoreParenCasts();
  if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
    resolveThreadFn(CO->getTrueExpr(), TC, Depth + 1, Scope);
    resolveThreadFn(CO->getFalseExpr(), TC, Depth + 1, Scope);
    return;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *Fn = dyn_cast<FunctionDecl>(DRE->getDecl())) {
      if (!llvm::is_contained(TC.ThreadFns, Fn))
        TC.ThreadFns.push_back(Fn);
    } else if (const auto *PVD = dyn_cast<ParmVarDecl>(DRE->getDecl())) {
      PendingParamFns.push_back({ResolvingIndex, PVD, Depth + 1});
    } else if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      resolveThreadFn(VD->getInit(), TC, Depth + 1, Scope);
      // `int (*thread_func)(void *) = NULL; if (..) thread_func = a; else
      // thread_func = b;`: every value the function assigns.
      if (VD->hasLocalStorage() && Scope && Scope->hasBody())
        for (const Expr *Value : valuesAssignedTo(VD, Scope->getBody()))
          resolveThreadFn(Value, TC, Depth + 1, Scope);
    }
    return;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    // Deferred: field targets are complete only after the traversal.
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      PendingFieldFns.push_back({ResolvingIndex, FD->getCanonicalDecl()});
  }
}

void ModelBuilder::finish() {
  for (HandleUse &U : M.Uses) {
    if (U.Key.Kind != HandleKey::Local || !U.Path || !U.Path->Fields.empty() ||
        U.Path->ArrayElement)
      continue;
    auto It = LocalCopies.find(U.Path->Base);
    if (It != LocalCopies.end() && It->second.first) {
      U.Key = It->second.first;
      U.Path = It->second.second;
    }
  }
  // Thread functions passed down through parameters, caller by caller.
  while (!PendingParamFns.empty()) {
    PendingParam P = PendingParamFns.back();
    PendingParamFns.pop_back();
    const auto *Fn = dyn_cast<FunctionDecl>(P.Param->getDeclContext());
    if (!Fn || P.Depth > 4)
      continue;
    auto It = CallsTo.find(Fn->getCanonicalDecl());
    if (It == CallsTo.end())
      continue;
    unsigned I = P.Param->getFunctionScopeIndex();
    for (auto [Call, Caller] : It->second) {
      if (I >= Call->getNumArgs())
        continue;
      ResolvingIndex = P.Index;
      resolveThreadFn(Call->getArg(I), M.Creations[P.Index], P.Depth, Caller);
    }
  }
  for (auto [Index, FD] : PendingFieldFns) {
    auto It = FieldFunctions.find(FD);
    if (It == FieldFunctions.end())
      continue;
    for (const FunctionDecl *Fn : It->second)
      if (!llvm::is_contained(M.Creations[Index].ThreadFns, Fn))
        M.Creations[Index].ThreadFns.push_back(Fn);
  }
  for (ThreadCreation &TC : M.Creations) {
    // Prefer the definition, which is what the checks read.
    for (const FunctionDecl *&Fn : TC.ThreadFns)
      if (const FunctionDecl *Def = Fn->getDefinition())
        Fn = Def;
    const Expr *R = TC.Result;
    if (auto It = Stores.find(R); It != Stores.end()) {
      TC.Dest = Destination::Stored;
      TC.StoredTo = It->second.Path;
      TC.StoreLoc = It->second.Loc;
      if (TC.StoredTo)
        TC.Key = HandleKey::of(*TC.StoredTo);
      if (TC.Key.Kind == HandleKey::Local)
        if (auto It = LocalStoredTo.find(TC.StoredTo->Base);
            It != LocalStoredTo.end())
          TC.CopiedTo = It->second;
    } else if (Returns.count(R)) {
      TC.Dest = Destination::Returned;
    } else if (Discards.count(R)) {
      TC.Dest = Destination::Discarded;
    } else if (auto It = Escapes.find(R); It != Escapes.end()) {
      llvm::StringRef Callee = calleeName(It->second);
      TC.Dest = isErrPtrAccessor(Callee) ? Destination::Other
                                         : Destination::Escaped;
    }
  }
}

//===--- The model --------------------------------------------------------===//

KthreadModel::KthreadModel(ASTContext &Ctx, ModelConfig Config)
    : Ctx(Ctx), Config(std::move(Config)) {
  ModelBuilder B(*this);
  B.TraverseDecl(Ctx.getTranslationUnitDecl());
  B.finish();
  for (size_t I = 0; I < Creations.size(); ++I) {
    if (Creations[I].Key)
      CreationsByKey[Creations[I].Key].push_back(I);
    for (const HandleKey &K : Creations[I].CopiedTo)
      CreationsByKey[K].push_back(I);
    for (const FunctionDecl *Fn : Creations[I].ThreadFns)
      CreationsByThreadFn[Fn].push_back(&Creations[I]);
  }
  for (const HandleUse &U : Uses)
    if (U.Key)
      UsesByKey[U.Key].push_back(&U);
}

KthreadModel::~KthreadModel() = default;

const char MacroExpansions::ID = 0;

MacroExpansions::MacroExpansions(const KthreadModel &M)
    : SM(M.context().getSourceManager()), LO(M.context().getLangOpts()) {}

MacroExpansions::Step MacroExpansions::stepFrom(SourceLocation Loc) const {
  auto [It, New] = Steps.try_emplace(Loc);
  if (New) {
    if (SM.isMacroArgExpansion(Loc)) {
      It->second.Next = SM.getImmediateSpellingLoc(Loc);
    } else {
      It->second.Macro = Lexer::getImmediateMacroName(Loc, SM, LO);
      It->second.Next = SM.getImmediateExpansionRange(Loc).getBegin();
    }
  }
  return It->second;
}

llvm::StringRef
MacroExpansions::outer(SourceLocation Loc,
                       llvm::function_ref<bool(llvm::StringRef)> Pred,
                       SourceLocation *Written) const {
  llvm::StringRef Found;
  while (Loc.isMacroID()) {
    Step S = stepFrom(Loc);
    if (!S.Macro.empty() && Pred(S.Macro)) {
      Found = S.Macro;
      if (Written)
        *Written = SM.getFileLoc(S.Next);
    }
    Loc = S.Next;
  }
  return Found;
}

bool KthreadModel::isCreateWrapper(llvm::StringRef Name) const {
  return !Name.empty() &&
         llvm::is_contained(Config.ExtraCreateFunctions, Name);
}

namespace {
struct ModelCache {
  const ASTContext *Ctx = nullptr;
  std::vector<std::unique_ptr<KthreadModel>> Models;
};
} // namespace

static ModelCache &cache() {
  static thread_local ModelCache C;
  return C;
}

void KthreadModel::invalidate() {
  cache().Ctx = nullptr;
  cache().Models.clear();
}

const KthreadModel &KthreadModel::get(ASTContext &Ctx,
                                      const ModelConfig &Config) {
  ModelCache &C = cache();
  if (C.Ctx != &Ctx) {
    C.Models.clear();
    C.Ctx = &Ctx;
  }
  for (const auto &M : C.Models)
    if (M->Config == Config)
      return *M;
  C.Models.push_back(std::make_unique<KthreadModel>(Ctx, Config));
  return *C.Models.back();
}

llvm::SmallVector<const HandleUse *, 4>
KthreadModel::usesOf(const HandleKey &Key) const {
  if (!Key)
    return {};
  auto It = UsesByKey.find(Key);
  return It == UsesByKey.end() ? llvm::SmallVector<const HandleUse *, 4>()
                               : It->second;
}

llvm::ArrayRef<const ThreadCreation *>
KthreadModel::creationsRunning(const FunctionDecl *ThreadFn) const {
  auto It = CreationsByThreadFn.find(ThreadFn);
  if (It == CreationsByThreadFn.end())
    return {};
  return It->second;
}

llvm::ArrayRef<const FunctionDecl *>
KthreadModel::readersOf(const HandleKey &Key) const {
  auto It = Readers.find(Key);
  if (It == Readers.end())
    return {};
  return It->second;
}

const ThreadCreation *KthreadModel::creationAt(const Expr *Result) const {
  auto It = CreationByResult.find(Result);
  return It == CreationByResult.end() ? nullptr : &Creations[It->second];
}

const ThreadCreation *KthreadModel::creationByCall(const CallExpr *Call) const {
  auto It = CreationByCall.find(Call);
  return It == CreationByCall.end() ? nullptr : &Creations[It->second];
}

const CFG *KthreadModel::cfgOf(const FunctionDecl *FD) const {
  FD = FD->getDefinition() ? FD->getDefinition() : FD;
  auto It = Cfgs.find(FD);
  if (It != Cfgs.end())
    return It->second.get();
  std::unique_ptr<CFG> G;
  if (Stmt *Body = FD->getBody()) {
    CFG::BuildOptions Opts;
    Opts.setAllAlwaysAdd();
    Opts.AddImplicitDtors = false;
    G = CFG::buildCFG(FD, Body, &Ctx, Opts);
  }
  const CFG *R = G.get();
  Cfgs[FD] = std::move(G);
  return R;
}

bool KthreadModel::isModuleCode(SourceLocation Loc) const {
  const SourceManager &SM = Ctx.getSourceManager();
  Loc = SM.getExpansionLoc(Loc);
  if (SM.isInMainFile(Loc))
    return true;
  // FileEntryRef, not FileEntry: FileEntry::getName() is gone in LLVM 19,
  // and FileEntryRef names and directories are the same on 16 to 22.
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc));
  if (!FE)
    return false;
  if (FE->getName().ends_with(".c"))
    return true;
  OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
  return Main && &FE->getDir().getDirEntry() == &Main->getDir().getDirEntry();
}

const FunctionDecl *KthreadModel::definitionOf(const FunctionDecl *FD) const {
  return FD ? FD->getDefinition() : nullptr;
}

bool KthreadModel::isStopTestName(llvm::StringRef Name) const {
  return isStopTest(Name) || llvm::is_contained(Config.ExtraStopTests, Name);
}

bool KthreadModel::functionTestsStop(const FunctionDecl *FD) const {
  return facet<CalleeSummaries>().of(FD).TestsStop;
}

bool KthreadModel::testsStop(const Stmt *S) const {
  if (!S)
    return false;
  for (const CallExpr *C : callsIn(S)) {
    if (isStopTestName(calleeName(C)))
      return true;
    if (const FunctionDecl *Callee = C->getDirectCallee())
      if (functionTestsStop(Callee))
        return true;
  }
  return false;
}

std::optional<std::pair<const CFGBlock *, unsigned>>
KthreadModel::cfgPosition(const FunctionDecl *FD, const Stmt *S) const {
  FD = FD->getDefinition() ? FD->getDefinition() : FD;
  const CFG *G = cfgOf(FD);
  if (!G)
    return std::nullopt;
  auto [It, New] = CfgIndex.try_emplace(FD);
  if (New)
    for (const CFGBlock *B : *G) {
      unsigned I = 0;
      for (const CFGElement &E : *B) {
        if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
          It->second.try_emplace(CS->getStmt(), std::make_pair(B, I));
        ++I;
      }
    }
  auto P = It->second.find(S);
  if (P == It->second.end())
    return std::nullopt;
  return P->second;
}

bool KthreadModel::reaches(const FunctionDecl *FD, const Stmt *From,
                           const Stmt *To) const {
  auto A = cfgPosition(FD, From), B = cfgPosition(FD, To);
  if (!A || !B)
    return false;
  if (A->first == B->first && A->second < B->second)
    return true;
  llvm::SmallPtrSet<const CFGBlock *, 32> Seen;
  llvm::SmallVector<const CFGBlock *, 32> Work;
  for (const CFGBlock::AdjacentBlock &Succ : A->first->succs())
    if (const CFGBlock *SB = Succ.getReachableBlock())
      Work.push_back(SB);
  while (!Work.empty()) {
    const CFGBlock *Blk = Work.pop_back_val();
    if (!Seen.insert(Blk).second)
      continue;
    if (Blk == B->first)
      return true;
    for (const CFGBlock::AdjacentBlock &Succ : Blk->succs())
      if (const CFGBlock *SB = Succ.getReachableBlock())
        Work.push_back(SB);
  }
  return false;
}

llvm::SmallVector<const ThreadCreation *, 2>
KthreadModel::creationsFor(const HandleUse &U) const {
  llvm::SmallVector<const ThreadCreation *, 2> R;
  if (!U.Key)
    return R;
  auto It = CreationsByKey.find(U.Key);
  if (It == CreationsByKey.end())
    return R;
  for (size_t I : It->second) {
    const ThreadCreation &TC = Creations[I];
    if (U.Key.Kind == HandleKey::Local && TC.Enclosing != U.Enclosing)
      continue;
    R.push_back(&TC);
  }
  // One field shared by threads of different functions (workqueue's
  // worker->task and rescuer->task): when the variable the field is reached
  // through has the same name at the creation and at the use, that pairing
  // is the better guess than all of them.
  if (R.size() > 1 && U.Path && U.Path->Base && U.Key.Kind == HandleKey::Field) {
    llvm::SmallVector<const ThreadCreation *, 2> Named;
    for (const ThreadCreation *TC : R)
      if (TC->StoredTo && TC->StoredTo->Base &&
          TC->StoredTo->Base->getName() == U.Path->Base->getName())
        Named.push_back(TC);
    if (!Named.empty())
      return Named;
  }
  return R;
}

} // namespace clang::tidy::kthread
