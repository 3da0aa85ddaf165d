//===--- NameFormatCheck.cpp - kthread-lint -------------------------------===//
//
// The name of a kthread is a printf format that kthread_create_on_node()
// expands into the task's comm, TASK_COMM_LEN - 1 = 15 characters. The
// *_on_cpu creators are not __printf: their format receives the cpu number
// and nothing else, unchecked by the compiler.
//
//===----------------------------------------------------------------------===//

#include "NameFormatCheck.h"
#include "clang/AST/Attr.h"
#include "clang/Lex/Lexer.h"
#include <cstdio>

namespace clang::tidy::kthread {

/// What comm keeps of a name: TASK_COMM_LEN - 1 characters.
constexpr size_t CommLen = 15;

namespace {

/// A piece of a name format: literal text, or one conversion with its
/// shortest expansion.
struct Piece {
  bool IsConversion = false;
  std::string Spec;    ///< As written: "%02u"; for text, the text.
  char Conv = 0;       ///< d, i, u, x, s, p, ...; 0 when the spec ends early.
  std::string Flags;
  std::string Length;  ///< "", "h", "hh", "l", "ll", "z", ...
  bool WidthStar = false, PrecStar = false, HasPrec = false;
  unsigned Width = 0, Prec = 0;
  /// The fewest characters it can produce.
  size_t Min = 0;
  /// What it produces, when that is known.
  std::optional<std::string> Exact;
};

/// Splits \p F as the kernel's vsnprintf() reads it (lib/vsprintf.c,
/// format_decode()): flags, width, precision, qualifier, conversion; `%p`
/// swallows the alphanumerics of its extension (`%pK`, `%pOFn`).
std::vector<Piece> parseFormat(llvm::StringRef F) {
  std::vector<Piece> Pieces;
  std::string Text;
  auto FlushText = [&] {
    if (Text.empty())
      return;
    Piece P;
    P.Spec = Text;
    P.Exact = Text;
    P.Min = Text.size();
    Pieces.push_back(std::move(P));
    Text.clear();
  };
  size_t N = F.size();
  for (size_t I = 0; I < N; ++I) {
    if (F[I] != '%') {
      Text += F[I];
      continue;
    }
    if (I + 1 < N && F[I + 1] == '%') {
      Text += '%';
      ++I;
      continue;
    }
    FlushText();
    Piece P;
    P.IsConversion = true;
    size_t J = I + 1;
    while (J < N && llvm::StringRef("-+ #0").contains(F[J]))
      P.Flags += F[J++];
    if (J < N && F[J] == '*') {
      P.WidthStar = true;
      ++J;
    } else {
      while (J < N && isDigit(F[J]))
        P.Width = P.Width * 10 + (F[J++] - '0');
    }
    if (J < N && F[J] == '.') {
      P.HasPrec = true;
      ++J;
      if (J < N && F[J] == '*') {
        P.PrecStar = true;
        ++J;
      } else {
        while (J < N && isDigit(F[J]))
          P.Prec = P.Prec * 10 + (F[J++] - '0');
      }
    }
    if (J + 1 < N && ((F[J] == 'h' && F[J + 1] == 'h') ||
                      (F[J] == 'l' && F[J + 1] == 'l'))) {
      P.Length = F.substr(J, 2).str();
      J += 2;
    } else if (J < N && llvm::StringRef("hlLzZtj").contains(F[J])) {
      P.Length = F.substr(J, 1).str();
      ++J;
    }
    if (J < N) {
      P.Conv = F[J++];
      if (P.Conv == 'p')
        while (J < N && isAlphanumeric(F[J]))
          ++J;
    }
    P.Spec = F.substr(I, J - I).str();
    Pieces.push_back(std::move(P));
    I = J - 1;
  }
  FlushText();
  return Pieces;
}

bool isIntConversion(char C) {
  return C == 'd' || C == 'i' || C == 'u' || C == 'x' || C == 'X' || C == 'o';
}

/// A string literal of one-byte characters, through parentheses and casts.
const StringLiteral *stringLiteralOf(const Expr *E) {
  if (!E)
    return nullptr;
  const auto *SL = dyn_cast<StringLiteral>(E->IgnoreParenImpCasts());
  return SL && SL->getCharByteWidth() == 1 ? SL : nullptr;
}

/// The literal a name format is, directly or through a constant variable
/// initialised with one (`static const char name[] = "...";`).
const StringLiteral *formatLiteral(const Expr *E, const ASTContext &Ctx) {
  if (const StringLiteral *SL = stringLiteralOf(E))
    return SL;
  const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->getType().isConstant(Ctx))
    return nullptr;
  return stringLiteralOf(VD->getInit());
}

/// Fills in what each conversion of \p Pieces produces at the least, given
/// the arguments that follow the format (\p Args; a null entry is unknown).
void resolve(std::vector<Piece> &Pieces, llvm::ArrayRef<const Expr *> Args,
             const ASTContext &Ctx) {
  size_t Next = 0;
  auto NextArg = [&]() -> const Expr * {
    return Next < Args.size() ? Args[Next++] : nullptr;
  };
  auto IntOf = [&](const Expr *A) -> std::optional<llvm::APSInt> {
    Expr::EvalResult R;
    if (A && !A->isValueDependent() && A->EvaluateAsInt(R, Ctx))
      return R.Val.getInt();
    return std::nullopt;
  };
  for (Piece &P : Pieces) {
    if (!P.IsConversion)
      continue;
    bool Known = true;
    if (P.WidthStar) {
      std::optional<llvm::APSInt> W = IntOf(NextArg());
      if (W && W->getExtValue() >= 0)
        P.Width = unsigned(W->getExtValue());
      else
        Known = false, P.Width = 0;
    }
    if (P.PrecStar) {
      std::optional<llvm::APSInt> Pr = IntOf(NextArg());
      if (Pr)
        P.Prec = Pr->getExtValue() < 0 ? 0 : unsigned(Pr->getExtValue());
      else
        Known = false, P.Prec = 0;
    }
    if (P.Conv == 0)
      continue; // A spec cut short: prints nothing more.
    const Expr *A = NextArg();
    // printf's own rendering, for the cases we know the value of.
    std::string Spec = "%" + P.Flags + (P.Width ? std::to_string(P.Width) : "") +
                       (P.HasPrec ? "." + std::to_string(P.Prec) : "");
    char Buf[512];
    if (isIntConversion(P.Conv)) {
      bool Signed = P.Conv == 'd' || P.Conv == 'i';
      unsigned Digits = P.HasPrec ? P.Prec : 1;
      unsigned Sign = Signed && llvm::StringRef(P.Flags).find_first_of("+ ") !=
                                    llvm::StringRef::npos;
      P.Min = std::max<size_t>(P.Width, Digits + Sign);
      std::optional<llvm::APSInt> V = IntOf(A);
      if (Known && V && P.Length.empty()) {
        long long Val = V->getExtValue();
        if (Signed)
          std::snprintf(Buf, sizeof(Buf), (Spec + "ll" + P.Conv).c_str(),
                        (long long)(int)Val);
        else
          std::snprintf(Buf, sizeof(Buf), (Spec + "ll" + P.Conv).c_str(),
                        (unsigned long long)(unsigned)Val);
        P.Exact = Buf;
        P.Min = P.Exact->size();
      }
    } else if (P.Conv == 'c') {
      P.Min = std::max<size_t>(P.Width, 1);
      std::optional<llvm::APSInt> V = IntOf(A);
      if (Known && V && V->getExtValue() > 0 && V->getExtValue() < 128) {
        std::snprintf(Buf, sizeof(Buf), (Spec + "c").c_str(),
                      int(V->getExtValue()));
        P.Exact = Buf;
        P.Min = P.Exact->size();
      }
    } else if (P.Conv == 's') {
      P.Min = P.Width;
      if (const StringLiteral *SL = stringLiteralOf(A); SL && Known) {
        std::string S = SL->getString().str();
        if (S.size() < 256) {
          std::snprintf(Buf, sizeof(Buf), (Spec + "s").c_str(), S.c_str());
          P.Exact = Buf;
          P.Min = P.Exact->size();
        }
      }
    } else {
      P.Min = 0; // %p and its extensions, and what vsnprintf refuses.
    }
  }
}

/// The shortest expansion and what comm shows of it.
struct NameInfo {
  size_t MinLen = 0;
  /// The 15 characters comm keeps, when the part of the name that fits is
  /// known exactly.
  std::optional<std::string> Kept;
  /// The format with the known conversions expanded.
  std::string Rendered;
};

NameInfo describe(const std::vector<Piece> &Pieces) {
  NameInfo Info;
  std::string Known;
  bool Exact = true;
  for (const Piece &P : Pieces) {
    if (Exact && Info.MinLen < CommLen) {
      if (P.Exact)
        Known += *P.Exact;
      else
        Exact = false;
    }
    Info.MinLen += P.Min;
    Info.Rendered += P.Exact ? *P.Exact : P.Spec;
  }
  if (Exact)
    Info.Kept = Known.substr(0, CommLen);
  return Info;
}

/// The source text of \p E when it is written in the file, else empty.
std::string writtenText(const Expr *E, const ASTContext &Ctx) {
  CharSourceRange R = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(E->getSourceRange()),
      Ctx.getSourceManager(), Ctx.getLangOpts());
  if (R.isInvalid())
    return "";
  return Lexer::getSourceText(R, Ctx.getSourceManager(), Ctx.getLangOpts())
      .str();
}

