//===--- ModuleLifecycle.cpp - kthread-lint -------------------------------===//

#include "ModuleLifecycle.h"
#include "CalleeSummaries.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringMap.h"

namespace clang::tidy::kthread {

llvm::StringRef nameOf(const FunctionDecl *FD) {
  if (const IdentifierInfo *II = FD->getIdentifier())
    return II->getName();
  return {};
}

namespace {

/// The function \p E names: `fn`, `&fn`, `(initcall_t)fn`.
const FunctionDecl *functionRef(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr()->IgnoreParenCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      return FD->getDefinition() ? FD->getDefinition() : FD;
  return nullptr;
}

/// Declared by module_init() / an initcall macro of a built-in: walks out
/// through the macros that produced \p Loc.
bool fromInitcallMacro(SourceLocation Loc, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  while (Loc.isMacroID()) {
    llvm::StringRef N = Lexer::getImmediateMacroName(Loc, SM, Ctx.getLangOpts());
    if (macroEffectsOf(N).has(macro::ModuleInit))
      return true;
    Loc = SM.getImmediateExpansionRange(Loc).getBegin();
  }
  return false;
}

bool isProbeField(llvm::StringRef N) {
  return lifecycleRoleOfField(N) == LifecycleRole::Probe;
}
bool isRemoveField(llvm::StringRef N) {
  return lifecycleRoleOfField(N) == LifecycleRole::Remove;
}

/// Driver ops initialisers: `{ .probe = foo_probe, .remove = foo_remove }`.
void findDrivers(const InitListExpr *ILE, const VarDecl *VD,
                 std::vector<Lifecycle> &Out) {
  if (!ILE)
    return;
  if (ILE->getSemanticForm())
    ILE = ILE->getSemanticForm();
  const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
  if (!RD || RD->isUnion()) {
    for (const Expr *Init : ILE->inits())
      findDrivers(dyn_cast<InitListExpr>(Init->IgnoreParenImpCasts()), VD, Out);
    return;
  }
  const FunctionDecl *Probe = nullptr, *Remove = nullptr;
  unsigned I = 0;
  for (const FieldDecl *FD : RD->fields()) {
    if (I >= ILE->getNumInits())
      break;
    const Expr *Init = ILE->getInit(I++);
    // The first probe field set wins: 6.1's struct i2c_driver has .probe
    // and, later, .probe_new, which a driver setting .probe leaves null.
    if (isProbeField(FD->getName()))
      Probe = Probe ? Probe : functionRef(Init);
    else if (isRemoveField(FD->getName()))
      Remove = Remove ? Remove : functionRef(Init);
    else
      findDrivers(dyn_cast<InitListExpr>(Init->IgnoreParenImpCasts()), VD, Out);
  }
  if (Probe && Probe->hasBody())
    Out.push_back({StartKind::Probe, Probe, Remove, VD});
}

} // namespace

/// module_init()/module_exit() as the kernel's headers spell them: for a
/// module, `init_module` aliased to the function and an `__inittest` helper
/// returning it; for a built-in, an initcall variable in an `.initcall*`
/// section (or, with PREL32 relocations, an `__ADDRESSABLE` one made by an
/// initcall macro). Then every driver with a .probe.
std::vector<Lifecycle> findLifecycles(const KthreadModel &M) {
  ASTContext &Ctx = M.context();
  llvm::StringMap<const FunctionDecl *> ByName;
  std::vector<const Decl *> Decls(Ctx.getTranslationUnitDecl()->decls_begin(),
                                  Ctx.getTranslationUnitDecl()->decls_end());
  for (const Decl *D : Decls)
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      if (FD->hasBody() && FD->getIdentifier())
        ByName[FD->getName()] = FD;
  const FunctionDecl *ModInit = nullptr, *ModExit = nullptr;
  std::vector<const FunctionDecl *> BuiltinInits;
  const FunctionDecl *BuiltinExit = nullptr;
  std::vector<Lifecycle> Drivers;
  for (const Decl *D : Decls) {
    if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
      LifecycleRole Role = lifecycleRoleOfFunction(nameOf(FD));
      if (Role != LifecycleRole::ModuleInit && Role != LifecycleRole::ModuleExit)
        continue;
      const FunctionDecl *&Slot =
          Role == LifecycleRole::ModuleInit ? ModInit : ModExit;
      // `init_module` aliases the init function; `__inittest` returns it.
      if (const auto *A = FD->getAttr<AliasAttr>())
        if (auto It = ByName.find(A->getAliasee()); It != ByName.end())
          Slot = It->second;
      if (FD->hasBody())
        if (const auto *CS = dyn_cast<CompoundStmt>(FD->getBody()))
          if (!CS->body_empty())
            if (const auto *RS = dyn_cast<ReturnStmt>(CS->body_back()))
              if (const FunctionDecl *F = functionRef(RS->getRetValue()))
                Slot = F;
      continue;
    }
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD)
      continue;
    if (const auto *S = VD->getAttr<SectionAttr>()) {
      llvm::StringRef Sec = S->getName();
      const FunctionDecl *F = functionRef(VD->getInit());
      if (F && F->hasBody()) {
        LifecycleRole Role = lifecycleRoleOfSection(
            Sec, fromInitcallMacro(VD->getLocation(), Ctx));
        if (Role == LifecycleRole::ModuleInit)
          BuiltinInits.push_back(F);
        else if (Role == LifecycleRole::ModuleExit)
          BuiltinExit = F;
      }
    }
    if (const auto *ILE = dyn_cast_or_null<InitListExpr>(VD->getInit()))
      findDrivers(ILE, VD, Drivers);
  }
  std::vector<Lifecycle> Out;
  if (ModInit && ModInit->hasBody())
    Out.push_back({StartKind::ModuleInit, ModInit,
                   ModExit ? ModExit : BuiltinExit, nullptr});
  for (const FunctionDecl *F : BuiltinInits)
    if (F != ModInit) // A tristate file built in still has its exit.
      Out.push_back({BuiltinExit ? StartKind::ModuleInit : StartKind::BuiltinInit,
                     F, BuiltinExit, nullptr});
  Out.insert(Out.end(), Drivers.begin(), Drivers.end());
  return Out;
}

