//===--- Options.h - kthread-lint -------------------------------*- C++ -*-===//
//
// The check options of every file, the same in the standalone tool and the
// clang plugin: .clang-tidy files (or a configuration given whole) under a
// -checks filter, over the kthread-* checks only.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_OPTIONS_H
#define KTHREAD_LINT_TOOLS_OPTIONS_H

#include "ClangTidyOptions.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <string>

namespace kthread_lint {

struct OptionsRequest {
  /// Globs over the kthread-* checks, applied after the configuration.
  std::string ChecksFilter;
  /// Headers whose findings are shown (default: none but the .c files
  /// #included into the file analysed, which are its code).
  std::string HeaderFilter;
  /// A configuration in .clang-tidy form that replaces the .clang-tidy
  /// files; ConfigFile names a file holding one.
  std::string ConfigText;
  std::string ConfigFile;
  /// The two passes of the facts across files (checker/SiblingSummaries.h):
  /// the folder each file's summary is written to, and the one the
  /// summaries of its sibling files are read from. They become the global
  /// check options WriteSummaries and ReadSummaries, made absolute (a
  /// compile command may run in another directory).
  std::string WriteSummaries;
  std::string ReadSummaries;
};

/// The provider, or why the configuration cannot be read.
llvm::Expected<std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>>
makeOptionsProvider(const OptionsRequest &Request);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_OPTIONS_H
