//===--- MissingIsErrCheck.cpp - kthread-lint -----------------------------===//

#include "MissingIsErrCheck.h"
#include "ErrPtrFlow.h"
#include "clang/AST/RecursiveASTVisitor.h"
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

void MissingIsErrCheck::checkModel(const KthreadModel &M) {
  const ASTContext &Ctx = M.context();
  std::set<const FunctionDecl *> Creators;
  for (const ThreadCreation &TC : M.creations())
    Creators.insert(TC.Enclosing);

  std::vector<ErrPtrFacts::LeftInStorage> Left;
  // Creations whose wrong NULL test was reported: the root cause, so their
  // other symptoms are not reported again.
  std::set<const ThreadCreation *> NullTested;
  for (const FunctionDecl *FD : Creators) {
    const ErrPtrFacts &Facts = creationFlow(M, FD, StrictStorage);
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
      {
      auto D = diag(fileLoc(NT.Test->getBeginLoc(), Ctx),
                    "'%0' returns ERR_PTR(-errno) on failure, never NULL: "
                    "this NULL test cannot see the failure, and the error "
                    "pointer goes on to be used as a task; test it with "
                    "IS_ERR()")
               << NT.Creation->ApiName;
      std::optional<std::string> Tested = writtenText(NT.Tested, Ctx);
      std::optional<std::string> Whole = writtenText(NT.Test, Ctx);
      if (NT.Rewritable && Tested && Whole) {
        std::string Fix = (NT.TrueMeansNull ? "IS_ERR(" : "!IS_ERR(") +
                          *Tested + ")";
        D << FixItHint::CreateReplacement(
            Lexer::makeFileCharRange(
                CharSourceRange::getTokenRange(NT.Test->getSourceRange()),
                Ctx.getSourceManager(), Ctx.getLangOpts()),
            Fix);
      }
      } // The warning is emitted here, before its note.
      diag(NT.Creation->Loc, "'%0' called here", DiagnosticIDs::Note)
          << NT.Creation->ApiName;
    }
    // One report per creation: the first unsafe use, unless a NULL test
    // (the root cause) was reported already.
    std::set<const ThreadCreation *> Reported = NullTested;
    for (const ErrPtrFacts::UnsafeUse &U : Facts.UnsafeUses) {
      if (!Reported.insert(U.Creation).second)
        continue;
      std::string Handle = handleText(U.Handle, Ctx);
      if (!U.Callee.empty())
        diag(fileLoc(U.Use->getBeginLoc(), Ctx),
             "'%0' may be an ERR_PTR here: it is passed to '%1' before "
             "IS_ERR() has excluded a failed '%2', and '%1' would use the "
             "error pointer as a task; test it with IS_ERR() and return "
             "PTR_ERR() first")
            << Handle << U.Callee << U.Creation->ApiName;
      else
        diag(fileLoc(U.Use->getBeginLoc(), Ctx),
             "'%0' may be an ERR_PTR here: it is dereferenced before IS_ERR() "
             "has excluded a failed '%1', which oopses; test it with IS_ERR() "
             "and return PTR_ERR() first")
            << Handle << U.Creation->ApiName;
      diag(U.Creation->Loc,
           "'%0' called here; it returns ERR_PTR(-errno) on failure",
           DiagnosticIDs::Note)
          << U.Creation->ApiName;
    }
    for (const ErrPtrFacts::LeftInStorage &L : Facts.Left)
      if (!NullTested.count(L.Creation))
        Left.push_back(L);
  }
  if (Left.empty())
    return;

  // Error pointers left in storage matter where a cleanup lets them through
  // with a NULL test: `if (priv->task) kthread_stop(priv->task);`.
  std::set<HandleKey> Keys;
  std::set<const FunctionDecl *> Readers;
  for (const auto &L : Left) {
    Keys.insert(L.Key);
    for (const FunctionDecl *FD : M.readersOf(L.Key))
      Readers.insert(FD);
  }
  std::set<HandleKey> ReportedKeys;
  for (const FunctionDecl *FD : Readers) {
    ErrPtrFacts Facts = analyzeErrPtrFlow(M, FD, Keys, StrictStorage);
    for (const ErrPtrFacts::GuardedUse &G : Facts.GuardedUses) {
      if (!ReportedKeys.insert(G.Key).second)
        continue;
      for (const auto &L : Left) {
        if (!(L.Key == G.Key))
          continue;
        std::string Place = L.Path.spelling();
        diag(fileLoc(L.Store->getBeginLoc(), Ctx),
             "an ERR_PTR from a failed '%0' can stay in '%1' after this "
             "function returns: a NULL test does not stop it, and '%2' will "
             "use the error pointer as a task; set '%1' to NULL when "
             "creation fails")
            << L.Creation->ApiName << Place
            << (G.Callee.empty() ? std::string("a dereference") : G.Callee);
        diag(fileLoc(G.Use->getBeginLoc(), Ctx),
             "the error pointer reaches '%0' here, past a NULL test",
             DiagnosticIDs::Note)
            << (G.Callee.empty() ? std::string("a dereference") : G.Callee);
        break;
      }
    }
  }
}

} // namespace clang::tidy::kthread
