//===--- CalleeSummariesTest.cpp - kthread-lint unit tests ----------------===//
//
// Callee summaries: what a function stops, reads and tests with everything it
// calls, bottom-up over the call graph, and their JSON form.
//
//===----------------------------------------------------------------------===//

#include "CalleeSummaries.h"
#include "KthreadModel.h"
#include "TestAST.h"
#include "gtest/gtest.h"

using namespace clang;
using namespace clang::tidy::kthread;

namespace {

using kthread_test::function;
using kthread_test::parse;

const char *Code = R"(
  struct priv { struct task_struct *task; struct task_struct *other; int flag; };
  static struct task_struct *global_task;
  static int fn(void *d) { while (!kthread_should_stop()) msleep(1); return 0; }
  static void stop_one(struct task_struct *t) { kthread_stop(t); }
  static void stop_field(struct priv *p) { stop_one(p->task); }
  static void level3(struct priv *p) { stop_field(p); }
  static void level4(struct priv *p) { level3(p); }
  static void level5(struct priv *p) { level4(p); }
  static void stop_global(void) { kthread_stop(global_task); }
  static void stop_anything(void *x) {
    struct task_struct *t = *(struct task_struct **)x;
    kthread_stop(t);
  }
  static void ping(struct priv *p, int n);
  static void pong(struct priv *p, int n) { if (n) ping(p, n - 1); else kthread_stop(p->other); }
  static void ping(struct priv *p, int n) { if (n) pong(p, n - 1); else stop_global(); }
  static int reads_task(struct priv *p) { return p->task != NULL; }
  static int wraps_read(struct priv *p) { return reads_task(p); }
  static bool should_go(void) { return kthread_should_stop(); }
  static bool should_go_2(void) { return should_go(); }
  static int loop_fn(void *d) { while (!should_go_2()) msleep(1); return 0; }
  static void nothing(struct priv *p) { p->flag = 1; }
  static DECLARE_WAIT_QUEUE_HEAD(wq);
  static int cond;
  static int wait_for_it(void) {
    int ret = wait_event_interruptible(wq, cond);
    if (ret)
      return ret;
    return 0;
  }
  static int wraps_wait(void) { return wait_for_it(); }
  static int five(void) { return 5; }
)";

struct Fixture : ::testing::Test {
  void SetUp() override {
    AST = parse(Code);
    ASSERT_TRUE(AST);
    M = std::make_unique<KthreadModel>(AST->getASTContext(), ModelConfig{});
  }
  const FunctionSummary &of(llvm::StringRef Name) {
    return M->facet<CalleeSummaries>().of(function(AST->getASTContext(), Name));
  }
  std::vector<std::string> stops(llvm::StringRef Name) {
    return serialize(function(AST->getASTContext(), Name), of(Name)).Stops;
  }
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<KthreadModel> M;
};

using Summaries = Fixture;

TEST_F(Summaries, ParameterStopsBecomeTheCallersFields) {
  EXPECT_EQ(of("stop_one").StopsParams, std::set<unsigned>{0});
  EXPECT_TRUE(of("stop_one").Stops.empty());
  EXPECT_EQ(stops("stop_field"), std::vector<std::string>{"field:priv::task"});
  EXPECT_TRUE(of("stop_field").StopsParams.empty());
  EXPECT_FALSE(of("stop_field").StopsUnresolved);
}

TEST_F(Summaries, NoDepthLimit) {
  // Five calls down from level5() to the kthread_stop().
  EXPECT_EQ(stops("level5"), std::vector<std::string>{"field:priv::task"});
}

TEST_F(Summaries, GlobalsAndUnresolvedHandles) {
  EXPECT_EQ(stops("stop_global"), std::vector<std::string>{"static:global_task"});
  EXPECT_TRUE(of("stop_anything").StopsUnresolved);
  EXPECT_FALSE(of("stop_global").StopsUnresolved);
}

TEST_F(Summaries, RecursionReachesItsFixpoint) {
  std::vector<std::string> Both{"field:priv::other", "static:global_task"};
  EXPECT_EQ(stops("ping"), Both);
  EXPECT_EQ(stops("pong"), Both);
}

TEST_F(Summaries, ReadsAndStopTestsThroughCallees) {
  auto Reads = [&](llvm::StringRef Name) {
    return serialize(function(AST->getASTContext(), Name), of(Name)).Reads;
  };
  EXPECT_EQ(Reads("wraps_read"), std::vector<std::string>{"field:priv::task"});
  EXPECT_TRUE(Reads("nothing").empty());
  EXPECT_TRUE(of("should_go_2").TestsStop);
  EXPECT_TRUE(of("loop_fn").TestsStop);
  EXPECT_FALSE(of("stop_one").TestsStop);
  EXPECT_FALSE(of("nothing").TestsStop);
}

TEST_F(Summaries, HelpersThatReturnAnInterruptedSleep) {
  EXPECT_EQ(of("wait_for_it").OnSignal, SignalResult::NonZero);
  EXPECT_EQ(of("wraps_wait").OnSignal, SignalResult::NonZero);
  EXPECT_EQ(of("five").OnSignal, SignalResult::None);
  EXPECT_EQ(of("reads_task").OnSignal, SignalResult::None);
}

TEST_F(Summaries, JsonRoundTrip) {
  llvm::json::Value All = M->facet<CalleeSummaries>().toJSON();
  // Through text, as a later pass reads it from a file.
  std::string Text;
  llvm::raw_string_ostream(Text) << All;
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse(Text);
  ASSERT_TRUE(bool(Parsed));
  const llvm::json::Array *Functions =
      Parsed->getAsObject()->getArray("functions");
  ASSERT_TRUE(Functions);
  bool SawStopField = false;
  for (const llvm::json::Value &F : *Functions) {
    SerializedSummary S;
    llvm::json::Path::Root Root;
    ASSERT_TRUE(fromJSON(F, S, Root));
    const FunctionDecl *FD = function(AST->getASTContext(), S.Function);
    ASSERT_TRUE(FD) << S.Function;
    EXPECT_EQ(S, serialize(FD, of(S.Function)));
    if (S.Function == "stop_field") {
      SawStopField = true;
      EXPECT_FALSE(S.External);
      EXPECT_EQ(S.Stops, std::vector<std::string>{"field:priv::task"});
    }
  }
  EXPECT_TRUE(SawStopField);
  // A malformed summary is refused, not half read.
  SerializedSummary Bad;
  llvm::json::Path::Root Root;
  EXPECT_FALSE(fromJSON(llvm::json::Object{{"function", 3}}, Bad, Root));
}

} // namespace
