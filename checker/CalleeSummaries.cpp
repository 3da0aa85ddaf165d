//===--- CalleeSummaries.cpp - kthread-lint -------------------------------===//

#include "CalleeSummaries.h"
#include "SiblingSummaries.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CallGraph.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SCCIterator.h"

namespace clang::tidy::kthread {

namespace {

/// The fields and globals a local of \p FD is assigned from, and the
/// parameter it copies (\p Param); false when it is assigned anything else.
bool sourcesOfLocal(const KthreadModel &M, const FunctionDecl *FD,
                    const VarDecl *Local, std::set<HandleKey> &Keys,
                    int &Param) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const VarDecl *Local;
    std::vector<const Expr *> Sources;
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->getOpcode() == BO_Assign)
        if (const auto *DRE =
                dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          if (DRE->getDecl()->getCanonicalDecl() == Local)
            Sources.push_back(BO->getRHS());
      return true;
    }
  } F;
  F.Local = Local;
  if (Local->getInit())
    F.Sources.push_back(Local->getInit());
  F.TraverseStmt(FD->getBody());
  if (F.Sources.empty())
    return false;
  for (const Expr *Src : F.Sources) {
    const Expr *V = stripValue(Src);
    if (isNullConstant(V, FD->getASTContext()))
      continue;
    // A thread it creates itself is not one it is handed.
    if (M.creationAt(Src->IgnoreParenCasts()) ||
        (isa<CallExpr>(V) && M.creationByCall(cast<CallExpr>(V))))
      continue;
    if (isa<CallExpr>(V))
      return false;
    std::optional<AccessPath> P = accessPathOf(V);
    if (!P)
      return false;
    if (P->Fields.empty() && !P->ArrayElement)
      if (const auto *PVD = dyn_cast<ParmVarDecl>(P->Base)) {
        Param = int(PVD->getFunctionScopeIndex());
        continue;
      }
    if (!P->Persistent)
      return false;
    Keys.insert(HandleKey::of(*P));
  }
  return true;
}

/// `kthread_stop(container_of(...)->task)`: the field, when no access path
/// names the object.
std::optional<HandleKey> fieldOf(const Expr *E) {
  if (const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts()))
    if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return HandleKey{HandleKey::Field, F->getCanonicalDecl()};
  return std::nullopt;
}

/// Calls a summary does not look into: the API itself.
bool isApiCall(const CallExpr *C) {
  llvm::StringRef Name = calleeName(C);
  return lookupHandleOp(Name) || lookupCreationApi(Name);
}

} // namespace

const char CalleeSummaries::ID = 0;

CalleeSummaries::CalleeSummaries(const KthreadModel &M) : M(M) {
  for (const auto &[K, Readers] : M.readers())
    for (const FunctionDecl *FD : Readers)
      OwnReads[FD].insert(K);
  for (const HandleUse &U : M.uses())
    if (isStopOp(U.Op))
      OwnStops[U.Enclosing].push_back(&U);
  const SourceManager &SM = M.context().getSourceManager();
  for (Decl *D : M.context().getTranslationUnitDecl()->decls())
    if (auto *FD = dyn_cast<FunctionDecl>(D))
      if (FD->doesThisDeclarationHaveABody() &&
          M.isModuleCode(SM.getExpansionLoc(FD->getLocation())))
        Graph.addToCallGraph(FD);
}

CalleeSummaries::~CalleeSummaries() = default;

void CalleeSummaries::summariseFrom(CallGraphNode *N) const {
  // Callees first; each strongly connected component (recursion) is
  // iterated until its summaries stop growing: every fact only grows.
  for (auto SCC = llvm::scc_begin(N); !SCC.isAtEnd(); ++SCC) {
    std::vector<const FunctionDecl *> Members;
    for (const CallGraphNode *Node : *SCC)
      if (const auto *FD = dyn_cast_or_null<FunctionDecl>(Node->getDecl()))
        if (const FunctionDecl *Def = M.definitionOf(FD);
            Def && Def->hasBody() && !Summaries.count(Def))
          Members.push_back(Def);
    for (const FunctionDecl *FD : Members)
      Summaries.try_emplace(FD);
    for (bool Changed = !Members.empty(); Changed;) {
      Changed = false;
      for (const FunctionDecl *FD : Members) {
        FunctionSummary S = summarise(FD);
        FunctionSummary &Old = Summaries[FD];
        if (!(S == Old)) {
          Old = std::move(S);
          Changed = true;
        }
      }
    }
  }
}

