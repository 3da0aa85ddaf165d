//===--- FixDiff.cpp - kthread-lint ---------------------------------------===//

#include "FixDiff.h"
#include "clang/Tooling/Core/Replacement.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include <map>

using namespace llvm;

namespace kthread_lint {
namespace {

/// \p File relative to \p BaseDir when it lies below it.
std::string diffPath(StringRef File, StringRef BaseDir) {
  StringRef Base = BaseDir.rtrim('/'), Rel = File;
  if (!Base.empty() && Rel.consume_front(Base) && Rel.consume_front("/"))
    return Rel.str();
  return File.ltrim('/').str();
}

/// A temporary file holding \p Text, removed when this goes away.
class TempText {
public:
  explicit TempText(StringRef Text) {
    int FD;
    if (std::error_code EC =
            sys::fs::createTemporaryFile("kthread-lint-fix", "c", FD, Path)) {
      Err = EC;
      return;
    }
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
  }
  ~TempText() {
    if (!Path.empty())
      sys::fs::remove(Path);
  }
  SmallString<128> Path;
  std::error_code Err;
};

/// `diff -u` of \p Old and \p New, labelled a/<Label> and b/<Label>.
Expected<std::string> unifiedDiff(StringRef Old, StringRef New,
                                  StringRef Label) {
  ErrorOr<std::string> Diff = sys::findProgramByName("diff");
  if (!Diff)
    return createStringError(Diff.getError(),
                             "--fix-dry-run needs diff (Debian package "
                             "diffutils)");
  TempText A(Old), B(New), Out("");
  for (const TempText *T : {&A, &B, &Out})
    if (T->Err)
      return createStringError(T->Err, "--fix-dry-run: temporary file: %s",
                               T->Err.message().c_str());
  std::string LabelA = ("a/" + Label).str(), LabelB = ("b/" + Label).str();
  SmallVector<StringRef, 8> Args{*Diff,   "-u",   "--label", LabelA,
                                 "--label", LabelB, A.Path,  B.Path};
  std::optional<StringRef> Redirects[] = {std::nullopt, StringRef(Out.Path),
                                          std::nullopt};
  std::string Message;
  int RC = sys::ExecuteAndWait(*Diff, Args, std::nullopt, Redirects, 0, 0,
                               &Message);
  if (RC != 0 && RC != 1) // 1: the files differ.
    return createStringError(inconvertibleErrorCode(),
                             "--fix-dry-run: diff failed: %s",
                             Message.c_str());
  auto Text = MemoryBuffer::getFile(Out.Path);
  if (!Text)
    return createStringError(Text.getError(), "--fix-dry-run: %s",
                             Text.getError().message().c_str());
  return (*Text)->getBuffer().str();
}

} // namespace

Error writeFixDiff(raw_ostream &OS,
                   ArrayRef<clang::tidy::ClangTidyError> Errors,
                   StringRef BaseDir) {
  std::map<std::string, clang::tooling::Replacements> ByFile;
  for (const clang::tidy::ClangTidyError &E : Errors) {
    const StringMap<clang::tooling::Replacements> *Fix =
        clang::tidy::getFixIt(E, /*AnyFix=*/false);
    if (!Fix)
      continue;
    for (const auto &FileFixes : *Fix)
      for (const clang::tooling::Replacement &R : FileFixes.getValue())
        // An overlapping fix-it is left out, as --fix leaves it.
        consumeError(ByFile[R.getFilePath().str()].add(R));
  }
  for (const auto &[File, Replacements] : ByFile) {
    auto Code = MemoryBuffer::getFile(File);
    if (!Code)
      return createStringError(Code.getError(), "%s: %s", File.c_str(),
                               Code.getError().message().c_str());
    Expected<std::string> Fixed = clang::tooling::applyAllReplacements(
        (*Code)->getBuffer(), Replacements);
    if (!Fixed)
      return Fixed.takeError();
    Expected<std::string> Diff = unifiedDiff((*Code)->getBuffer(), *Fixed,
                                             diffPath(File, BaseDir));
    if (!Diff)
      return Diff.takeError();
    OS << *Diff;
  }
  return Error::success();
}

} // namespace kthread_lint
