//===--- Options.cpp - kthread-lint ---------------------------------------===//

#include "Options.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace clang::tidy;

namespace kthread_lint {

llvm::Expected<std::unique_ptr<ClangTidyOptionsProvider>>
makeOptionsProvider(const OptionsRequest &Request) {
  ClangTidyGlobalOptions GlobalOptions;
  ClangTidyOptions DefaultOptions = ClangTidyOptions::getDefaults();
  DefaultOptions.Checks = "-*,kthread-*";
  // A .c file #included into the one analysed (kernel/sched/build_policy.c
  // includes wait.c) is its code, not a header: its findings are shown.
  DefaultOptions.HeaderFilterRegex =
      Request.HeaderFilter.empty() ? "\\.c$" : Request.HeaderFilter;
  DefaultOptions.SystemHeaders = false;
  // Only kthread-* checks: clang-tidy's library also carries the static
  // analyzer's and the compiler's diagnostics as checks, which a .clang-tidy
  // or -checks='*' would otherwise turn on.
  ClangTidyOptions OverrideOptions;
  OverrideOptions.Checks =
      (Request.ChecksFilter.empty() ? ""
                                    : "-*," + Request.ChecksFilter + ",") +
      "-clang-analyzer-*,-clang-diagnostic-*";
  auto Absolute = [](llvm::StringRef Dir) {
    llvm::SmallString<256> Abs(Dir);
    llvm::sys::fs::make_absolute(Abs);
    llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    return std::string(Abs);
  };
  if (!Request.WriteSummaries.empty())
    OverrideOptions.CheckOptions["WriteSummaries"] =
        ClangTidyOptions::ClangTidyValue(Absolute(Request.WriteSummaries));
  if (!Request.ReadSummaries.empty())
    OverrideOptions.CheckOptions["ReadSummaries"] =
        ClangTidyOptions::ClangTidyValue(Absolute(Request.ReadSummaries));
  auto FS = llvm::vfs::getRealFileSystem();
  if (Request.ConfigText.empty() && Request.ConfigFile.empty())
    return std::make_unique<FileOptionsProvider>(GlobalOptions, DefaultOptions,
                                                 OverrideOptions, FS);
  std::string Text = Request.ConfigText;
  if (!Request.ConfigFile.empty()) {
    auto Buf = llvm::MemoryBuffer::getFile(Request.ConfigFile);
    if (!Buf)
      return llvm::createStringError(Buf.getError(), "%s: %s",
                                     Request.ConfigFile.c_str(),
                                     Buf.getError().message().c_str());
    Text = (*Buf)->getBuffer().str();
  }
  auto Parsed = parseConfiguration(llvm::MemoryBufferRef(Text, "config"));
  if (!Parsed)
    return llvm::createStringError(Parsed.getError(),
                                   "invalid configuration: %s",
                                   Parsed.getError().message().c_str());
  ClangTidyOptions FromConfig = DefaultOptions;
  FromConfig.mergeWith(*Parsed, 0);
  return std::make_unique<ConfigOptionsProvider>(
      GlobalOptions, DefaultOptions, std::move(FromConfig), OverrideOptions, FS);
}

} // namespace kthread_lint