std::vector<const FunctionDecl *>
CalleeSummaries::reachableFrom(const FunctionDecl *FD) const {
  const FunctionDecl *Def = M.definitionOf(FD);
  std::vector<const FunctionDecl *> Out{Def && Def->hasBody() ? Def : FD};
  const CallGraphNode *Root = Graph.getNode(FD->getCanonicalDecl());
  if (!Root)
    return Out;
  const SourceManager &SM = M.context().getSourceManager();
  std::set<const CallGraphNode *> Seen{Root};
  std::vector<const CallGraphNode *> Level{Root};
  while (!Level.empty()) {
    std::vector<const CallGraphNode *> Next;
    for (const CallGraphNode *N : Level)
      for (const CallGraphNode::CallRecord &R : *N) {
        if (!Seen.insert(R.Callee).second)
          continue;
        const auto *F = dyn_cast_or_null<FunctionDecl>(R.Callee->getDecl());
        const FunctionDecl *D = F ? M.definitionOf(F) : nullptr;
        if (!D || !D->hasBody() ||
            !M.isModuleCode(SM.getExpansionLoc(D->getLocation())))
          continue;
        Out.push_back(D);
        Next.push_back(R.Callee);
      }
    Level = std::move(Next);
  }
  return Out;
}

const FunctionSummary &CalleeSummaries::of(const FunctionDecl *FD) const {
  static const FunctionSummary Empty;
  const FunctionDecl *Def = M.definitionOf(FD);
  if (!Def || !Def->hasBody()) {
    // Defined in another file of the driver: what the first pass saw.
    const FunctionSummary *Sibling = M.facet<SiblingSummaries>().summaryOf(FD);
    return Sibling ? *Sibling : Empty;
  }
  FD = Def;
  if (auto It = Summaries.find(FD); It != Summaries.end())
    return It->second;
  // Only what the functions asked about reach is summarised.
  if (CallGraphNode *N = Graph.getNode(FD->getCanonicalDecl())) {
    summariseFrom(N);
    if (auto It = Summaries.find(FD); It != Summaries.end())
      return It->second;
  }
  // A function outside the call graph: a header's inline function.
  if (!InProgress.insert(FD).second)
    return Empty;
  FunctionSummary S = summarise(FD);
  InProgress.erase(FD);
  return Summaries[FD] = std::move(S);
}

FunctionSummary CalleeSummaries::summarise(const FunctionDecl *FD) const {
  FunctionSummary S;
  addOwnStops(FD, S);
  if (auto It = OwnReads.find(FD); It != OwnReads.end())
    S.Reads = It->second;
  for (const CallExpr *C : callsIn(FD->getBody())) {
    if (M.isStopTestName(calleeName(C)))
      S.TestsStop = true;
    const FunctionDecl *Callee = C->getDirectCallee();
    if (!Callee || isApiCall(C))
      continue;
    const FunctionDecl *Def = M.definitionOf(Callee);
    if (Def && Def->hasBody() && Def != FD)
      addCallee(FD, C, of(Def), S);
    else if (!Def || !Def->hasBody()) {
      if (const FunctionSummary *Sibling =
              M.facet<SiblingSummaries>().summaryOf(Callee))
        addCallee(FD, C, *Sibling, S);
      else if (!Callee->getBuiltinID() &&
               !isKernelApi(Callee, M.context().getSourceManager()))
        S.CallsElsewhere = true;
    }
  }
  S.OnSignal = returnedSignalResult(FD);
  return S;
}

SignalResult CalleeSummaries::returnedSignalResult(const FunctionDecl *FD) const {
  const ASTContext &Ctx = M.context();
  struct Collect : RecursiveASTVisitor<Collect> {
    std::vector<const Expr *> Returned;
    std::map<const VarDecl *, std::vector<const Expr *>> Assigned;
    bool VisitReturnStmt(ReturnStmt *RS) {
      Returned.push_back(RS->getRetValue());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
            Assigned[VD].push_back(BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr);
      return true;
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (VD->hasLocalStorage())
        Assigned[VD].push_back(VD->getInit());
      return true;
    }
  } C;
  C.TraverseStmt(FD->getBody());
  // Each value: 0, or an interrupted-if-non-zero result.
  bool SawSleep = false;
  auto Fits = [&](const Expr *V, auto &Self, int Hops) -> bool {
    if (!V)
      return false;
    V = V->IgnoreParenImpCasts();
    Expr::EvalResult R;
    if (!V->isValueDependent() && V->EvaluateAsInt(R, Ctx))
      return R.Val.getInt().isZero();
    if (signalResultOf(V) == SignalResult::NonZero)
      return SawSleep = true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(V))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && VD->hasLocalStorage() && Hops == 0 && C.Assigned.count(VD))
        return llvm::all_of(C.Assigned[VD], [&](const Expr *A) {
          return Self(A, Self, Hops + 1);
        });
    return false;
  };
  if (C.Returned.empty() ||
      !llvm::all_of(C.Returned, [&](const Expr *V) { return Fits(V, Fits, 0); }))
    return SignalResult::None;
  return SawSleep ? SignalResult::NonZero : SignalResult::None;
}