std::set<const FunctionDecl *> reachable(const KthreadModel &M,
                                         const FunctionDecl *FD) {
  std::vector<const FunctionDecl *> R =
      M.facet<CalleeSummaries>().reachableFrom(FD);
  std::set<const FunctionDecl *> Out(R.begin(), R.end());
  Out.insert(FD);
  return Out;
}

/// A variable that takes a function's address only to keep or export the
/// symbol: EXPORT_SYMBOL()'s __ADDRESSABLE() (a section the linker
/// discards), the ksymtab entries. Nothing calls through it.
static bool keepsSymbolOnly(const Decl *D) {
  const auto *SA = D->getAttr<SectionAttr>();
  return SA && isa<VarDecl>(D) &&
         (SA->getName().starts_with(".discard") ||
          SA->getName().starts_with("___ksymtab"));
}

namespace {
// At namespace scope: a local class cannot have the member template below.
struct AddressTakenRefs : RecursiveASTVisitor<AddressTakenRefs> {
  std::set<const Expr *> Callees;
  std::set<const FunctionDecl *> Taken;
  bool VisitCallExpr(CallExpr *C) {
    Callees.insert(C->getCallee()->IgnoreParenImpCasts());
    return true;
  }
  // typeof(f) (EXPORT_SYMBOL()'s `extern typeof(sym) sym;`), sizeof(f):
  // unevaluated, nothing calls through them. Variadic: LLVM 22 passes a
  // second argument (TraverseQualifier), 16 and 19 do not.
  template <typename... Rest>
  bool TraverseTypeOfExprTypeLoc(TypeOfExprTypeLoc, Rest...) {
    return true;
  }
  bool TraverseUnaryExprOrTypeTraitExpr(UnaryExprOrTypeTraitExpr *) {
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      if (!Callees.count(DRE))
        Taken.insert(FD->getDefinition() ? FD->getDefinition() : FD);
    return true;
  }
};
} // namespace

/// Functions whose address is taken (callbacks: devm actions, timers,
/// notifiers, sysfs handlers): when they run is not known here.
std::set<const FunctionDecl *> addressTakenFunctions(ASTContext &Ctx) {
  AddressTakenRefs R;
  // Calls are visited before their callee's reference (pre-order). Only
  // the user's code: what the headers' inline functions take the address
  // of is the kernel's business.
  const SourceManager &SM = Ctx.getSourceManager();
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (SM.isWrittenInMainFile(SM.getFileLoc(D->getLocation())) &&
        !keepsSymbolOnly(D))
      R.TraverseDecl(D);
  return R.Taken;
}

std::set<const FunctionDecl *> cleanupFunctions(const KthreadModel &M) {
  std::set<const FunctionDecl *> Out;
  for (const Lifecycle &L : findLifecycles(M))
    if (L.Cleanup)
      Out.merge(reachable(M, L.Cleanup));
  return Out;
}

} // namespace clang::tidy::kthread
