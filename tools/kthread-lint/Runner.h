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
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace kthread_lint {

std::vector<clang::tidy::ClangTidyError>
runChecks(clang::tidy::ClangTidyContext &Context,
          const clang::tooling::CompilationDatabase &Compilations,
          llvm::ArrayRef<std::string> Files,
          llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
          bool ApplyAnyFix);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_RUNNER_H
