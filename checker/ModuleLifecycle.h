//===--- ModuleLifecycle.h - kthread-lint ----------------------*- C++ -*-===//
//
// The module's lifecycle, a facet of the model that several checks read:
// which functions the kernel calls to start the module or a device
// (module_init(), an initcall, a driver's .probe) and which undo them
// (module_exit(), the driver's .remove), as the kernel's headers spell them.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_MODULELIFECYCLE_H
#define KTHREAD_LINT_CHECKER_MODULELIFECYCLE_H

#include "KthreadModel.h"
#include <set>
#include <vector>

namespace clang::tidy::kthread {

enum class StartKind { ModuleInit, BuiltinInit, Probe };

/// A function the kernel calls to start the module or a device, and the
/// one it calls to undo it.
struct Lifecycle {
  StartKind Kind;
  const FunctionDecl *Start = nullptr;
  /// module_exit() or the driver's .remove; null when there is none.
  const FunctionDecl *Cleanup = nullptr;
  /// For a driver: its ops variable.
  const VarDecl *Driver = nullptr;
};

/// Every start of the translation unit with its cleanup.
std::vector<Lifecycle> findLifecycles(const KthreadModel &M);

/// \p FD and the functions of the translation unit its calls reach
/// (CalleeSummaries::reachableFrom()).
std::set<const FunctionDecl *> reachable(const KthreadModel &M,
                                         const FunctionDecl *FD);

/// The cleanups (module exit, driver remove) and what they call: code that
/// runs when what a start set up is torn down.
std::set<const FunctionDecl *> cleanupFunctions(const KthreadModel &M);

/// Functions whose address is taken (callbacks: ops tables, devm actions,
/// timers, notifiers, sysfs handlers): when they run is not known here.
std::set<const FunctionDecl *> addressTakenFunctions(ASTContext &Ctx);

/// The identifier of \p FD, or empty.
llvm::StringRef nameOf(const FunctionDecl *FD);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_MODULELIFECYCLE_H