SignalResult signalResultOf(const KthreadModel &M, const Expr *E) {
  return M.facet<CalleeSummaries>().signalResultOf(E);
}

SignalResult CalleeSummaries::signalResultOf(const Expr *E) const {
  const ASTContext &Ctx = M.context();
  E = E->IgnoreParenImpCasts();
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    if (SignalResult R = effectsOf(calleeName(C)).OnSignal;
        R != SignalResult::None)
      return R;
    if (const FunctionDecl *Callee = C->getDirectCallee())
      return of(Callee).OnSignal;
  }
  if (isa<StmtExpr>(E)) {
    auto Interruptible = [](llvm::StringRef N) {
      const MacroEffects &ME = macroEffectsOf(N);
      return ME.has(macro::WaitEvent) && (ME.Mode == WaitMode::Interruptible ||
                                          ME.Mode == WaitMode::Killable);
    };
    llvm::StringRef Macro =
        M.facet<MacroExpansions>().outer(E->getBeginLoc(), Interruptible);
    if (!Macro.empty())
      return macroEffectsOf(Macro).Bounded ? SignalResult::Negative
                                           : SignalResult::NonZero;
  }
  return SignalResult::None;
}

void CalleeSummaries::addStoppedLocal(const FunctionDecl *FD,
                                      const VarDecl *VD,
                                      FunctionSummary &S) const {
  if (const auto *PVD = dyn_cast<ParmVarDecl>(VD)) {
    S.StopsParams.insert(PVD->getFunctionScopeIndex());
    return;
  }
  int Param = -1;
  if (!sourcesOfLocal(M, FD, VD, S.Stops, Param))
    S.StopsUnresolved = true;
  if (Param >= 0)
    S.StopsParams.insert(unsigned(Param));
}

void CalleeSummaries::addOwnStops(const FunctionDecl *FD,
                                  FunctionSummary &S) const {
  auto It = OwnStops.find(FD);
  if (It == OwnStops.end())
    return;
  for (const HandleUse *Use : It->second) {
    const HandleUse &U = *Use;
    if (U.Key.Kind == HandleKey::Global || U.Key.Kind == HandleKey::Field)
      S.Stops.insert(U.Key);
    else if (U.Key.Kind == HandleKey::Local)
      addStoppedLocal(FD, cast<VarDecl>(U.Key.Decl), S);
    else if (std::optional<HandleKey> K = fieldOf(U.Call->getArg(0)))
      S.Stops.insert(*K);
    else
      S.StopsUnresolved = true;
  }
}

void CalleeSummaries::addCallee(const FunctionDecl *FD, const CallExpr *C,
                                const FunctionSummary &Callee,
                                FunctionSummary &S) const {
  S.Stops.insert(Callee.Stops.begin(), Callee.Stops.end());
  S.Reads.insert(Callee.Reads.begin(), Callee.Reads.end());
  S.StopsUnresolved |= Callee.StopsUnresolved;
  S.TestsStop |= Callee.TestsStop;
  S.CallsElsewhere |= Callee.CallsElsewhere;
  // What the callee stops through its parameters, as our arguments.
  for (unsigned I : Callee.StopsParams) {
    if (I >= C->getNumArgs())
      continue;
    const Expr *A = stripValue(C->getArg(I));
    std::optional<AccessPath> P = accessPathOf(A);
    if (!P) {
      if (std::optional<HandleKey> K = fieldOf(A))
        S.Stops.insert(*K);
      else
        S.StopsUnresolved = true;
    } else if (P->Persistent) {
      S.Stops.insert(HandleKey::of(*P));
    } else if (P->Fields.empty() && !P->ArrayElement) {
      addStoppedLocal(FD, P->Base, S);
    } else {
      S.StopsUnresolved = true;
    }
  }
}

