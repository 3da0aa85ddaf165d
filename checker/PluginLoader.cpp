//===--- PluginLoader.cpp - kthread-lint ----------------------------------===//
//
// What `clang-tidy --load=KthreadLint.so` and `clang -fplugin=
// KthreadLintClang.so` load. It links nothing from LLVM: it first asks the
// host which LLVM it is, and only when that is the major version the checks
// were built for does it load them (KTHREAD_PLUGIN_IMPL, beside it). A
// plugin built for another LLVM would resolve its symbols against a
// different ABI and crash somewhere far away.
//
// Built once per host: KTHREAD_PLUGIN_NAME is the file users name,
// KTHREAD_PLUGIN_HOST the program that loads it ("clang-tidy" or "clang")
// and KTHREAD_PLUGIN_USE_BEFORE/_AFTER, around that program's versioned
// name, how to load it into the right one.
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <string>

#ifndef KTHREAD_LLVM_MAJOR
#error "KTHREAD_LLVM_MAJOR must name the LLVM major version of the checks"
#endif
#if !defined(KTHREAD_PLUGIN_NAME) || !defined(KTHREAD_PLUGIN_HOST) ||          \
    !defined(KTHREAD_PLUGIN_IMPL) || !defined(KTHREAD_PLUGIN_USE_BEFORE) ||    \
    !defined(KTHREAD_PLUGIN_USE_AFTER)
#error "KTHREAD_PLUGIN_NAME, _HOST, _IMPL and _USE_* must name the plugin"
#endif

namespace {

using GetVersionFn = void (*)(unsigned *, unsigned *, unsigned *);

[[noreturn]] void refuse(const std::string &Why) {
  std::fprintf(stderr, "error: %s: %s\n", KTHREAD_PLUGIN_NAME, Why.c_str());
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
    std::string Built = std::string(KTHREAD_PLUGIN_HOST) + "-" +
                        std::to_string(KTHREAD_LLVM_MAJOR);
    refuse("built for " + Built + " but loaded into a " KTHREAD_PLUGIN_HOST
           " of " + Host + "; " KTHREAD_PLUGIN_USE_BEFORE + Built +
           KTHREAD_PLUGIN_USE_AFTER +
           ", or rebuild kthread-lint against this LLVM");
  }
  Dl_info Self;
  if (!dladdr(reinterpret_cast<void *>(&loadKthreadChecks), &Self) ||
      !Self.dli_fname)
    refuse("cannot find where the plugin was loaded from");
  std::string Dir = Self.dli_fname;
  Dir = Dir.substr(0, Dir.find_last_of('/') + 1);
  std::string Checks = Dir + KTHREAD_PLUGIN_IMPL;
  if (!dlopen(Checks.c_str(), RTLD_NOW | RTLD_GLOBAL))
    refuse("cannot load the checks: " + std::string(dlerror()));
}

} // namespace