/// Where `"%s", ` can go in front of the name: the argument must be spelled
/// in the file, as an argument of the creation call or of a creation-API
/// macro (kthread_run), not inside any other macro's body or arguments.
std::optional<SourceLocation> insertionPoint(const Expr *E,
                                             const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  CharSourceRange R = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(E->getSourceRange()), SM, LO);
  if (R.isInvalid() || R.getBegin() != SM.getSpellingLoc(E->getBeginLoc()))
    return std::nullopt;
  if (E->getBeginLoc().isMacroID()) {
    Token Tok;
    SourceLocation Macro = SM.getExpansionLoc(E->getBeginLoc());
    if (Lexer::getRawToken(Macro, Tok, SM, LO, true) ||
        !Tok.is(tok::raw_identifier) ||
        !lookupCreationApi(Tok.getRawIdentifier()))
      return std::nullopt;
  }
  return R.getBegin();
}

/// The argument of \p Call named `cpu`, if its callee has one.
const Expr *cpuArg(const CallExpr *Call) {
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (!FD)
    return nullptr;
  for (unsigned I = 0; I < FD->getNumParams() && I < Call->getNumArgs(); ++I)
    if (const IdentifierInfo *II = FD->getParamDecl(I)->getIdentifier())
      if (II->getName() == "cpu")
        return Call->getArg(I);
  return nullptr;
}

} // namespace

