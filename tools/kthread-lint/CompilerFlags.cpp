//===--- CompilerFlags.cpp - kthread-lint ---------------------------------===//

#include "CompilerFlags.h"
#include "LlvmCompat.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Option/Arg.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Option/Option.h"
#include <algorithm>
#include <cstring>

namespace kthread_lint {

static bool isSparseOnly(llvm::StringRef A) {
  return A.starts_with("--arch=") || A == "-Wbitwise" || A == "-Wno-bitwise" ||
         A == "-Wno-return-void" || A == "-Wno-unknown-attribute" ||
         A == "-fdiagnostic-prefix" || A.starts_with("-fdiagnostic-prefix=") ||
         A == "-Wsparse-all" || A == "-Wsparse-error" || A == "-D__STDC__" ||
         A == "-Wcast-to-as" || A == "-Wptr-subtraction-blows" ||
         A == "-Wshadow-all" || A == "-Wno-decl" || A == "-Wcontext" ||
         A == "-Wno-context";
}

/// Known to clang's driver, but rejected for x86-64 kernel targets or
/// meaningless for analysis.
static bool isUnsupportedForAnalysis(llvm::StringRef A) {
  return A == "-mrecord-mcount" || A == "-mindirect-branch-cs-prefix" ||
         A.starts_with("-mharden-sls=") || A.starts_with("-mfunction-return=") ||
         A.starts_with("-mindirect-branch=") || A == "-mindirect-branch-register" ||
         A.starts_with("-mpreferred-stack-boundary=") || A == "-pg" ||
         A == "-mfentry" || A == "-mskip-rax-setup" ||
         A.starts_with("-falign-jumps=") || A.starts_with("-falign-loops=");
}

bool isKbuildCheckerCall(llvm::ArrayRef<std::string> Args) {
  bool Sparse = false, Kernel = false;
  for (llvm::StringRef A : Args) {
    Sparse |= A.starts_with("--arch=") || A == "-Wbitwise";
    Kernel |= A == "-D__KERNEL__";
  }
  return Sparse && Kernel;
}

std::vector<std::string> clangCompatibleArgs(llvm::ArrayRef<std::string> Args) {
  std::vector<std::string> Out;
  if (Args.empty())
    return Out;
  // Ask clang's own option table which options it does not know: gcc-only
  // ones (-fconserve-stack, -fno-allow-store-data-races, ...) come back as
  // unknown.
  std::vector<const char *> Raw;
  for (size_t I = 1; I < Args.size(); ++I)
    Raw.push_back(Args[I].c_str());
  unsigned MissingIndex = 0, MissingCount = 0;
  llvm::opt::InputArgList Parsed = kthread_lint::compat::driverOptTable().ParseArgs(
      Raw, MissingIndex, MissingCount);
  std::vector<bool> Unknown(Raw.size(), false);
  for (const llvm::opt::Arg *A : Parsed)
    if (A->getOption().getKind() == llvm::opt::Option::UnknownClass &&
        A->getIndex() < Raw.size())
      Unknown[A->getIndex()] = true;

  Out.push_back(Args[0]);
  for (size_t I = 1; I < Args.size(); ++I) {
    llvm::StringRef A = Args[I];
    if (Unknown[I - 1] || isSparseOnly(A) || isUnsupportedForAnalysis(A))
      continue;
    // Dependency output: kbuild's -Wp,-MMD,file would make us write it.
    if (A.starts_with("-Wp,-M") || A == "-MD" || A == "-MMD")
      continue;
    if ((A == "-MF" || A == "-MT" || A == "-MQ") && I + 1 < Args.size()) {
      ++I;
      continue;
    }
    // Compiler warnings are not what we report, and clang warns about
    // things gcc does not (CONFIG_WERROR=y trees pass -Werror): never let
    // them stop the analysis.
    if (A == "-Werror" || A == "-pedantic-errors")
      continue;
    if (A.starts_with("-Werror=")) {
      Out.push_back(("-W" + A.drop_front(strlen("-Werror="))).str());
      continue;
    }
    if (A.starts_with("-Wimplicit-fallthrough=")) {
      Out.push_back("-Wimplicit-fallthrough");
      continue;
    }
    Out.push_back(A.str());
  }
  // gcc's warning names that clang lacks are harmless: say nothing of them.
  // (Before a "--", after which everything is an input file: interpolated
  // compile commands end in "-- file.c".)
  auto End = std::find(Out.begin() + 1, Out.end(), "--");
  Out.insert(End, {"-Wno-unknown-warning-option",
                   "-Wno-ignored-optimization-argument",
                   "-Wno-unused-command-line-argument"});
  return Out;
}

clang::tooling::ArgumentsAdjuster getClangCompatibleArgsAdjuster() {
  return [](const clang::tooling::CommandLineArguments &Args,
            llvm::StringRef) { return clangCompatibleArgs(Args); };
}

} // namespace kthread_lint
