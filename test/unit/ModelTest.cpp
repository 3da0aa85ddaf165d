//===--- ModelTest.cpp - kthread-lint unit tests --------------------------===//
//
// The shared model on small translation units: creation sites seen through
// the kernel's macros, where handles go, thread functions, handle uses.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include "KthreadModel.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"

using namespace clang;
using namespace clang::tidy::kthread;

namespace {

std::unique_ptr<ASTUnit> parse(llvm::StringRef Code) {
  std::string Source = "#include <linux/kernel.h>\n" + Code.str();
  return tooling::buildASTFromCodeWithArgs(
      Source,
      {"-nostdinc", "-isystem", KTHREAD_MOCK_INCLUDE, "-std=gnu11",
       "-Wno-everything"},
      "input.c");
}

const ThreadCreation &only(const KthreadModel &M) {
  EXPECT_EQ(M.creations().size(), 1u);
  return M.creations().front();
}

TEST(Model, SeesKthreadRunThroughItsMacro) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    struct task_struct *t;
    void f(void) { t = kthread_run(fn, NULL, "x"); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  const ThreadCreation &TC = only(M);
  EXPECT_EQ(TC.ApiName, "kthread_run");
  EXPECT_EQ(TC.Api.Kind, CreationKind::Run);
  // The value is the statement expression, not the inner call.
  EXPECT_TRUE(isa<StmtExpr>(TC.Result));
  EXPECT_EQ(TC.Dest, Destination::Stored);
  EXPECT_EQ(TC.Key.Kind, HandleKey::Global);
  ASSERT_EQ(TC.ThreadFns.size(), 1u);
  EXPECT_EQ(TC.ThreadFns[0]->getName(), "fn");
  // The macro's own wake_up_process is a use of its local __k, not of t.
  for (const HandleUse &U : M.uses())
    EXPECT_FALSE(U.Key == TC.Key);
}

TEST(Model, KthreadCreateIsACreateThroughTwoMacros) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    struct dev { struct task_struct *task; };
    int f(struct dev *d) {
      d->task = kthread_create(fn, d, "x");
      if (IS_ERR(d->task)) return PTR_ERR(d->task);
      wake_up_process(d->task);
      return 0;
    }
    void g(struct dev *d) { kthread_stop(d->task); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  const ThreadCreation &TC = only(M);
  EXPECT_EQ(TC.ApiName, "kthread_create");
  EXPECT_EQ(TC.Api.Kind, CreationKind::Create);
  EXPECT_EQ(TC.Key.Kind, HandleKey::Field);
  EXPECT_EQ(TC.Key.Decl->getName(), "task");
  auto Uses = M.usesOf(TC.Key);
  ASSERT_EQ(Uses.size(), 2u);
  EXPECT_EQ(Uses[0]->Op, HandleOp::Wake);
  EXPECT_EQ(Uses[1]->Op, HandleOp::Stop);
  EXPECT_EQ(Uses[1]->Enclosing->getName(), "g");
  EXPECT_EQ(M.readersOf(TC.Key).size(), 2u);
}

TEST(Model, ResolvesThreadFunctionThroughLocalsAndOpsTables) {
  auto AST = parse(R"(
    static int a(void *d) { return 0; }
    static int b(void *d) { return 0; }
    struct ops { int (*threadfn)(void *); };
    static const struct ops my_ops = { .threadfn = b };
    void f(const struct ops *o) {
      int (*fn)(void *) = a;
      kthread_run(fn, NULL, "x");
      kthread_run(o->threadfn, NULL, "y");
    }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  ASSERT_EQ(M.creations().size(), 2u);
  ASSERT_EQ(M.creations()[0].ThreadFns.size(), 1u);
  EXPECT_EQ(M.creations()[0].ThreadFns[0]->getName(), "a");
  ASSERT_EQ(M.creations()[1].ThreadFns.size(), 1u);
  EXPECT_EQ(M.creations()[1].ThreadFns[0]->getName(), "b");
  EXPECT_EQ(M.creations()[0].Dest, Destination::Discarded);
}

/// The names of the thread functions a creation can run, sorted.
std::vector<std::string> threadFnNames(const ThreadCreation &TC) {
  std::vector<std::string> Names;
  for (const FunctionDecl *Fn : TC.ThreadFns)
    Names.push_back(Fn->getName().str());
  std::sort(Names.begin(), Names.end());
  return Names;
}

// msp3400's probe: the thread function is picked by assignments to a local.
TEST(Model, ResolvesThreadFunctionThroughAssignmentsToALocal) {
  auto AST = parse(R"(
    static int a(void *d) { return 0; }
    static int b(void *d) { return 0; }
    void f(int chip) {
      int (*thread_func)(void *) = 0;
      if (chip)
        thread_func = a;
      else
        thread_func = b;
      if (thread_func)
        kthread_run(thread_func, NULL, "x");
    }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  ASSERT_EQ(M.creations().size(), 1u);
  EXPECT_EQ(threadFnNames(M.creations()[0]), (std::vector<std::string>{"a", "b"}));
}

// rsi's rsi_create_kthread(common, thread, func_ptr, name): the thread
// function is a parameter, bound by each caller.
TEST(Model, ResolvesThreadFunctionThroughAWrappersParameter) {
  auto AST = parse(R"(
    struct th { struct task_struct *task; };
    static int tx(void *d) { return 0; }
    static int rx(void *d) { return 0; }
    static int start(struct th *t, void *fn, const char *name) {
      t->task = kthread_run(fn, t, "%s", name);
      return PTR_ERR_OR_ZERO(t->task);
    }
    static int start_named(struct th *t, void *fn) { return start(t, fn, "n"); }
    int init(struct th *a, struct th *b) {
      return start(a, tx, "tx") ?: start_named(b, rx);
    }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  ASSERT_EQ(M.creations().size(), 1u);
  EXPECT_EQ(threadFnNames(M.creations()[0]), (std::vector<std::string>{"rx", "tx"}));
}

TEST(Model, DestinationsReturnedAndEscaped) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    void keep(struct task_struct *t);
    struct task_struct *mk(void) { return kthread_create(fn, NULL, "x"); }
    void esc(void) { keep(kthread_run(fn, NULL, "y")); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  ASSERT_EQ(M.creations().size(), 2u);
  EXPECT_EQ(M.creations()[0].Dest, Destination::Returned);
  EXPECT_EQ(M.creations()[1].Dest, Destination::Escaped);
}

TEST(Model, UserWrappersAreCreationsAndTheirBodiesAreNot) {
  auto AST = parse(R"(
    static int fn(void *d) { return 0; }
    struct task_struct *my_spawn(void *d) { return kthread_run(fn, d, "x"); }
    struct task_struct *t;
    void f(void) { t = my_spawn(NULL); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel Plain(AST->getASTContext(), {});
  ASSERT_EQ(Plain.creations().size(), 1u);
  EXPECT_EQ(Plain.creations()[0].Enclosing->getName(), "my_spawn");

  ModelConfig C;
  C.ExtraCreateFunctions = {"my_spawn"};
  KthreadModel Wrapped(AST->getASTContext(), C);
  ASSERT_EQ(Wrapped.creations().size(), 1u);
  EXPECT_EQ(Wrapped.creations()[0].ApiName, "my_spawn");
  EXPECT_EQ(Wrapped.creations()[0].Enclosing->getName(), "f");
}

TEST(Model, AccessPaths) {
  auto AST = parse(R"(
    struct in { struct task_struct *t; };
    struct out { struct in *i; struct task_struct *arr[4]; };
    void f(struct out *o, int k) { kthread_stop(o->i->t); kthread_stop(o->arr[k]); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  std::vector<const HandleUse *> InF; // The mock header has uses too.
  for (const HandleUse &U : M.uses())
    if (U.Enclosing->getName() == "f")
      InF.push_back(&U);
  ASSERT_EQ(InF.size(), 2u);
  ASSERT_TRUE(InF[0]->Path);
  EXPECT_EQ(InF[0]->Path->spelling(), "o->i->t");
  EXPECT_TRUE(InF[0]->Path->Persistent);
  EXPECT_EQ(InF[1]->Path->spelling(), "o->arr[]");
  EXPECT_EQ(InF[1]->Key.Kind, HandleKey::Field);
}

// The object a call returns (EXT4_SB(sb)->s_mmp_tsk, to_priv(dev)->task) is
// still a field of its record type: the store and the stop meet there.
TEST(Model, AccessPathsThroughTheObjectACallReturns) {
  auto AST = parse(R"(
    struct sbi { struct task_struct *tsk; };
    struct sb { void *fs_info; };
    static inline struct sbi *SBI(struct sb *s) { return s->fs_info; }
    static int fn(void *d) { return 0; }
    int start(struct sb *s) {
      SBI(s)->tsk = kthread_run(fn, s, "x");
      return 0;
    }
    void stop(struct sbi *i) { kthread_stop(i->tsk); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  const ThreadCreation *TC = nullptr;
  for (const ThreadCreation &C : M.creations())
    if (C.Enclosing->getName() == "start")
      TC = &C;
  ASSERT_TRUE(TC);
  ASSERT_TRUE(TC->StoredTo);
  EXPECT_EQ(TC->StoredTo->spelling(), "SBI(...)->tsk");
  EXPECT_TRUE(TC->StoredTo->Persistent);
  EXPECT_EQ(TC->Key.Kind, HandleKey::Field);
  const HandleUse *Stop = nullptr;
  for (const HandleUse &U : M.uses())
    if (U.Enclosing->getName() == "stop")
      Stop = &U;
  ASSERT_TRUE(Stop);
  EXPECT_TRUE(Stop->Key == TC->Key);
}

} // namespace

TEST(Model, LocalsStandForTheFieldsTheyCopy) {
  auto AST = parse(R"(
    struct dev { struct task_struct *task, *other; };
    static int fn(void *d) { return 0; }
    int start(struct dev *d) {
      struct task_struct *t = kthread_run(fn, d, "x");
      if (IS_ERR(t))
        return PTR_ERR(t);
      d->task = t;
      return 0;
    }
    void wake(struct dev *d) {
      struct task_struct *t = d->task;
      if (t)
        wake_up_process(t);
    }
    void mixed(struct dev *d, int c) {
      struct task_struct *t = c ? d->task : d->other;
      kthread_stop(t);
      t = d->other;
      kthread_stop(t);
    }
    void stop(struct dev *d) { kthread_stop(d->task); }
  )");
  ASSERT_TRUE(AST);
  KthreadModel M(AST->getASTContext(), {});
  ASSERT_EQ(M.creations().size(), 1u);
  const ThreadCreation &TC = M.creations()[0];
  EXPECT_EQ(TC.Key.Kind, HandleKey::Local);
  ASSERT_EQ(TC.CopiedTo.size(), 1u);
  EXPECT_EQ(TC.CopiedTo[0].Kind, HandleKey::Field);

  std::map<std::string, const HandleUse *> ByFunction;
  for (const HandleUse &U : M.uses())
    ByFunction[U.Enclosing->getNameAsString()] = &U;
  // wake(): the local copy is the field; the creation is found through it.
  ASSERT_TRUE(ByFunction.count("wake"));
  EXPECT_EQ(ByFunction["wake"]->Key, TC.CopiedTo[0]);
  EXPECT_EQ(M.creationsFor(*ByFunction["wake"]).size(), 1u);
  // stop(): the field itself.
  EXPECT_EQ(M.creationsFor(*ByFunction["stop"]).size(), 1u);
  // mixed(): a local holding either of two fields stands for neither.
  EXPECT_EQ(ByFunction["mixed"]->Key.Kind, HandleKey::Local);
  EXPECT_TRUE(M.creationsFor(*ByFunction["mixed"]).empty());
}