//===--- Serialisation ----------------------------------------------------===//

std::string handleKeyName(const HandleKey &K) {
  if (!K.Decl || K.Kind == HandleKey::Local || K.Kind == HandleKey::None)
    return {};
  if (K.Kind == HandleKey::Field) {
    const auto *F = cast<FieldDecl>(K.Decl);
    const RecordDecl *R = F->getParent();
    std::string Record = R->getName().str();
    if (Record.empty())
      if (const TypedefNameDecl *TD = R->getTypedefNameForAnonDecl())
        Record = TD->getName().str();
    if (Record.empty() || F->getName().empty())
      return {};
    return "field:" + Record + "::" + F->getName().str();
  }
  const auto *VD = cast<VarDecl>(K.Decl);
  return (VD->isExternallyVisible() ? "global:" : "static:") +
         VD->getName().str();
}

SerializedSummary serialize(const FunctionDecl *FD, const FunctionSummary &S) {
  SerializedSummary Out;
  Out.Function = FD->getName().str();
  Out.External = FD->isExternallyVisible();
  // A key without a name (a local's source we cannot spell) is one another
  // file cannot match: a stop of it is an unresolved stop, not none.
  auto Names = [](const std::set<HandleKey> &Keys, bool &Unnamed) {
    std::vector<std::string> V;
    for (const HandleKey &K : Keys) {
      std::string N = handleKeyName(K);
      Unnamed |= N.empty();
      if (!N.empty())
        V.push_back(std::move(N));
    }
    llvm::sort(V);
    V.erase(std::unique(V.begin(), V.end()), V.end());
    return V;
  };
  bool UnnamedStop = false, UnnamedRead = false;
  Out.Stops = Names(S.Stops, UnnamedStop);
  Out.StopsUnresolved = S.StopsUnresolved || UnnamedStop;
  Out.Reads = Names(S.Reads, UnnamedRead);
  Out.StopsParams.assign(S.StopsParams.begin(), S.StopsParams.end());
  Out.TestsStop = S.TestsStop;
  Out.InterruptedIfNonZero = S.OnSignal == SignalResult::NonZero;
  Out.CallsElsewhere = S.CallsElsewhere;
  return Out;
}

llvm::json::Value toJSON(const SerializedSummary &S) {
  return llvm::json::Object{
      {"function", S.Function},   {"external", S.External},
      {"stops", S.Stops},         {"stopsParams", S.StopsParams},
      {"stopsUnresolved", S.StopsUnresolved},
      {"reads", S.Reads},         {"testsStop", S.TestsStop},
      {"interruptedIfNonZero", S.InterruptedIfNonZero},
      {"callsElsewhere", S.CallsElsewhere},
  };
}

bool fromJSON(const llvm::json::Value &V, SerializedSummary &S,
              llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  return O && O.map("function", S.Function) && O.map("external", S.External) &&
         O.map("stops", S.Stops) && O.map("stopsParams", S.StopsParams) &&
         O.map("stopsUnresolved", S.StopsUnresolved) &&
         O.map("reads", S.Reads) && O.map("testsStop", S.TestsStop) &&
         O.map("interruptedIfNonZero", S.InterruptedIfNonZero) &&
         O.mapOptional("callsElsewhere", S.CallsElsewhere);
}

llvm::json::Value CalleeSummaries::toJSON() const {
  llvm::json::Array Functions;
  const SourceManager &SM = M.context().getSourceManager();
  std::vector<const FunctionDecl *> Written;
  for (const auto &[D, Node] : Graph)
    if (const auto *FD = dyn_cast_or_null<FunctionDecl>(D))
      if (const FunctionDecl *Def = M.definitionOf(FD);
          Def && Def->hasBody() &&
          SM.isInMainFile(SM.getExpansionLoc(Def->getLocation())))
        Written.push_back(Def);
  llvm::sort(Written, [&](const FunctionDecl *A, const FunctionDecl *B) {
    return SM.isBeforeInTranslationUnit(A->getLocation(), B->getLocation());
  });
  for (const FunctionDecl *FD : Written)
    Functions.push_back(kthread::toJSON(serialize(FD, of(FD))));
  return llvm::json::Object{{"functions", std::move(Functions)}};
}

} // namespace clang::tidy::kthread
