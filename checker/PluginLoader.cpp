//===--- PluginLoader.cpp - kthread-lint ----------------------------------===//
//
// What `clang-tidy --load=KthreadLint.so` loads. It links nothing from LLVM:
// it first asks the host which LLVM it is, and only when that is the major
// version the checks were built for does it load them (KthreadLintChecks.so,
// beside it). A plugin built for another clang-tidy would resolve its
// symbols against a different ABI and crash somewhere far away.
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <string>

#ifndef KTHREAD_LLVM_MAJOR
#error "KTHREAD_LLVM_MAJOR must name the LLVM major version of the checks"
#endif

namespace {

using GetVersionFn = void (*)(unsigned *, unsigned *, unsigned *);

[[noreturn]] void refuse(const std::string &Why) {
  std::fprintf(stderr, "error: KthreadLint.so: %s\n", Why.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

__attribute__((constructor)) void loadKthreadChecks() {
  // LLVMGetVersion is in LLVM's C API since LLVM 16; older hosts lack it.
  auto GetVersion =
      reinterpret_cast<GetVersionFn>(dlsym(RTLD_DEFAULT, "LLVMGetVersion"));
  unsigned Major = 0, Minor = 0, Patch = 0;
  if (GetVersion)
    GetVersion(&Major, &Minor, &Patch);
  if (Major != KTHREAD_LLVM_MAJOR) {
    std::string Host = Major ? "LLVM " + std::to_string(Major)
                             : std::string("an LLVM older than 16");
    refuse("built for clang-tidy-" + std::to_string(KTHREAD_LLVM_MAJOR) +
           " but loaded into a clang-tidy of " + Host +
           "; run clang-tidy-" + std::to_string(KTHREAD_LLVM_MAJOR) +
           " --load=..., or rebuild kthread-lint against this LLVM");
  }
  Dl_info Self;
  if (!dladdr(reinterpret_cast<void *>(&loadKthreadChecks), &Self) ||
      !Self.dli_fname)
    refuse("cannot find where the plugin was loaded from");
  std::string Dir = Self.dli_fname;
  Dir = Dir.substr(0, Dir.find_last_of('/') + 1);
  std::string Checks = Dir + "KthreadLintChecks.so";
  if (!dlopen(Checks.c_str(), RTLD_NOW | RTLD_GLOBAL))
    refuse("cannot load the checks: " + std::string(dlerror()));
}

} // namespace
