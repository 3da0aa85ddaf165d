//===--- MissingIsErrCheck.cpp - kthread-lint -----------------------------===//

#include "MissingIsErrCheck.h"
#include "HandleLifecycle.h"
#include "ModuleLifecycle.h"
#include "ThreadFacts.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Lex/Lexer.h"
#include <set>

namespace clang::tidy::kthread {

/// The source text of \p E when it is written in the file (not produced by
/// a macro body), else empty.
static std::optional<std::string> writtenText(const Expr *E,
                                              const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange R = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(E->getSourceRange()), SM,
      Ctx.getLangOpts());
  if (R.isInvalid())
    return std::nullopt;
  return Lexer::getSourceText(R, SM, Ctx.getLangOpts()).str();
}

/// Where the user wrote \p Loc: the macro argument's spelling, or the
/// macro's expansion, never a line inside a header's macro body.
static SourceLocation fileLoc(SourceLocation Loc, const ASTContext &Ctx) {
  return Ctx.getSourceManager().getFileLoc(Loc);
}

static std::string handleText(const Expr *E, const ASTContext &Ctx) {
  if (std::optional<AccessPath> P = accessPathOf(E))
    return P->spelling();
  return writtenText(E, Ctx).value_or("the thread");
}

MissingIsErrCheck::MissingIsErrCheck(StringRef Name, ClangTidyContext *Context)
    : KthreadCheck(Name, Context),
      StrictStorage(llvm::StringRef(Options.get("StrictStorage", "false"))
                        .equals_insensitive("true")) {}

void MissingIsErrCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  KthreadCheck::storeOptions(Opts);
  Options.store(Opts, "StrictStorage", StrictStorage ? "true" : "false");
}

/// NULL tests that share a condition with an ERR_PTR test of the same place
/// (`t == NULL || IS_ERR(t)`): redundant, not wrong (the audit's FP-4).
static std::set<const Expr *> nullTestsBesideErrTests(const FunctionDecl *FD) {
  struct Finder : RecursiveASTVisitor<Finder> {
    std::set<const Expr *> Redundant;
    void atoms(const Expr *E, std::vector<std::pair<const Expr *, AccessPath>> &Null,
               std::vector<AccessPath> &Err) {
      bool Negated = false;
      E = unwrapCondition(E, Negated);
      if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
        if (BO->isLogicalOp()) {
          atoms(BO->getLHS(), Null, Err);
          atoms(BO->getRHS(), Null, Err);
          return;
        }
        if (BO->isEqualityOp())
          for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
            if (std::optional<AccessPath> P = accessPathOf(Side))
              Null.push_back({BO, *P});
        return;
      }
      if (const auto *C = dyn_cast<CallExpr>(E)) {
        if (isErrPtrTest(calleeName(C)) && C->getNumArgs() == 1)
          if (std::optional<AccessPath> P = accessPathOf(C->getArg(0)))
            Err.push_back(*P);
        return;
      }
      if (std::optional<AccessPath> P = accessPathOf(E))
        Null.push_back({E, *P});
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (!BO->isLogicalOp())
        return true;
      std::vector<std::pair<const Expr *, AccessPath>> Null;
      std::vector<AccessPath> Err;
      atoms(BO, Null, Err);
      for (const auto &[E, P] : Null)
        if (llvm::is_contained(Err, P))
          Redundant.insert(E->IgnoreParenImpCasts());
      return true;
    }
  } F;
  if (FD->hasBody())
    F.TraverseStmt(FD->getBody());
  return std::move(F.Redundant);
}

