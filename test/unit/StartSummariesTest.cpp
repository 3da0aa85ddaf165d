//===--- StartSummariesTest.cpp - kthread-lint unit tests -----------------===//
//
// Function summaries of the started-thread analysis: which threads a function
// leaves running for its caller, where their handles are kept, and whether
// its error returns mean that it started nothing.
//
//===----------------------------------------------------------------------===//

#include "KthreadModel.h"
#include "HandleLifecycle.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "TestAST.h"
#include "gtest/gtest.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace clang::tidy::kthread;

namespace {

using kthread_test::function;
using kthread_test::parse;

const char *Code = R"(
  static int fn(void *d) { while (!kthread_should_stop()) msleep(1); return 0; }
  struct st { struct task_struct *a, *b; };
  static int start_two(struct st *s) {
    s->a = kthread_run(fn, s, "a");
    if (IS_ERR(s->a))
      return PTR_ERR(s->a);
    s->b = kthread_run(fn, s, "b");
    if (IS_ERR(s->b)) {
      kthread_stop(s->a);
      return PTR_ERR(s->b);
    }
    return 0;
  }
  static int leaky_start(struct st *s) {
    s->a = kthread_run(fn, s, "a");
    if (IS_ERR(s->a))
      return PTR_ERR(s->a);
    if (s->b)
      return -EINVAL;
    return 0;
  }
  static int wrapper(struct st *s) { return start_two(s); }
  static struct st *alloc_started(void) {
    static struct st s;
    s.a = kthread_run(fn, &s, "a");
    return IS_ERR(s.a) ? NULL : &s;
  }
  static int nothing(void) { return 0; }
)";

TEST(StartSummaries, ThreadsLeftRunningOnSuccessWithWhereTheyAreKept) {
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const StartSummaries &S = M.facet<StartSummaries>();
  llvm::ArrayRef<StartSummaries::Started> Two = S.startedBy(function(Ctx, "start_two"));
  ASSERT_EQ(Two.size(), 2u);
  for (const StartSummaries::Started &T : Two) {
    EXPECT_FALSE(T.AlsoOnError);
    ASSERT_EQ(T.KeptIn.size(), 1u);
    EXPECT_EQ(T.KeptIn[0].spelling().substr(0, 3), "s->");
  }
}

TEST(StartSummaries, ErrorReturnsThatLeaveAThreadRunningAreNoted) {
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  llvm::ArrayRef<StartSummaries::Started> Leaky =
      M.facet<StartSummaries>().startedBy(function(Ctx, "leaky_start"));
  ASSERT_EQ(Leaky.size(), 1u);
  EXPECT_TRUE(Leaky[0].AlsoOnError);
}

TEST(StartSummaries, ComposeThroughCallersBottomUp) {
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const StartSummaries &S = M.facet<StartSummaries>();
  // wrapper() starts what start_two() starts, kept where its parameter points.
  EXPECT_EQ(S.startedBy(function(Ctx, "wrapper")).size(), 2u);
  EXPECT_TRUE(S.reachesCreation(function(Ctx, "wrapper")));
  EXPECT_FALSE(S.reachesCreation(function(Ctx, "nothing")));
  EXPECT_TRUE(S.startedBy(function(Ctx, "nothing")).empty());
  // A pointer's NULL is not tied to the threads: no summary.
  EXPECT_TRUE(S.startedBy(function(Ctx, "alloc_started")).empty());
}

} // namespace
