//===--- KthreadCheck.cpp - kthread-lint ----------------------------------===//

#include "KthreadCheck.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

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
      StopTestFunctions(Options.getLocalOrGlobal("StopTestFunctions", "")) {
  Config.ExtraCreateFunctions = splitList(CreateFunctions);
  Config.ExtraStopTests = splitList(StopTestFunctions);
}

void KthreadCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "CreateFunctions", CreateFunctions);
  Options.store(Opts, "StopTestFunctions", StopTestFunctions);
}

void KthreadCheck::registerMatchers(MatchFinder *Finder) {
  // One match per translation unit: the rules read the shared model.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void KthreadCheck::onStartOfTranslationUnit() { KthreadModel::invalidate(); }

void KthreadCheck::check(const MatchFinder::MatchResult &Result) {
  checkModel(KthreadModel::get(*Result.Context, Config));
}

} // namespace clang::tidy::kthread