/// The fields and globals the creating function assigns after \p TC, other
/// than its handle: a flag it may set when creation fails (`fie_disabled =
/// FIE_DISABLED`), which the cleanup tests before it uses the handle.
static std::set<HandleKey> placesAssignedAfter(const KthreadModel &M,
                                               const ThreadCreation &TC,
                                               const HandleKey &Handle) {
  struct Assignments : RecursiveASTVisitor<Assignments> {
    std::vector<std::pair<const BinaryOperator *, HandleKey>> Found;
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        if (std::optional<AccessPath> P = accessPathOf(BO->getLHS()))
          if (P->Persistent)
            Found.push_back({BO, HandleKey::of(*P)});
      return true;
    }
  } A;
  const FunctionDecl *FD = TC.Enclosing;
  std::set<HandleKey> Keys;
  if (!FD || !FD->hasBody())
    return Keys;
  A.TraverseStmt(FD->getBody());
  for (const auto &[BO, K] : A.Found)
    if (!(K == Handle) && M.reaches(FD, TC.Call, BO))
      Keys.insert(K);
  return Keys;
}

/// Whether \p E reads one of \p Places.
static bool readsAnyOf(const Expr *E, const std::set<HandleKey> &Places) {
  struct Reads : RecursiveASTVisitor<Reads> {
    const std::set<HandleKey> &Places;
    bool Found = false;
    explicit Reads(const std::set<HandleKey> &P) : Places(P) {}
    bool VisitExpr(Expr *E) {
      if (isa<DeclRefExpr, MemberExpr>(E))
        if (std::optional<AccessPath> P = accessPathOf(E))
          Found |= Places.count(HandleKey::of(*P)) > 0;
      return !Found;
    }
  } R(Places);
  R.TraverseStmt(const_cast<Expr *>(E));
  return R.Found;
}

/// Whether, in \p FD, every path to \p Use first branches on one of
/// \p Flags: `if (fie_disabled) return; kthread_destroy_worker(w);`.
static bool underFlagTest(const KthreadModel &M, const FunctionDecl *FD,
                          const Stmt *Use, const std::set<HandleKey> &Flags) {
  const CFG *G = M.cfgOf(FD);
  auto At = M.cfgPosition(FD, Use);
  if (!G || !At || Flags.empty())
    return false;
  CFGDomTree Dom;
  Dom.buildDominatorTree(const_cast<CFG *>(G));
  for (const CFGBlock *B : *G)
    if (B != At->first && B->succ_size() == 2)
      if (const Expr *Cond = branchCondition(*B))
        if (readsAnyOf(Cond, Flags) && Dom.dominates(B, At->first))
          return true;
  return false;
}

