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

namespace clang {
class Preprocessor;
} // namespace clang

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
  /// The first pass of the facts across files: the folder each translation
  /// unit's summary is written to (SiblingSummaries.h).
  std::string WriteSummaries;
  std::string ReadSummaries;
  ModelConfig Config;
};

/// A check that judges waits and sleeps: whether an interruptible one holds
/// up kthread_stop() depends on the oldest kernel the code is meant for (the
/// OldestKernel option, global or per check, else the headers'
/// LINUX_VERSION_CODE).
class WaitJudgingCheck : public KthreadCheck {
public:
  WaitJudgingCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                           Preprocessor *ModuleExpanderPP) override;

protected:
  /// True for kernels before about v6.1, whose kthread_stop() does not end
  /// interruptible waits: "5.15" if set, else the headers'
  /// LINUX_VERSION_CODE (false when the headers do not say).
  bool interruptibleWaitsHang() const;

private:
  std::string OldestKernel;
  Preprocessor *PP = nullptr;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_KTHREADCHECK_H
