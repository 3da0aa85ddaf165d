//===--- Findings.cpp - kthread-lint --------------------------------------===//

#include "Findings.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA1.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <map>
#include <memory>

namespace kthread_lint {
namespace {

/// Line starts of the files findings point into, read once.
class LineTable {
public:
  /// Fills Line/Column for \p Offset in \p File; false if unreadable.
  bool locate(const std::string &File, unsigned Offset, unsigned &Line,
              unsigned &Column) {
    const Entry *E = get(File);
    if (!E)
      return false;
    auto It = std::upper_bound(E->Starts.begin(), E->Starts.end(), Offset);
    unsigned Index = It - E->Starts.begin() - 1;
    Line = Index + 1;
    Column = Offset - E->Starts[Index] + 1;
    return true;
  }

  /// The text of 1-based line \p Line of \p File.
  llvm::StringRef line(const std::string &File, unsigned Line) {
    const Entry *E = get(File);
    if (!E || Line == 0 || Line > E->Starts.size())
      return {};
    llvm::StringRef Buf = E->Buffer->getBuffer();
    unsigned Begin = E->Starts[Line - 1];
    unsigned End = Line < E->Starts.size() ? E->Starts[Line] : Buf.size();
    return Buf.slice(Begin, End).rtrim("\r\n");
  }

  /// End of the identifier-like token at \p Offset (for region ends).
  unsigned tokenEnd(const std::string &File, unsigned Offset) {
    const Entry *E = get(File);
    if (!E)
      return Offset;
    llvm::StringRef Buf = E->Buffer->getBuffer();
    unsigned End = Offset;
    while (End < Buf.size() && (isalnum(Buf[End]) || Buf[End] == '_'))
      ++End;
    return End == Offset ? std::min<unsigned>(Offset + 1, Buf.size()) : End;
  }

private:
  struct Entry {
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<unsigned> Starts;
  };
  const Entry *get(const std::string &File) {
    auto It = Files.find(File);
    if (It != Files.end())
      return It->second.Buffer ? &It->second : nullptr;
    Entry &E = Files[File];
    auto Buf = llvm::MemoryBuffer::getFile(File);
    if (!Buf)
      return nullptr;
    E.Buffer = std::move(*Buf);
    llvm::StringRef B = E.Buffer->getBuffer();
    E.Starts.push_back(0);
    for (unsigned I = 0; I < B.size(); ++I)
      if (B[I] == '\n')
        E.Starts.push_back(I + 1);
    return &E;
  }
  std::map<std::string, Entry> Files;
};

LineTable &lines() {
  static LineTable T;
  return T;
}

Position position(const std::string &File, unsigned Offset) {
  Position P;
  P.File = File;
  P.Offset = Offset;
  if (lines().locate(File, Offset, P.Line, P.Column)) {
    unsigned End = lines().tokenEnd(File, Offset);
    lines().locate(File, End, P.EndLine, P.EndColumn);
  }
  return P;
}

} // namespace

void collectFindings(llvm::ArrayRef<clang::tidy::ClangTidyError> Errors,
                     std::vector<Finding> &Findings,
                     std::vector<Failure> &Failures) {
  std::map<std::string, std::pair<std::string, unsigned>> FirstError;
  std::vector<std::string> FailedOrder;
  for (const clang::tidy::ClangTidyError &E : Errors) {
    const auto &M = E.Message;
    if (E.DiagLevel >= clang::tooling::Diagnostic::Error &&
        llvm::StringRef(E.DiagnosticName).starts_with("clang-diagnostic-")) {
      std::string Where = M.FilePath;
      unsigned Line = 0, Col = 0;
      if (!M.FilePath.empty() && lines().locate(M.FilePath, M.FileOffset, Line, Col))
        Where += ":" + std::to_string(Line) + ":" + std::to_string(Col);
      std::string Key = E.BuildDirectory + "\n" + M.FilePath;
      auto [It, New] = FirstError.insert({Key, {Where + ": " + M.Message, 0}});
      if (New)
        FailedOrder.push_back(Key);
      else
        ++It->second.second;
      continue;
    }
    if (!llvm::StringRef(E.DiagnosticName).starts_with("kthread-"))
      continue;
    Finding F;
    F.Check = E.DiagnosticName;
    F.Message = M.Message;
    F.Where = position(M.FilePath, M.FileOffset);
    for (const auto &N : E.Notes)
      F.Notes.push_back({position(N.FilePath, N.FileOffset), N.Message});
    for (const auto &[File, Repls] : M.Fix)
      for (const clang::tooling::Replacement &R : Repls) {
        Edit Ed;
        Ed.File = R.getFilePath().str();
        Ed.Offset = R.getOffset();
        Ed.Length = R.getLength();
        Ed.Replacement = R.getReplacementText().str();
        lines().locate(Ed.File, Ed.Offset, Ed.Line, Ed.Column);
        lines().locate(Ed.File, Ed.Offset + Ed.Length, Ed.EndLine, Ed.EndColumn);
        F.Fixes.push_back(std::move(Ed));
      }
    Findings.push_back(std::move(F));
  }
  for (const std::string &Key : FailedOrder) {
    const auto &[Reason, More] = FirstError[Key];
    Failure F;
    F.File = Key.substr(Key.find('\n') + 1);
    F.Reason = Reason;
    if (More)
      F.Reason += " (and " + std::to_string(More) + " more errors)";
    Failures.push_back(std::move(F));
  }
  std::stable_sort(Findings.begin(), Findings.end(),
                   [](const Finding &A, const Finding &B) {
                     return std::tie(A.Where.File, A.Where.Offset, A.Check) <
                            std::tie(B.Where.File, B.Where.Offset, B.Check);
                   });
  // The same finding reached through two compile commands is one finding.
  Findings.erase(std::unique(Findings.begin(), Findings.end(),
                             [](const Finding &A, const Finding &B) {
                               return A.Check == B.Check &&
                                      A.Where.File == B.Where.File &&
                                      A.Where.Offset == B.Where.Offset &&
                                      A.Message == B.Message;
                             }),
                 Findings.end());
}

std::string relativePath(llvm::StringRef Path, llvm::StringRef BaseDir) {
  llvm::SmallString<256> Base(BaseDir);
  llvm::sys::path::remove_dots(Base, true);
  llvm::SmallString<256> P(Path);
  llvm::sys::path::remove_dots(P, true);
  llvm::StringRef Rel = P;
  if (!Base.empty() && Rel.consume_front(Base) &&
      (Rel.empty() || llvm::sys::path::is_separator(Rel.front())))
    return Rel.ltrim("/").str();
  return P.str().str();
}

void computeFingerprints(std::vector<Finding> &Findings,
                         llvm::StringRef BaseDir) {
  // Hash what a reviewer would call "the same finding": the check, the
  // file, and the code of the flagged line without its position.
  std::map<std::string, unsigned> Occurrences;
  for (Finding &F : Findings) {
    std::string Code;
    for (char C : lines().line(F.Where.File, F.Where.Line))
      if (!isspace(static_cast<unsigned char>(C)))
        Code += C;
    std::string Key = F.Check + "\n" +
                      relativePath(F.Where.File, BaseDir) + "\n" +
                      Code;
    unsigned N = Occurrences[Key]++;
    llvm::SHA1 H;
    H.update(Key);
    H.update(std::to_string(N));
    auto Digest = H.final();
    std::string Hex;
    llvm::raw_string_ostream OS(Hex);
    for (uint8_t B : Digest)
      OS << llvm::format_hex_no_prefix(B, 2);
    F.Fingerprint = OS.str().substr(0, 32);
  }
}

} // namespace kthread_lint
