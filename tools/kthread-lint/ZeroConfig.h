//===--- ZeroConfig.h - kthread-lint ---------------------------*- C++ -*-===//
//
// `kthread-lint path/to/module/` and `kthread-lint file.c` without a compile
// database: find the kernel headers, ask kbuild once for the real compiler
// flags (by building a temporary copy with C=2 and a recording CHECK=),
// cache them as a compile_commands.json, and analyse with those.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_ZEROCONFIG_H
#define KTHREAD_LINT_TOOLS_ZEROCONFIG_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace kthread_lint {

/// The kernel build directory: \p Explicit (--kdir), else $KDIR, else
/// /lib/modules/$(uname -r)/build, else the newest /usr/src/linux-headers-*
/// that is a build directory. The error is one line naming the Debian
/// package to install.
llvm::Expected<std::string> findKernelDir(llvm::StringRef Explicit);

/// True when \p Dir holds a Kbuild or Makefile (an out-of-tree module).
bool isModuleDir(llvm::StringRef Dir);

/// The .c files of a module directory (recursively, without kbuild's
/// generated *.mod.c), sorted.
std::vector<std::string> moduleSources(llvm::StringRef Dir);

/// True when \p File looks like kernel code (includes <linux/...> or
/// <asm/...>).
bool looksLikeKernelSource(llvm::StringRef File);

struct ZeroConfigRequest {
  std::string KDir;
  std::vector<std::string> ModuleDirs; ///< Absolute.
  std::vector<std::string> LooseFiles; ///< Absolute .c files outside them.
  bool Verbose = false;
};

/// Writes (or reuses from the cache) a compile_commands.json covering the
/// request and returns the directory holding it. Never writes into the
/// module directories.
llvm::Expected<std::string> zeroConfigDatabase(const ZeroConfigRequest &Req);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_ZEROCONFIG_H
