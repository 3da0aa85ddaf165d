//===--- StopConditionsTest.cpp - kthread-lint unit tests -----------------===//
//
// The stop-condition reasoner on annotated snippets: which loops are left
// once the stop is requested, which branches imply the stop, and where every
// path has seen it (the must-flow on the dataflow driver).
//
//===----------------------------------------------------------------------===//

#include "KthreadModel.h"
#include "StopConditions.h"
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

/// The first loop statement of \p FD.
const Stmt *firstLoop(ASTContext &Ctx, const FunctionDecl *FD) {
  auto Found = match(
      functionDecl(equalsNode(FD),
                   hasDescendant(stmt(anyOf(forStmt(), whileStmt(), doStmt()))
                                     .bind("loop"))),
      Ctx);
  return Found.empty() ? nullptr : Found[0].getNodeAs<Stmt>("loop");
}

/// Whether the first loop of function \p Fn in \p Code is left on the stop.
struct LoopVerdict {
  bool Leaves;
  bool HasDeadTest;
};
LoopVerdict verdict(llvm::StringRef Code, llvm::StringRef Fn) {
  auto AST = parse(Code);
  EXPECT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const FunctionDecl *FD = function(Ctx, Fn);
  EXPECT_TRUE(FD);
  const Stmt *Loop = firstLoop(Ctx, FD);
  EXPECT_TRUE(Loop);
  const Expr *Dead = nullptr;
  bool Leaves = M.facet<StopConditions>().leavesOnStop(FD, {Loop}, &Dead);
  return {Leaves, Dead != nullptr};
}

TEST(StopConditions, TheLoopConditionLeavesOnTheStop) {
  LoopVerdict V = verdict(R"(
    int fn(void *d) { while (!kthread_should_stop()) msleep(1); return 0; }
  )", "fn");
  EXPECT_TRUE(V.Leaves);
}

TEST(StopConditions, AThrownAwayTestDoesNotLeave) {
  LoopVerdict V = verdict(R"(
    int fn(void *d) { for (;;) { if (kthread_should_stop()) ; msleep(1); } }
  )", "fn");
  EXPECT_FALSE(V.Leaves);
  EXPECT_TRUE(V.HasDeadTest);
}

TEST(StopConditions, AContinueOnTheStopDoesNotLeave) {
  LoopVerdict V = verdict(R"(
    void work(void);
    int fn(void *d) {
      for (;;) { if (kthread_should_stop()) continue; work(); }
    }
  )", "fn");
  EXPECT_FALSE(V.Leaves);
}

TEST(StopConditions, ABreakAReturnAndAGotoLeave) {
  EXPECT_TRUE(verdict(R"(
    int fn(void *d) { for (;;) { if (kthread_should_stop()) break; } return 0; }
  )", "fn").Leaves);
  EXPECT_TRUE(verdict(R"(
    int fn(void *d) { for (;;) { if (kthread_should_stop()) return 1; } }
  )", "fn").Leaves);
  EXPECT_TRUE(verdict(R"(
    int fn(void *d) { for (;;) { if (kthread_should_stop()) goto out; } out: return 0; }
  )", "fn").Leaves);
}

TEST(StopConditions, AConjunctionNeedsTheStopToBeTrue) {
  // `stop && empty` true implies the stop: the loop is left on it.
  EXPECT_TRUE(verdict(R"(
    int empty(void);
    int fn(void *d) { while (!(kthread_should_stop() && empty())) msleep(1); return 0; }
  )", "fn").Leaves);
}

TEST(StopConditions, ALocalHoldingTheTestCounts) {
  EXPECT_TRUE(verdict(R"(
    int fn(void *d) {
      int stop = 0;
      for (;;) { stop = kthread_should_stop(); if (stop) break; msleep(1); }
      return 0;
    }
  )", "fn").Leaves);
}

TEST(StopConditions, AHelperThatTestsTheStopIsTrusted) {
  EXPECT_TRUE(verdict(R"(
    int maybe_exit(void) { if (kthread_should_stop()) kthread_exit(0); return 0; }
    int fn(void *d) { for (;;) { maybe_exit(); msleep(1); } }
  )", "fn").Leaves);
}

TEST(StopConditions, AnInnerLoopLeftOnTheStopDoesNotEndTheOuterOne) {
  LoopVerdict V = verdict(R"(
    void work(void);
    int fn(void *d) {
      for (;;) { while (!kthread_should_stop()) work(); msleep(1); }
    }
  )", "fn");
  EXPECT_FALSE(V.Leaves);
}

TEST(StopConditions, NoTestIsNoLeaving) {
  LoopVerdict V = verdict(R"(
    int fn(void *d) { for (;;) msleep(1); }
  )", "fn");
  EXPECT_FALSE(V.Leaves);
  EXPECT_FALSE(V.HasDeadTest);
}

TEST(StopConditions, AHelperEndsStoppedOnlyIfEveryReturnSawTheStop) {
  auto AST = parse(R"(
    void sleep_until_stopped(void) {
      while (!kthread_should_stop()) msleep(1);
    }
    int maybe(int x) { if (x) return 0; while (!kthread_should_stop()) msleep(1); return 1; }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  EXPECT_TRUE(M.facet<StopConditions>().endsStopped(function(Ctx, "sleep_until_stopped"),
                                    false));
  EXPECT_FALSE(M.facet<StopConditions>().endsStopped(function(Ctx, "maybe"), false));
}

TEST(StopConditions, TheMustFlowMarksTheStopBranch) {
  auto AST = parse(R"(
    int fn(void *d) {
      if (kthread_should_stop())
        return 1;
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const FunctionDecl *FD = function(Ctx, "fn");
  DataflowResult<unsigned> R = M.facet<StopConditions>().seenFlow(FD, false);
  ASSERT_TRUE(R.Complete);
  // Of the two returns, exactly one is reached with the stop requested.
  unsigned Requested = 0, Unknown = 0;
  for (const CFGBlock *B : *M.cfgOf(FD))
    for (const CFGElement &E : *B)
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
        if (isa<ReturnStmt>(CS->getStmt()))
          (R.at(*B) == StopRequested ? Requested : Unknown)++;
  EXPECT_EQ(Requested, 1u);
  EXPECT_EQ(Unknown, 1u);
}

TEST(StopConditions, AnInterruptedSleepImpliesTheStopUnlessSignalsAreAllowed) {
  auto AST = parse(R"(
    struct mutex m;
    int fn(void *d) { if (mutex_lock_interruptible(&m)) return 1; return 0; }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const FunctionDecl *FD = function(Ctx, "fn");
  auto Cond = match(
      ifStmt(hasAncestor(functionDecl(hasName("fn"))),
             hasCondition(expr().bind("c"))),
      Ctx);
  ASSERT_EQ(Cond.size(), 1u);
  const Expr *C = Cond[0].getNodeAs<Expr>("c");
  EXPECT_EQ(M.facet<StopConditions>().stopBranch(C, M.facet<StopConditions>().localFacts(FD, false)), true);
  EXPECT_EQ(M.facet<StopConditions>().stopBranch(C, M.facet<StopConditions>().localFacts(FD, true)),
            std::nullopt);
}

} // namespace