/// (a) A name that is not a literal used as the format itself.
static void checkNameAsFormat(ClangTidyCheck &Check, const ThreadCreation &TC,
                              SourceLocation Loc, const ASTContext &Ctx) {
  std::string Name = writtenText(TC.NameArg, Ctx);
  auto D = Check.diag(Loc, "thread name '%0' is used as the format string of "
                           "'%1': a '%%' in it reads arguments that are not "
                           "there")
           << (Name.empty() ? std::string("name") : Name) << TC.ApiName;
  if (std::optional<SourceLocation> At = insertionPoint(TC.NameArg, Ctx))
    D << FixItHint::CreateInsertion(*At, "\"%s\", ");
}

/// (c) The cpu format takes exactly one int: the cpu number.
static void checkCpuFormat(ClangTidyCheck &Check, const ThreadCreation &TC,
                           const std::vector<Piece> &Pieces,
                           llvm::StringRef Format, SourceLocation Loc) {
  llvm::SmallVector<const Piece *, 2> Convs;
  unsigned Stars = 0;
  for (const Piece &P : Pieces)
    if (P.IsConversion) {
      Convs.push_back(&P);
      Stars += P.WidthStar + P.PrecStar;
    }
  if (Convs.empty()) {
    Check.diag(Loc,
               "'%0' passes the cpu number to the name format, but '%1' "
               "has no conversion for it: every cpu's thread gets the same "
               "name")
        << TC.ApiName << Format;
  } else if (Convs.size() > 1 || Stars) {
    Check.diag(Loc, "'%0' passes only the cpu number, but '%1' reads %2 "
                    "arguments: the others are garbage in the name, or an oops "
                    "on '%%s'")
        << TC.ApiName << Format << unsigned(Convs.size() + Stars);
  } else if (const Piece &P = *Convs.front();
             !isIntConversion(P.Conv) ||
             !(P.Length.empty() || P.Length == "h" || P.Length == "hh")) {
    Check.diag(Loc, "'%0' passes the cpu number as an unsigned int, but '%1' "
                    "formats it with '%2': the name comes out as garbage")
        << TC.ApiName << Format << P.Spec;
  }
}

