//===--- KthreadLintFuzzer.cpp - kthread-lint -----------------------------===//
//
// libFuzzer target: every input is a C translation unit (mutated from the
// lit inputs under test/checks/ and the mock kernel headers of
// test/Inputs/kernel/include) that runs through every kthread-* check by the
// standalone tool's own runner, as `kthread-lint input.c -- <flags>` would.
// Compiler errors in the input are fine (the checks must survive error
// recovery); a crash, a sanitizer report or a hang is a bug.
//
// The mock headers are found through KTHREAD_FUZZ_INCLUDE (environment) or
// the path compiled in.
//
//===----------------------------------------------------------------------===//

#include "ClangTidy.h"
#include "ClangTidyDiagnosticConsumer.h"
#include "ClangTidyOptions.h"
#include "Runner.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace clang;
using namespace clang::tidy;

namespace clang::tidy {
// Defined in the checks' module: referencing it keeps the module linked.
extern volatile int KthreadModuleAnchorSource;
} // namespace clang::tidy

#ifndef KTHREAD_MOCK_INCLUDE
#define KTHREAD_MOCK_INCLUDE "test/Inputs/kernel/include"
#endif

static std::string MockInclude;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)KthreadModuleAnchorSource;
  const char *Env = std::getenv("KTHREAD_FUZZ_INCLUDE");
  MockInclude = Env && *Env ? Env : KTHREAD_MOCK_INCLUDE;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // In memory only; its directory must exist on disk, as ClangTool changes
  // into it.
  static const char *const File = "/kthread-fuzz-input.c";
  // The same flags as the lit tests give the mock kernel.
  std::vector<std::string> Args = {"-nostdinc", "-isystem", MockInclude,
                                   "-std=gnu11", "-D__KERNEL__",
                                   "-ferror-limit=0"};
  tooling::FixedCompilationDatabase DB("/", Args);

  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,kthread-*";
  ClangTidyOptions Overrides;
  // A wrapper name, so that the option's code paths run too.
  Overrides.CheckOptions["CreateFunctions"] =
      ClangTidyOptions::ClangTidyValue("start_worker;spawn");
  ClangTidyContext Context(std::make_unique<DefaultOptionsProvider>(
                               ClangTidyGlobalOptions(), Defaults.merge(
                                   Overrides, 0)));

  llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> Mem(
      new llvm::vfs::InMemoryFileSystem);
  Mem->addFile(File, 0,
               llvm::MemoryBuffer::getMemBufferCopy(
                   llvm::StringRef(reinterpret_cast<const char *>(Data), Size),
                   File));
  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS(
      new llvm::vfs::OverlayFileSystem(llvm::vfs::getRealFileSystem()));
  FS->pushOverlay(Mem);

  std::vector<std::string> Files = {File};
  std::vector<ClangTidyError> Errors =
      kthread_lint::runChecks(Context, DB, Files, FS, /*ApplyAnyFix=*/false);
  (void)Errors;
  return 0;
}
