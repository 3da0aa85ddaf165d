//===--- Runner.h - kthread-lint -------------------------------*- C++ -*-===//
//
// Runs the enabled checks over files, like clang::tidy::runClangTidy, but
// quietly: failures come back as compiler errors in the result, for the
// driver to report in one line each, instead of as tooling chatter
// ("N warnings generated.", "Error while processing ...").
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_RUNNER_H
#define KTHREAD_LINT_TOOLS_RUNNER_H

#include "ClangTidyDiagnosticConsumer.h"
#include "ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <functional>

namespace kthread_lint {

std::vector<clang::tidy::ClangTidyError>
runChecks(clang::tidy::ClangTidyContext &Context,
          const clang::tooling::CompilationDatabase &Compilations,
          llvm::ArrayRef<std::string> Files,
          llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
          bool ApplyAnyFix);

/// Makes the options of one worker: each has its own, for the providers
/// cache what they read and are not thread-safe.
using OptionsProviderFactory =
    std::function<std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>()>;

/// Called once per file as it is done, from the worker that did it, one
/// call at a time: \p Done files of \p Total, \p File the last one.
using ProgressCallback =
    std::function<void(size_t Done, size_t Total, llvm::StringRef File)>;

/// runChecks on \p Jobs threads, each file in its own ClangTidyContext and
/// file system (with its own working directory). The errors come back as
/// one serial run gives them: sorted by file and offset, each once (a
/// finding in a header that two files include is reported once).
std::vector<clang::tidy::ClangTidyError>
runChecksInParallel(const OptionsProviderFactory &MakeOptions,
                    const clang::tooling::CompilationDatabase &Compilations,
                    llvm::ArrayRef<std::string> Files, unsigned Jobs,
                    bool ApplyAnyFix, const ProgressCallback &Progress);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_RUNNER_H
