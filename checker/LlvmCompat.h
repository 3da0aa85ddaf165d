//===--- LlvmCompat.h - kthread-lint --------------------------------------===//
//
// Every difference between the LLVM versions kthread-lint builds against (16,
// 19 and 22) that the sources cannot avoid by using an API common to all of
// them, in one place. Checks, the model and the tool include this header and
// never test LLVM_VERSION_MAJOR themselves.
//
// Differences avoided without a shim (so that nobody adds one):
//  * StringRef::startswith/endswith are gone in 19: use starts_with/ends_with
//    (present since 16).
//  * FileEntry::getName() is gone in 19: use SourceManager's
//    getFileEntryRefForID() and FileEntryRef (16 to 22).
//  * RecursiveASTVisitor::Traverse*TypeLoc take a second argument
//    (TraverseQualifier) in 22: override them as variadic templates
//    (ModuleLifecycle.cpp's TraverseTypeOfExprTypeLoc).
//  * ClangTidyContext's constructor: pass only the options provider (the
//    other arguments default on 16 and 19; 22 has a one-argument overload).
//  * fs::make_absolute(Dir, Path) is path::make_absolute in 22: test
//    path::is_absolute() and path::append() instead.
//
// 16, 19 and 22 are built and tested (tools/test-llvm-matrix); the version
// each change below is keyed on is the LLVM release that made it, not tested
// here for 17, 18, 20 and 21.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_LLVMCOMPAT_H
#define KTHREAD_LINT_LLVMCOMPAT_H

#include "ClangTidy.h"
#include "ClangTidyDiagnosticConsumer.h"
#include "ClangTidyOptions.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticIDs.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "llvm/Config/llvm-config.h"
#include <memory>
#include <string>
#include <vector>

// clang's driver option table moved from clang/Driver to clang/Options in 22.
#if __has_include("clang/Options/Options.h")
#include "clang/Options/Options.h"
#define KTHREAD_LINT_DRIVER_OPTIONS_NS clang
#else
#include "clang/Driver/Options.h"
#define KTHREAD_LINT_DRIVER_OPTIONS_NS clang::driver
#endif

namespace kthread_lint {
namespace compat {

/// The DiagnosticsEngine a ClangTidyContext reports through, attached to the
/// context for as long as this object lives. LLVM 22 takes DiagnosticOptions
/// by reference and gives the context their ownership; 16 and 19 share them
/// through an IntrusiveRefCntPtr.
class TidyDiagnosticsEngine {
public:
  TidyDiagnosticsEngine(clang::tidy::ClangTidyContext &Context,
                        clang::DiagnosticConsumer &Consumer) {
#if LLVM_VERSION_MAJOR >= 21
    auto Opts = std::make_unique<clang::DiagnosticOptions>();
    Engine = std::make_unique<clang::DiagnosticsEngine>(
        clang::DiagnosticIDs::create(), *Opts, &Consumer,
        /*ShouldOwnClient=*/false);
    Context.setDiagnosticsEngine(std::move(Opts), Engine.get());
#else
    Engine = std::make_unique<clang::DiagnosticsEngine>(
        new clang::DiagnosticIDs(), new clang::DiagnosticOptions(), &Consumer,
        /*ShouldOwnClient=*/false);
    Context.setDiagnosticsEngine(Engine.get());
#endif
  }
  clang::DiagnosticsEngine &get() { return *Engine; }

private:
  std::unique_ptr<clang::DiagnosticsEngine> Engine;
};

/// A copy of diagnostic options that a DiagnosticsEngine may hold: 16 and 19
/// count references to DiagnosticOptions, 21 and later do not.
#if LLVM_VERSION_MAJOR >= 21
using DiagnosticOptionsCopy = std::unique_ptr<clang::DiagnosticOptions>;
inline DiagnosticOptionsCopy copyOf(const clang::DiagnosticOptions &Opts) {
  return std::make_unique<clang::DiagnosticOptions>(Opts);
}
#else
using DiagnosticOptionsCopy = llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions>;
inline DiagnosticOptionsCopy copyOf(const clang::DiagnosticOptions &Opts) {
  return new clang::DiagnosticOptions(Opts);
}
#endif

/// A DiagnosticsEngine of its own that prints as clang does, through a
/// TextDiagnosticPrinter on OS. Opts must outlive it (on 16 and 19 it must
/// also be reference-counted: a compiler's options, or a copyOf()).
class PrintingDiagnostics {
public:
  PrintingDiagnostics(llvm::raw_ostream &OS, clang::DiagnosticOptions &Opts)
#if LLVM_VERSION_MAJOR >= 21
      : Printer(OS, Opts),
        Engine(clang::DiagnosticIDs::create(), Opts, &Printer,
               /*ShouldOwnClient=*/false) {}
#else
      : Printer(OS, &Opts),
        Engine(new clang::DiagnosticIDs(), &Opts, &Printer,
               /*ShouldOwnClient=*/false) {}
#endif
  clang::TextDiagnosticPrinter &printer() { return Printer; }
  clang::DiagnosticsEngine &engine() { return Engine; }

private:
  clang::TextDiagnosticPrinter Printer;
  clang::DiagnosticsEngine Engine;
};

/// The checks that Options enable (clang-tidy's getCheckNames(); 22 added
/// the ExperimentalCustomChecks argument).
inline std::vector<std::string>
enabledCheckNames(const clang::tidy::ClangTidyOptions &Options) {
#if LLVM_VERSION_MAJOR >= 22
  return clang::tidy::getCheckNames(Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false,
                                    /*ExperimentalCustomChecks=*/false);
#else
  return clang::tidy::getCheckNames(Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false);
#endif
}

/// clang's driver option table (what clang accepts on its command line).
inline const llvm::opt::OptTable &driverOptTable() {
  return KTHREAD_LINT_DRIVER_OPTIONS_NS::getDriverOptTable();
}

} // namespace compat
} // namespace kthread_lint

#endif // KTHREAD_LINT_LLVMCOMPAT_H
