//===--- SiblingSummaries.h - kthread-lint ---------------------*- C++ -*-===//
//
// Facts across the files of one driver. A driver is often several files:
// the thread is created in one (probe) and stopped, woken or freed in
// another (remove), which a per-file analysis cannot connect. A first pass
// writes, for each translation unit, what its functions do (their
// CalleeSummaries), its creations, and what it does to the handles kept in
// fields and globals, all by name; a second pass loads those of the other
// files of the same directory, and the analyses read them as facts of code
// they cannot see:
//
//   pass 1: kthread-lint --write-summaries=DIR a.c b.c ...
//   pass 2: kthread-lint --read-summaries=DIR a.c b.c ...
//
// DIR keeps one JSON file per translation unit, under a folder named after
// the source file's directory, so that a file reads only its siblings.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_SIBLINGSUMMARIES_H
#define KTHREAD_LINT_CHECKER_SIBLINGSUMMARIES_H

#include "CalleeSummaries.h"
#include "KthreadModel.h"
#include "llvm/Support/JSON.h"
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace clang::tidy::kthread {

/// A call of the handle API in another file on a handle kept in a field or
/// global, with what the analyses of this file need to know about its
/// function.
struct SiblingUse {
  HandleKey Key; ///< The field or global of this file it names.
  HandleOp Op;
  std::string Function;
  std::string File; ///< As written in the summary (absolute).
  unsigned Line = 0;
  /// The handle is pinned there (get_task_struct() on the same field or
  /// global in that file).
  bool HoldsReference = false;
  /// Fields and globals its function tests in conditions.
  std::vector<HandleKey> Tests;
  /// Completions its function waits for, unbounded, before the call.
  std::vector<HandleKey> Awaits;
  /// What its function signals (complete(), wake_up(), up()), by kind.
  std::vector<std::pair<SyncKind, HandleKey>> Signals;

  /// `'foo_remove' (foo_main.c:40)`, for messages.
  std::string where() const;
};

/// A creation in another file whose handle is kept in a field or global.
struct SiblingCreation {
  std::string Api;
  std::string Function;
  std::vector<std::string> ThreadFunctions;
  std::string File;
  unsigned Line = 0;
};

class SiblingSummaries : public ModelFacet {
public:
  static const char ID;
  explicit SiblingSummaries(const KthreadModel &M);
  ~SiblingSummaries() override;

  /// True when no summary of another file was loaded.
  bool empty() const { return Files.empty(); }
  /// The summary files read, and those that could not be (with why).
  const std::vector<std::string> &files() const { return Files; }
  const std::vector<std::string> &errors() const { return Errors; }
  /// True the first time it is asked: the errors are reported once, by
  /// whichever check comes first.
  bool reportErrorsOnce() const { return !std::exchange(ErrorsReported, true); }

  /// What \p FD does, when this file only declares it and another file of
  /// the directory defines it (external functions only); else null.
  const FunctionSummary *summaryOf(const FunctionDecl *FD) const;
  /// The calls in other files on the field or global \p K.
  llvm::ArrayRef<SiblingUse> usesOf(const HandleKey &K) const;
  /// The creations in other files kept in \p K.
  llvm::ArrayRef<SiblingCreation> creationsOf(const HandleKey &K) const;
  /// The functions of other files that signal \p K (a completion, queue or
  /// semaphore), with the kind of signal.
  llvm::ArrayRef<std::pair<SyncKind, std::string>>
  signallersOf(const HandleKey &K) const;

  /// The field or global of this translation unit that \p Name (as written
  /// by handleKeyName()) names; a None key when there is none.
  HandleKey keyNamed(llvm::StringRef Name) const;

private:
  void load(llvm::StringRef Path, const llvm::json::Value &V);

  const KthreadModel &M;
  std::vector<std::string> Files, Errors;
  mutable bool ErrorsReported = false;
  std::map<std::string, SerializedSummary> Functions;
  mutable std::map<const FunctionDecl *, std::optional<FunctionSummary>> Resolved;
  std::map<HandleKey, std::vector<SiblingUse>> Uses;
  std::map<HandleKey, std::vector<SiblingCreation>> Creations;
  std::map<HandleKey, std::vector<std::pair<SyncKind, std::string>>> Signallers;
  mutable std::map<std::string, HandleKey, std::less<>> KeyNames;
};

/// What the first pass writes for the translation unit of \p M.
llvm::json::Value translationUnitSummary(const KthreadModel &M);

/// The file under \p Dir that keeps the summary of \p SourceFile (an
/// absolute path): `<Dir>/<hash of its directory>/<its name>.json`.
std::string summaryPathFor(llvm::StringRef Dir, llvm::StringRef SourceFile);

/// Writes translationUnitSummary() to its file under \p Dir, atomically (a
/// parallel build writes the other files of the directory meanwhile).
llvm::Error writeTranslationUnitSummary(const KthreadModel &M,
                                        llvm::StringRef Dir);

/// Says on standard error that the summary of \p File could not be
/// written, and counts it: a driver fails the run when any was lost
/// (summaryWriteFailures()), since the second pass would judge without it.
void noteSummaryWriteFailure(llvm::StringRef File, llvm::StringRef Why);
unsigned summaryWriteFailures();

/// The absolute path of the translation unit's main file.
std::string mainFilePath(const ASTContext &Ctx);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_SIBLINGSUMMARIES_H