namespace {

/// What the check reports, found before anything is emitted.
struct IsErrFindings {
  std::vector<ErrPtrFacts::NullTest> NullTests;
  /// The first unsafe use of each creation whose NULL test was not reported.
  std::vector<ErrPtrFacts::UnsafeUse> UnsafeUses;
  /// An ERR_PTR left in storage, and the use in another function that a
  /// cleanup lets it reach.
  struct Stale {
    ErrPtrFacts::LeftInStorage Left;
    ErrPtrFacts::GuardedUse Use;
  };
  std::vector<Stale> LeftInStorage;
};

/// The functions whose failure does not give up the object they fill in:
/// callbacks (an ops table's start_streaming, an open) outside the call
/// tree of init and probe. "The caller owns the unwind" does not hold
/// there: the ERR_PTR stays for the next call and for the stop.
std::set<const FunctionDecl *> outliveTheirFailure(const KthreadModel &M) {
  const SourceManager &SM = M.context().getSourceManager();
  std::set<const FunctionDecl *> StartTree, CallbackTree, Out;
  for (const Lifecycle &L : findLifecycles(M))
    StartTree.merge(reachable(M, L.Start));
  for (const FunctionDecl *F : addressTakenFunctions(M.context()))
    if (F->hasBody() && SM.isWrittenInMainFile(SM.getFileLoc(F->getLocation())))
      CallbackTree.merge(reachable(M, F));
  for (const FunctionDecl *F : CallbackTree)
    if (!StartTree.count(F))
      Out.insert(F);
  return Out;
}

/// The wrong NULL tests and unsafe uses in the creating functions, and the
/// ERR_PTRs they leave in storage (\p Left).
void findInCreators(const KthreadModel &M, bool StrictStorage,
                    IsErrFindings &F,
                    std::vector<ErrPtrFacts::LeftInStorage> &Left) {
  std::set<const FunctionDecl *> Creators;
  for (const ThreadCreation &TC : M.creations())
    Creators.insert(TC.Enclosing);
  if (Creators.empty())
    return;
  std::set<const FunctionDecl *> Outliving = outliveTheirFailure(M);
  // Creations whose wrong NULL test is reported: the root cause, so their
  // other symptoms are not reported again.
  std::set<const ThreadCreation *> NullTested;
  for (const FunctionDecl *FD : Creators) {
    const ErrPtrFacts &Facts =
        creationFlow(M, FD, StrictStorage || Outliving.count(FD));
    std::set<const Expr *> Redundant = nullTestsBesideErrTests(FD);
    std::set<const Expr *> Seen;
    for (const ErrPtrFacts::NullTest &NT : Facts.NullTests) {
      if (!Seen.insert(NT.Tested->IgnoreParenImpCasts()).second)
        continue;
      // `t == NULL || IS_ERR(t)`: IS_ERR() sees the failure; the NULL test
      // is only redundant.
      if (Redundant.count(NT.Test->IgnoreParenImpCasts()) ||
          Redundant.count(NT.Tested->IgnoreParenImpCasts()))
        continue;
      NullTested.insert(NT.Creation);
      F.NullTests.push_back(NT);
    }
    // One report per creation: the first unsafe use, unless a NULL test
    // (the root cause) was reported already.
    std::set<const ThreadCreation *> Reported = NullTested;
    for (const ErrPtrFacts::UnsafeUse &U : Facts.UnsafeUses)
      if (Reported.insert(U.Creation).second)
        F.UnsafeUses.push_back(U);
    for (const ErrPtrFacts::LeftInStorage &L : Facts.Left)
      if (!NullTested.count(L.Creation))
        Left.push_back(L);
  }
}

/// Error pointers left in storage matter where a cleanup lets them through:
/// with a NULL test (`if (priv->task) kthread_stop(priv->task);`), or with
/// no test of the handle at all; not when it first tests a flag that the
/// creating function sets after the creation (ext4's `ext4_li_info = NULL`).
void findStaleUses(const KthreadModel &M, bool StrictStorage,
                   const std::vector<ErrPtrFacts::LeftInStorage> &Left,
                   IsErrFindings &F) {
  std::set<HandleKey> Keys;
  std::set<const FunctionDecl *> Readers;
  for (const auto &L : Left) {
    Keys.insert(L.Key);
    for (const FunctionDecl *FD : M.readersOf(L.Key))
      Readers.insert(FD);
  }
  std::set<HandleKey> ReportedKeys;
  // An untested use counts where it surely runs once the start has
  // returned: in the module's exit or a driver's remove (a callback that
  // the start registers only on success may never see the error pointer).
  const std::set<const FunctionDecl *> Cleanups = cleanupFunctions(M);
  for (const FunctionDecl *FD : Readers) {
    ErrPtrFacts Facts = errPtrFactsOf(M, FD, Keys, StrictStorage);
    for (const ErrPtrFacts::GuardedUse &G : Facts.GuardedUses) {
      if (ReportedKeys.count(G.Key))
        continue;
      for (const auto &L : Left) {
        if (!(L.Key == G.Key) || (!G.PastNullTest && !Cleanups.count(FD)) ||
            underFlagTest(M, FD, G.Use,
                          placesAssignedAfter(M, *L.Creation, L.Key)))
          continue;
        ReportedKeys.insert(G.Key);
        F.LeftInStorage.push_back({L, G});
        break;
      }
    }
  }
}

} // namespace

