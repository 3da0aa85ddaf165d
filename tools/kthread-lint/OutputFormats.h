//===--- OutputFormats.h - kthread-lint ------------------------*- C++ -*-===//
//
// Writers for the machine-readable outputs (github, sarif, gitlab, json) and
// the kernel-style one-line output of `make C=1 CHECK=kthread-lint`, all
// from the format-neutral findings of Findings.h; the check descriptions
// they carry; baselines; atomic output files.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_OUTPUTFORMATS_H
#define KTHREAD_LINT_TOOLS_OUTPUTFORMATS_H

#include "Findings.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kthread_lint {

enum class OutputFormat { Clang, Github, Sarif, Gitlab, Json, Kbuild };

/// "clang", "github", "sarif", "gitlab", "json" (and "kbuild", used by the
/// kbuild checker mode); std::nullopt for anything else.
std::optional<OutputFormat> parseOutputFormat(llvm::StringRef Name);

/// What one check is about, for SARIF rules and documentation links.
struct CheckInfo {
  std::string Id;               ///< kthread-missing-is-err
  std::string ShortDescription; ///< One sentence.
  std::string FullDescription;  ///< A paragraph.
  std::string Level;            ///< SARIF level: "warning" or "error".
};

/// The registered kthread-* checks (asked from clang-tidy's module
/// registry, so a new check appears without touching this file), each with
/// its entry from the description table, or a generic one.
std::vector<CheckInfo> registeredChecks();

struct OutputOptions {
  /// Paths in github, sarif, gitlab, json and kbuild output are relative to
  /// this directory (the repository root, or the kbuild dir).
  std::string BaseDir;
  std::string ToolVersion;
};

void writeGithub(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const std::vector<Failure> &Failures,
                 const OutputOptions &Opts);
void writeSarif(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                const std::vector<Failure> &Failures,
                const OutputOptions &Opts);
void writeGitlab(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const std::vector<Failure> &Failures,
                 const OutputOptions &Opts);
void writeJson(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               const std::vector<Failure> &Failures,
               const OutputOptions &Opts);
/// `file:line:col: warning: message [check-id]`, notes as
/// `file:line:col: note: message`, as sparse and smatch print them.
void writeKbuild(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const OutputOptions &Opts);

/// GitHub workflow-command escaping of a message ("data") and of a
/// property value.
std::string escapeGithubData(llvm::StringRef S);
std::string escapeGithubProperty(llvm::StringRef S);

/// The repository root for relative paths: the git top-level of \p Dir if
/// it is in a work tree, else \p Dir itself.
std::string defaultBaseDir(llvm::StringRef Dir);

/// Baselines: a JSON file of fingerprints of accepted findings.
void writeBaseline(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                   const OutputOptions &Opts);
llvm::Expected<llvm::StringSet<>> readBaseline(llvm::StringRef Path);

/// Writes \p Path through a temporary file in the same directory renamed
/// over it, so that readers never see a half-written file; "-" is stdout.
llvm::Error
writeFileAtomically(llvm::StringRef Path,
                    const std::function<void(llvm::raw_ostream &)> &Write);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_OUTPUTFORMATS_H