/// (b) What comm keeps of the name.
static void checkCommLength(ClangTidyCheck &Check, std::vector<Piece> &Pieces,
                            llvm::ArrayRef<const Expr *> Args,
                            SourceLocation Loc, const ASTContext &Ctx) {
  resolve(Pieces, Args, Ctx);
  NameInfo Info = describe(Pieces);
  if (Info.MinLen <= CommLen)
    return;
  // "at least" while some conversion's length is not known.
  bool IsFormat = llvm::any_of(Pieces, [](const Piece &P) { return !P.Exact; });
  // From v5.17 /proc shows a kthread's full name; comm, which kernel logs
  // (hung-task reports, oopses) and traces print, is still cut.
  if (Info.Kept)
    Check.diag(Loc,
               "thread name '%0' is %select{%1|at least %1}2 characters "
               "long, but comm keeps only 15: %select{ps and /proc|kernel "
               "logs and traces}4 show it as '%3'")
        << Info.Rendered << unsigned(Info.MinLen) << IsFormat << *Info.Kept
        << headersDeclare(Ctx, ApiFeature::FullNameInProc);
  else
    Check.diag(Loc, "thread name '%0' is at least %1 characters long once "
                    "formatted, but comm keeps only 15: the rest is lost")
        << Info.Rendered << unsigned(Info.MinLen);
}

void NameFormatCheck::checkModel(const KthreadModel &M) {
  const ASTContext &Ctx = M.context();
  const SourceManager &SM = Ctx.getSourceManager();
  for (const ThreadCreation &TC : M.creations()) {
    if (!TC.NameArg || !TC.Call)
      continue;
    const FunctionDecl *Callee = TC.Call->getDirectCallee();
    // kthread_create_on_node() and the workers are __printf: the compiler
    // checks their arguments. kthread_create_on_cpu() and
    // kthread_run_on_cpu() pass the cpu number to an unchecked format (so
    // do the workers' *_on_cpu of kernels where they are not __printf).
    bool Printf = Callee && Callee->hasAttr<FormatAttr>();
    bool CpuOnly = !Printf && TC.Api.BoundToCpu;
    if (!Printf && !CpuOnly)
      continue;
    SourceLocation Loc = SM.getFileLoc(TC.NameArg->getBeginLoc());
    const StringLiteral *Lit = formatLiteral(TC.NameArg, Ctx);
    if (!Lit) {
      // The cpu format is unchecked either way; with arguments, the
      // format is the user's.
      if (Printf && TC.NameArgs.empty())
        checkNameAsFormat(*this, TC, Loc, Ctx);
      continue;
    }
    std::vector<Piece> Pieces = parseFormat(Lit->getString());
    llvm::SmallVector<const Expr *, 2> Args;
    if (Printf)
      Args.append(TC.NameArgs.begin(), TC.NameArgs.end());
    else
      Args.push_back(cpuArg(TC.Call));
    if (CpuOnly)
      checkCpuFormat(*this, TC, Pieces, Lit->getString(), Loc);
    checkCommLength(*this, Pieces, Args, Loc, Ctx);
  }
}

} // namespace clang::tidy::kthread