void MissingIsErrCheck::checkModel(const KthreadModel &M) {
  IsErrFindings F;
  std::vector<ErrPtrFacts::LeftInStorage> Left;
  findInCreators(M, StrictStorage, F, Left);
  if (!Left.empty())
    findStaleUses(M, StrictStorage, Left, F);
  const ASTContext &Ctx = M.context();
  for (const ErrPtrFacts::NullTest &NT : F.NullTests)
    reportNullTest(NT, Ctx);
  for (const ErrPtrFacts::UnsafeUse &U : F.UnsafeUses)
    reportUnsafeUse(U, Ctx);
  for (const IsErrFindings::Stale &S : F.LeftInStorage)
    reportLeftInStorage(S.Left, S.Use, Ctx);
}

void MissingIsErrCheck::reportNullTest(const ErrPtrFacts::NullTest &NT,
                                       const ASTContext &Ctx) {
  {
    auto D = NT.OneError
                 ? diag(fileLoc(NT.Test->getBeginLoc(), Ctx),
                        "'%0' fails with more than one error code: this "
                        "comparison with one of them lets the others go on "
                        "as a task")
                 : diag(fileLoc(NT.Test->getBeginLoc(), Ctx),
                        "'%0' returns ERR_PTR() on failure, never NULL: this "
                        "test lets the error pointer go on as a task");
    D << NT.Creation->ApiName;
    std::optional<std::string> Tested = writtenText(NT.Tested, Ctx);
    std::optional<std::string> Whole = writtenText(NT.Test, Ctx);
    if (NT.Rewritable && Tested && Whole) {
      std::string Fix =
          (NT.TrueMeansNull ? "IS_ERR(" : "!IS_ERR(") + *Tested + ")";
      D << FixItHint::CreateReplacement(
          Lexer::makeFileCharRange(
              CharSourceRange::getTokenRange(NT.Test->getSourceRange()),
              Ctx.getSourceManager(), Ctx.getLangOpts()),
          Fix);
    }
  } // The warning is emitted here, before its note.
  diag(NT.Creation->Loc, "'%0' called here; test its result with IS_ERR()",
       DiagnosticIDs::Note)
      << NT.Creation->ApiName;
}

void MissingIsErrCheck::reportUnsafeUse(const ErrPtrFacts::UnsafeUse &U,
                                        const ASTContext &Ctx) {
  std::string Handle = handleText(U.Handle, Ctx);
  if (!U.Callee.empty())
    diag(fileLoc(U.Use->getBeginLoc(), Ctx),
         "'%0' may be an ERR_PTR here: '%1' would use a failed '%2' as a "
         "task")
        << Handle << U.Callee << U.Creation->ApiName;
  else
    diag(fileLoc(U.Use->getBeginLoc(), Ctx),
         "'%0' may be an ERR_PTR here: dereferencing a failed '%1' "
         "oopses")
        << Handle << U.Creation->ApiName;
  diag(U.Creation->Loc,
       "'%0' called here; test its result with IS_ERR() and return "
       "PTR_ERR() first",
       DiagnosticIDs::Note)
      << U.Creation->ApiName;
}

void MissingIsErrCheck::reportLeftInStorage(const ErrPtrFacts::LeftInStorage &L,
                                            const ErrPtrFacts::GuardedUse &G,
                                            const ASTContext &Ctx) {
  std::string Place = L.Path.spelling();
  std::string User = G.Callee.empty() ? std::string("a dereference") : G.Callee;
  diag(fileLoc(L.Store->getBeginLoc(), Ctx),
       "an ERR_PTR from a failed '%0' can stay in '%1' after this "
       "function returns, and '%2' will use it as a task")
      << L.Creation->ApiName << Place << User << G.PastNullTest;
  diag(fileLoc(G.Use->getBeginLoc(), Ctx),
       "the error pointer reaches '%0' here%select{, untested|, past a "
       "NULL test}1; set '%2' to NULL when creation fails",
       DiagnosticIDs::Note)
      << User << G.PastNullTest << Place;
}

} // namespace clang::tidy::kthread
