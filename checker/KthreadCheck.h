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

/// The OldestKernel option (global, or per check) with the headers'
/// LINUX_VERSION_CODE: whether interruptible waits hang kthread_stop() on a
/// kernel the code is meant for. Shared by the checks that judge waits.
class OldestKernelOption {
public:
  explicit OldestKernelOption(ClangTidyCheck::OptionsView &Options)
      : Value(Options.getLocalOrGlobal("OldestKernel", "")) {}
  void store(ClangTidyCheck::OptionsView &Options,
             ClangTidyOptions::OptionMap &Opts) const {
    Options.store(Opts, "OldestKernel", Value);
  }
  void setPreprocessor(Preprocessor *P) { PP = P; }
  /// True for kernels before about v6.1: "5.15" if set, else the headers'
  /// LINUX_VERSION_CODE (false when the headers do not say).
  bool interruptibleWaitsHang() const;

private:
  std::string Value;
  Preprocessor *PP = nullptr;
};

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
