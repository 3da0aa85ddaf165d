//===--- CompilerFlagsTest.cpp - kthread-lint unit tests ------------------===//

#include "CompilerFlags.h"
#include "gtest/gtest.h"
#include <algorithm>

using namespace kthread_lint;

namespace {

bool has(const std::vector<std::string> &V, const std::string &S) {
  return std::find(V.begin(), V.end(), S) != V.end();
}

// What kbuild 6.1 passes to $(CHECK) for an out-of-tree module (abridged,
// from a real run: sparse's CHECKFLAGS, then gcc's c_flags, then the file).
const std::vector<std::string> KbuildCall = {
    "kthread-lint", "-D__linux__", "-Dlinux", "-D__STDC__", "-Dunix",
    "-D__unix__", "-Wbitwise", "-Wno-return-void", "-Wno-unknown-attribute",
    "-D__x86_64__", "--arch=x86", "-mlittle-endian", "-m64",
    "-Wp,-MMD,/tmp/m/.kt.o.d", "-nostdinc", "-I./include", "-D__KERNEL__",
    "-std=gnu11", "-fconserve-stack", "-fno-allow-store-data-races",
    "-mindirect-branch=thunk-extern", "-mindirect-branch-register",
    "-mpreferred-stack-boundary=3", "-mrecord-mcount", "-falign-jumps=1",
    "-Wimplicit-fallthrough=5", "-Wno-alloc-size-larger-than", "-O2",
    "-DKBUILD_MODNAME=\"kt\"", "/tmp/m/kt.c"};

TEST(CompilerFlags, RecognisesKbuildCheckerCall) {
  EXPECT_TRUE(isKbuildCheckerCall(
      llvm::ArrayRef<std::string>(KbuildCall).drop_front()));
  EXPECT_FALSE(isKbuildCheckerCall({"-p", "build", "file.c"}));
  // Sparse flags alone, without a kernel compile, are not kbuild's call.
  EXPECT_FALSE(isKbuildCheckerCall({"--arch=x86", "file.c"}));
}

TEST(CompilerFlags, DropsWhatClangRejects) {
  std::vector<std::string> Out = clangCompatibleArgs(KbuildCall);
  for (const char *Dropped :
       {"--arch=x86", "-Wbitwise", "-Wno-return-void", "-D__STDC__",
        "-Wp,-MMD,/tmp/m/.kt.o.d", "-fconserve-stack",
        "-fno-allow-store-data-races", "-mindirect-branch=thunk-extern",
        "-mindirect-branch-register", "-mpreferred-stack-boundary=3",
        "-mrecord-mcount", "-Wimplicit-fallthrough=5"})
    EXPECT_FALSE(has(Out, Dropped)) << Dropped;
  for (const char *Kept : {"-nostdinc", "-I./include", "-D__KERNEL__",
                           "-std=gnu11", "-O2", "-m64", "/tmp/m/kt.c",
                           "-DKBUILD_MODNAME=\"kt\""})
    EXPECT_TRUE(has(Out, Kept)) << Kept;
  EXPECT_TRUE(has(Out, "-Wimplicit-fallthrough"));
  EXPECT_TRUE(has(Out, "-Wno-unknown-warning-option"));
  EXPECT_EQ(Out.front(), "kthread-lint");
}

TEST(CompilerFlags, KeepsSeparateValuesOfDependencyOptions) {
  std::vector<std::string> Out =
      clangCompatibleArgs({"cc", "-MF", "dep.d", "-c", "a.c"});
  EXPECT_FALSE(has(Out, "-MF"));
  EXPECT_FALSE(has(Out, "dep.d"));
  EXPECT_TRUE(has(Out, "a.c"));
}

} // namespace
