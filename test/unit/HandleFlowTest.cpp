//===--- HandleFlowTest.cpp - kthread-lint unit tests ---------------------===//
//
// The handle-lifecycle analysis on annotated snippets, in its two views:
// where a creation result may still be an ERR_PTR (joined), and which
// threads are running at each return of a start function (path by path).
//
//===----------------------------------------------------------------------===//

#include "HandleLifecycle.h"
#include "KthreadModel.h"
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

TEST(HandleLifecycleJoined, ANullTestOfACreationResultIsFound) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    int start(void) {
      struct task_struct *t = kthread_run(fn, NULL, "x");
      if (!t)
        return -ENOMEM;
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const ErrPtrFacts &F = creationFlow(M, function(Ctx, "start"));
  ASSERT_TRUE(F.Complete);
  ASSERT_EQ(F.NullTests.size(), 1u);
  EXPECT_TRUE(F.NullTests[0].TrueMeansNull);
  EXPECT_FALSE(F.NullTests[0].OneError);
}

TEST(HandleLifecycleJoined, IsErrExcludesTheFailureBeforeAUse) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    int checked(void) {
      struct task_struct *t = kthread_create(fn, NULL, "x");
      if (IS_ERR(t))
        return PTR_ERR(t);
      wake_up_process(t);
      return 0;
    }
    int unchecked(void) {
      struct task_struct *t = kthread_create(fn, NULL, "x");
      wake_up_process(t);
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  EXPECT_TRUE(creationFlow(M, function(Ctx, "checked")).UnsafeUses.empty());
  const ErrPtrFacts &U = creationFlow(M, function(Ctx, "unchecked"));
  ASSERT_EQ(U.UnsafeUses.size(), 1u);
  EXPECT_EQ(U.UnsafeUses[0].Callee, "wake_up_process");
}

TEST(HandleLifecycleJoined, ALocalHoldingTheTestRefinesLikeTheTest) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    int start(void) {
      struct task_struct *t = kthread_create(fn, NULL, "x");
      int err = PTR_ERR_OR_ZERO(t);
      if (err)
        return err;
      wake_up_process(t);
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const ErrPtrFacts &F = creationFlow(M, function(Ctx, "start"));
  EXPECT_TRUE(F.UnsafeUses.empty());
  EXPECT_TRUE(F.NotStartedAtExit.empty());
}

TEST(HandleLifecyclePaths, RunningAtAnErrorReturnAfterTheStart) {
  auto AST = parse(R"(
    static int fn(void *d) { while (!kthread_should_stop()) msleep(1); return 0; }
    struct priv { struct task_struct *t; };
    int hw(void);
    int probe(struct priv *p) {
      p->t = kthread_run(fn, p, "x");
      if (IS_ERR(p->t))
        return PTR_ERR(p->t);   /* not running: it failed */
      if (hw())
        return -ENOMEM;         /* running, kept in p->t */
      return 0;                 /* running, the success */
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  StartedThreadFacts F = startedThreadsOf(M, function(Ctx, "probe"));
  ASSERT_TRUE(F.Complete);
  unsigned Errors = 0, Successes = 0;
  for (const StartedThreadFacts::RunningAtReturn &R : F.Running) {
    ASSERT_EQ(R.KeptIn.size(), 1u);
    EXPECT_EQ(R.KeptIn[0].spelling(), "p->t");
    Errors += R.Kind == ReturnKind::Error;
    Successes += R.Kind == ReturnKind::Success;
  }
  EXPECT_EQ(Errors, 1u);
  EXPECT_EQ(Successes, 1u);
}

TEST(HandleLifecyclePaths, AStopOnTheErrorPathEndsIt) {
  auto AST = parse(R"(
    static int fn(void *d) { while (!kthread_should_stop()) msleep(1); return 0; }
    struct priv { struct task_struct *t; };
    int hw(void);
    int probe(struct priv *p) {
      int ret;
      p->t = kthread_run(fn, p, "x");
      if (IS_ERR(p->t))
        return PTR_ERR(p->t);
      ret = hw();
      if (ret)
        goto stop;
      return 0;
    stop:
      kthread_stop(p->t);
      return ret;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  StartedThreadFacts F = startedThreadsOf(M, function(Ctx, "probe"));
  ASSERT_TRUE(F.Complete);
  for (const StartedThreadFacts::RunningAtReturn &R : F.Running)
    EXPECT_NE(R.Kind, ReturnKind::Error);
}

TEST(HandleLifecycleJoined, ANullPlaceChosenOnSomePathsKeepsBothBranches) {
  // msp3400's probe: the branch that starts the thread is feasible although
  // the function pointer was NULL on one path into it.
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    int start(int mode) {
      int (*f)(void *) = NULL;
      struct task_struct *t;
      switch (mode) { case 1: f = fn; break; }
      if (f) {
        t = kthread_run(f, NULL, "x");
        if (t == NULL)
          return -ENOMEM;
      }
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const ErrPtrFacts &F = creationFlow(M, function(Ctx, "start"));
  ASSERT_TRUE(F.Complete);
  EXPECT_EQ(F.NullTests.size(), 1u);
}

TEST(HandleLifecycleJoined, AStopCountsAsAStart) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    int start(void) {
      struct task_struct *t = kthread_create(fn, NULL, "x");
      if (IS_ERR(t))
        return PTR_ERR(t);
      kthread_stop(t);
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  const ErrPtrFacts &F = creationFlow(M, function(Ctx, "start"));
  EXPECT_TRUE(F.NotStartedAtExit.empty());
  EXPECT_TRUE(F.UnsafeUses.empty());
}

TEST(HandleLifecyclePaths, CreatedAndStoppedOnEveryPathIsNotRunning) {
  auto AST = parse(R"(
    static int fn(void *d) { while (!kthread_should_stop()) msleep(1); return 0; }
    int hw(void);
    int probe(void) {
      struct task_struct *t = kthread_run(fn, NULL, "x");
      if (IS_ERR(t))
        return PTR_ERR(t);
      if (hw()) {
        kthread_stop(t);
        return -ENOMEM;
      }
      kthread_stop(t);
      return 0;
    }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  KthreadModel M(Ctx, {});
  StartedThreadFacts F = startedThreadsOf(M, function(Ctx, "probe"));
  ASSERT_TRUE(F.Complete);
  EXPECT_TRUE(F.Running.empty());
}

TEST(HandleLifecyclePaths, AWorkerSleepsWhereTheHeadersHaveRunWorker) {
  // From v6.14 kthread_create_worker() no longer wakes the worker; the
  // headers (kthread_run_worker declared) say so, not the version.
  const char *Code = R"(
    %s
    struct kthread_worker *w;
    int probe(void) {
      w = kthread_create_worker(0, "x");
      if (IS_ERR(w))
        return PTR_ERR(w);
      return 0;
    }
  )";
  for (bool Newer : {false, true}) {
    std::string Src = Code;
    size_t At = Src.find("%s");
    Src.replace(At, 2, Newer ? "struct kthread_worker *kthread_run_worker("
                               "unsigned int flags, const char namefmt[], ...);"
                             : "");
    auto AST = parse(Src);
    ASSERT_TRUE(AST);
    ASTContext &Ctx = AST->getASTContext();
    KthreadModel M(Ctx, {});
    StartedThreadFacts F = startedThreadsOf(M, function(Ctx, "probe"));
    ASSERT_TRUE(F.Complete);
    EXPECT_EQ(F.Running.empty(), Newer) << (Newer ? "newer" : "older");
  }
}

} // namespace
