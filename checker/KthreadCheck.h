//===--- KthreadCheck.h - kthread-lint -------------------------*- C++ -*-===//
//
// The base of every kthread-* check: it asks for the shared model of the
// translation unit once, and hands it to the check's rule.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_KTHREADCHECK_H
#define KTHREAD_LINT_CHECKER_KTHREADCHECK_H

#include "KthreadModel.h"
#include "ClangTidyCheck.h"

namespace clang::tidy::kthread {

class KthreadCheck : public ClangTidyCheck {
public:
  KthreadCheck(StringRef Name, ClangTidyContext *Context);

  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return !LangOpts.CPlusPlus; // Kernel code is C.
  }
  void registerMatchers(ast_matchers::MatchFinder *Finder) final;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) final;
  void onStartOfTranslationUnit() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

protected:
  /// The rule: reads the model of the translation unit and reports.
  virtual void checkModel(const KthreadModel &M) = 0;

  const ModelConfig &modelConfig() const { return Config; }

  /// Splits a `;`-separated list option, trimming blanks.
  static std::vector<std::string> splitList(StringRef List);

private:
  std::string CreateFunctions;
  /// Users' own predicates that test kthread_should_stop().
  std::string StopTestFunctions;
  ModelConfig Config;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_KTHREADCHECK_H
