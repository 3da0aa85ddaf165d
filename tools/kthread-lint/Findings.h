//===--- Findings.h - kthread-lint -----------------------------*- C++ -*-===//
//
// The findings of a run, independent of clang-tidy's types: what every
// output format (clang, kbuild, github, sarif, gitlab, json) is written from.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_FINDINGS_H
#define KTHREAD_LINT_TOOLS_FINDINGS_H

#include "ClangTidyDiagnosticConsumer.h"
#include <string>
#include <vector>

namespace kthread_lint {

struct Position {
  std::string File; ///< Absolute path, as the compiler saw it.
  unsigned Offset = 0;
  unsigned Line = 0, Column = 0;       ///< 1-based.
  unsigned EndLine = 0, EndColumn = 0; ///< 1-based, end of the token.
};

struct Edit {
  std::string File;
  unsigned Offset = 0, Length = 0;
  unsigned Line = 0, Column = 0, EndLine = 0, EndColumn = 0;
  std::string Replacement;
};

struct Note {
  Position Where;
  std::string Message;
};

struct Finding {
  std::string Check;   ///< kthread-missing-is-err
  std::string Message; ///< Without the [check] suffix.
  Position Where;
  std::vector<Note> Notes;
  std::vector<Edit> Fixes;
  /// Stable across unrelated edits: hash of check, file, enclosing source
  /// text of the line (whitespace-normalised) and its occurrence index.
  std::string Fingerprint;
};

/// A file that could not be analysed, with the first compiler error.
struct Failure {
  std::string File;
  std::string Reason; ///< One line: "file:line:col: message (and N more)".
};

/// Converts clang-tidy's errors into findings (kthread-* warnings) and
/// failures (compiler errors), reading the files to turn offsets into
/// lines and columns.
void collectFindings(llvm::ArrayRef<clang::tidy::ClangTidyError> Errors,
                     std::vector<Finding> &Findings,
                     std::vector<Failure> &Failures);

/// Computes Finding::Fingerprint for every finding; paths are taken relative
/// to \p BaseDir so that fingerprints do not depend on where a tree is
/// checked out.
void computeFingerprints(std::vector<Finding> &Findings,
                         llvm::StringRef BaseDir);

/// \p Path relative to \p BaseDir when it is inside it, else unchanged.
std::string relativePath(llvm::StringRef Path, llvm::StringRef BaseDir);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_FINDINGS_H
