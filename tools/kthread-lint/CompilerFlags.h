//===--- CompilerFlags.h - kthread-lint ------------------------*- C++ -*-===//
//
// Kernel builds hand us gcc's command lines (compile databases of gcc-built
// trees, kbuild's `make C=1 CHECK=...`, which also adds sparse's flags).
// These functions turn them into command lines clang accepts.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_COMPILERFLAGS_H
#define KTHREAD_LINT_TOOLS_COMPILERFLAGS_H

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "llvm/ADT/ArrayRef.h"
#include <string>
#include <vector>

namespace kthread_lint {

/// True when \p Args (without argv[0]) look like kbuild's checker call:
/// `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c`, with sparse's flags in front.
bool isKbuildCheckerCall(llvm::ArrayRef<std::string> Args);

/// Drops what clang cannot take from a gcc or sparse command line: sparse's
/// own options, dependency-file output, and options clang's driver does
/// not know or does not support for the target; maps the few that have a
/// clang spelling. Keeps argv[0] and everything clang understands.
std::vector<std::string> clangCompatibleArgs(llvm::ArrayRef<std::string> Args);

/// clangCompatibleArgs as an arguments adjuster for compile databases.
clang::tooling::ArgumentsAdjuster getClangCompatibleArgsAdjuster();

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_COMPILERFLAGS_H
