//===--- KthreadTidyModule.cpp - kthread-lint -----------------------------===//
//
// Registers the kthread-* checks with clang-tidy. The same object is linked
// into the clang-tidy plugin and into the standalone kthread-lint.
//
//===----------------------------------------------------------------------===//

#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "BusyLoopCheck.h"
#include "ExitBeforeStopCheck.h"
#include "LeakedThreadCheck.h"
#include "LostWakeupCheck.h"
#include "MissingIsErrCheck.h"
#include "MissingShouldStopCheck.h"
#include "NameFormatCheck.h"
#include "NeverWokenCheck.h"
#include "StopOrderingCheck.h"

namespace clang::tidy {
namespace kthread {

class KthreadModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &CheckFactories) override {
    CheckFactories.registerCheck<BusyLoopCheck>("kthread-busy-loop");
    CheckFactories.registerCheck<ExitBeforeStopCheck>(
        "kthread-exit-before-stop");
    CheckFactories.registerCheck<LeakedThreadCheck>("kthread-leaked-thread");
    CheckFactories.registerCheck<LostWakeupCheck>("kthread-lost-wakeup");
    CheckFactories.registerCheck<MissingIsErrCheck>("kthread-missing-is-err");
    CheckFactories.registerCheck<MissingShouldStopCheck>(
        "kthread-missing-should-stop");
    CheckFactories.registerCheck<NameFormatCheck>("kthread-name-format");
    CheckFactories.registerCheck<NeverWokenCheck>("kthread-never-woken");
    CheckFactories.registerCheck<StopOrderingCheck>("kthread-stop-ordering");
  }
};

} // namespace kthread

static ClangTidyModuleRegistry::Add<kthread::KthreadModule>
    X("kthread-module", "Checks for misuse of the Linux kernel kthread API.");

// Referenced by the standalone tool so that the linker keeps this module.
// NOLINTNEXTLINE(misc-use-anonymous-namespace)
volatile int KthreadModuleAnchorSource = 0;

} // namespace clang::tidy
