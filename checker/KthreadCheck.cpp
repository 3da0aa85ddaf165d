//===--- KthreadCheck.cpp - kthread-lint ----------------------------------===//

#include "KthreadCheck.h"
#include "SiblingSummaries.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/Support/WithColor.h"

using namespace clang::ast_matchers;

namespace clang::tidy::kthread {

std::vector<std::string> KthreadCheck::splitList(StringRef List) {
  llvm::SmallVector<StringRef, 4> Parts;
  List.split(Parts, ';', -1, false);
  std::vector<std::string> R;
  for (StringRef P : Parts)
    if (!P.trim().empty())
      R.push_back(P.trim().str());
  return R;
}

KthreadCheck::KthreadCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      // Users' own wrappers around kthread_create/kthread_run; a global
      // option so that every check sees the same creation sites.
      CreateFunctions(Options.getLocalOrGlobal("CreateFunctions", "")),
      StopTestFunctions(Options.getLocalOrGlobal("StopTestFunctions", "")),
      WriteSummaries(Options.getLocalOrGlobal("WriteSummaries", "")),
      ReadSummaries(Options.getLocalOrGlobal("ReadSummaries", "")) {
  Config.ExtraCreateFunctions = splitList(CreateFunctions);
  Config.ExtraStopTests = splitList(StopTestFunctions);
  Config.ReadSummaries = ReadSummaries;
}

void KthreadCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "CreateFunctions", CreateFunctions);
  Options.store(Opts, "StopTestFunctions", StopTestFunctions);
  Options.store(Opts, "WriteSummaries", WriteSummaries);
  Options.store(Opts, "ReadSummaries", ReadSummaries);
}

void KthreadCheck::registerMatchers(MatchFinder *Finder) {
  // One match per translation unit: the rules read the shared model.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void KthreadCheck::onStartOfTranslationUnit() { KthreadModel::invalidate(); }

void KthreadCheck::check(const MatchFinder::MatchResult &Result) {
  const KthreadModel &M = KthreadModel::get(*Result.Context, Config);
  checkModel(M);
  const SiblingSummaries &Siblings = M.facet<SiblingSummaries>();
  if (Siblings.reportErrorsOnce())
    for (const std::string &E : Siblings.errors())
      llvm::WithColor::warning(llvm::errs(), "kthread-lint")
          << "ignoring the summary " << E << "\n";
  // The first pass: once per translation unit, by whichever check is first.
  if (!WriteSummaries.empty() && M.claimSummaryWrite())
    if (llvm::Error E = writeTranslationUnitSummary(M, WriteSummaries))
      noteSummaryWriteFailure(mainFilePath(M.context()),
                              llvm::toString(std::move(E)));
}

/// KERNEL_VERSION(6, 1, 0): from about here kthread_stop() sets
/// TIF_NOTIFY_SIGNAL, which ends interruptible waits.
constexpr unsigned StopInterruptsFrom = (6 << 16) | (1 << 8);

WaitJudgingCheck::WaitJudgingCheck(StringRef Name, ClangTidyContext *Context)
    : KthreadCheck(Name, Context),
      OldestKernel(Options.getLocalOrGlobal("OldestKernel", "")) {}

void WaitJudgingCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  KthreadCheck::storeOptions(Opts);
  Options.store(Opts, "OldestKernel", OldestKernel);
}

void WaitJudgingCheck::registerPPCallbacks(const SourceManager &,
                                           Preprocessor *P, Preprocessor *) {
  PP = P;
}

bool WaitJudgingCheck::interruptibleWaitsHang() const {
  if (!OldestKernel.empty()) {
    unsigned Major = 0, Minor = 0;
    auto [MajorText, Rest] = llvm::StringRef(OldestKernel).split('.');
    if (MajorText.getAsInteger(10, Major))
      return true; // An unreadable option errs on the side of reporting.
    Rest.split('.').first.getAsInteger(10, Minor);
    return ((Major << 16) | (Minor << 8)) < StopInterruptsFrom;
  }
  if (!PP)
    return false;
  const IdentifierInfo *II = PP->getIdentifierInfo("LINUX_VERSION_CODE");
  const MacroInfo *MI = PP->getMacroInfo(II);
  if (!MI || MI->getNumTokens() != 1 ||
      !MI->getReplacementToken(0).is(tok::numeric_constant))
    return false;
  const Token &T = MI->getReplacementToken(0);
  llvm::StringRef Text(T.getLiteralData(), T.getLength());
  unsigned Code = 0;
  if (Text.getAsInteger(0, Code))
    return false;
  return Code < StopInterruptsFrom;
}

} // namespace clang::tidy::kthread
