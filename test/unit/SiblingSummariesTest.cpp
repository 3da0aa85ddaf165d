//===--- SiblingSummariesTest.cpp - kthread-lint unit tests ---------------===//
//
// Facts across files: the summary one translation unit writes, and what
// another file of the same directory reads from it, matched by name to its
// own declarations.
//
//===----------------------------------------------------------------------===//

#include "SiblingSummaries.h"
#include "KthreadModel.h"
#include "TestAST.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

using namespace clang;
using namespace clang::tidy::kthread;

namespace {

using kthread_test::function;
using kthread_test::parse;

const char *Header = R"(
  struct dev { struct task_struct *task; struct completion done; };
  typedef struct { struct task_struct *worker; } anon_t;
  extern struct task_struct *g_task;
  void dev_stop(struct dev *d);
  void dev_stop_param(struct task_struct *t);
)";

// The file that stops, wakes and signals.
const char *Stopper = R"(
  struct task_struct *g_task;
  static struct task_struct *s_task;
  void dev_stop(struct dev *d) { kthread_stop(d->task); }
  void dev_stop_param(struct task_struct *t) { kthread_stop(t); }
  void dev_wake(struct dev *d) { wake_up_process(d->task); }
  void dev_irq(struct dev *d) { complete(&d->done); }
  void g_stop(void) { get_task_struct(g_task); kthread_stop(g_task); }
  void anon_stop(anon_t *a) { kthread_stop(a->worker); }
  void s_stop(void) { kthread_stop(s_task); }
  static void own_helper(struct dev *d) { kthread_stop(d->task); }
)";

// The file that creates; it only declares the stopper's functions.
const char *Creator = R"(
  static int fn(void *d) { return 0; }
  int dev_probe(struct dev *d) {
    d->task = kthread_run(fn, d, "dev");
    return IS_ERR(d->task) ? PTR_ERR(d->task) : 0;
  }
  int uses(struct dev *d, anon_t *a) { dev_stop(d); return a->worker != NULL; }
)";

struct SiblingSummariesTest : ::testing::Test {
  void SetUp() override {
    llvm::SmallString<128> Tmp;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("sibling-summaries", Tmp));
    Dir = std::string(Tmp);
    StopperAST = parse(std::string(Header) + Stopper, "stopper.c");
    CreatorAST = parse(std::string(Header) + Creator, "creator.c");
    ASSERT_TRUE(StopperAST && CreatorAST);
    KthreadModel Written(StopperAST->getASTContext(), ModelConfig{});
    ASSERT_FALSE(llvm::errorToBool(writeTranslationUnitSummary(Written, Dir)));
    // The creator's own summary is in the folder too: it is not a sibling.
    KthreadModel Own(CreatorAST->getASTContext(), ModelConfig{});
    ASSERT_FALSE(llvm::errorToBool(writeTranslationUnitSummary(Own, Dir)));
    ModelConfig Reading;
    Reading.ReadSummaries = Dir;
    M = std::make_unique<KthreadModel>(CreatorAST->getASTContext(), Reading);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }

  const SiblingSummaries &siblings() { return M->facet<SiblingSummaries>(); }
  HandleKey field(llvm::StringRef Record, llvm::StringRef Name) {
    for (const Decl *D : CreatorAST->getASTContext().getTranslationUnitDecl()->decls())
      if (const auto *RD = dyn_cast<RecordDecl>(D))
        if (RD->isThisDeclarationADefinition() &&
            (RD->getName() == Record ||
             (RD->getTypedefNameForAnonDecl() &&
              RD->getTypedefNameForAnonDecl()->getName() == Record)))
          for (const FieldDecl *F : RD->fields())
            if (F->getName() == Name)
              return {HandleKey::Field, F->getCanonicalDecl()};
    return {};
  }
  const FunctionDecl *declared(llvm::StringRef Name) {
    for (const Decl *D : CreatorAST->getASTContext().getTranslationUnitDecl()->decls())
      if (const auto *FD = dyn_cast<FunctionDecl>(D))
        if (FD->getName() == Name)
          return FD;
    return nullptr;
  }

  std::string Dir;
  std::unique_ptr<ASTUnit> StopperAST, CreatorAST;
  std::unique_ptr<KthreadModel> M;
};

TEST_F(SiblingSummariesTest, ReadsOnlyTheOtherFiles) {
  ASSERT_EQ(siblings().files().size(), 1u);
  EXPECT_EQ(llvm::sys::path::filename(siblings().files()[0]), "stopper.c");
  EXPECT_TRUE(siblings().errors().empty());
}

TEST_F(SiblingSummariesTest, MatchesNamesToThisFilesDeclarations) {
  HandleKey Task = field("dev", "task");
  ASSERT_TRUE(Task);
  EXPECT_EQ(siblings().keyNamed("field:dev::task"), Task);
  EXPECT_EQ(siblings().keyNamed("field:anon_t::worker"), field("anon_t", "worker"));
  HandleKey Global = siblings().keyNamed("global:g_task");
  EXPECT_EQ(Global.Kind, HandleKey::Global);
  // Another file's static, and names this file does not have, match nothing.
  EXPECT_FALSE(siblings().keyNamed("static:s_task"));
  EXPECT_FALSE(siblings().keyNamed("field:dev::nope"));
  EXPECT_FALSE(siblings().keyNamed("field:nope::task"));
  EXPECT_FALSE(siblings().keyNamed("global:nope"));
}

TEST_F(SiblingSummariesTest, UsesOfAFieldInTheOtherFile) {
  std::vector<std::pair<HandleOp, std::string>> Seen;
  for (const SiblingUse &U : siblings().usesOf(field("dev", "task")))
    Seen.emplace_back(U.Op, U.Function);
  std::vector<std::pair<HandleOp, std::string>> Want = {
      {HandleOp::Stop, "dev_stop"},
      {HandleOp::Wake, "dev_wake"},
      {HandleOp::Stop, "own_helper"}};
  EXPECT_EQ(Seen, Want);
  llvm::ArrayRef<SiblingUse> Global =
      siblings().usesOf(siblings().keyNamed("global:g_task"));
  ASSERT_EQ(Global.size(), 2u);
  EXPECT_TRUE(Global[1].HoldsReference); // get_task_struct() in that file.
  EXPECT_EQ(Global[1].where(), "'g_stop' (stopper.c:" +
                                   std::to_string(Global[1].Line) + ")");
}

TEST_F(SiblingSummariesTest, SummariesOfFunctionsDefinedThere) {
  const FunctionSummary *Stop = siblings().summaryOf(declared("dev_stop"));
  ASSERT_TRUE(Stop);
  EXPECT_EQ(Stop->Stops, std::set<HandleKey>{field("dev", "task")});
  const FunctionSummary *Param = siblings().summaryOf(declared("dev_stop_param"));
  ASSERT_TRUE(Param);
  EXPECT_EQ(Param->StopsParams, std::set<unsigned>{0});
  // A function with a body here is this file's own.
  EXPECT_FALSE(siblings().summaryOf(function(CreatorAST->getASTContext(), "dev_probe")));
  // The caller's summary takes in the callee's.
  EXPECT_TRUE(M->facet<CalleeSummaries>()
                  .of(function(CreatorAST->getASTContext(), "uses"))
                  .Stops.count(field("dev", "task")));
}

TEST_F(SiblingSummariesTest, SignalsOfTheOtherFile) {
  llvm::ArrayRef<std::pair<SyncKind, std::string>> S =
      siblings().signallersOf(field("dev", "done"));
  ASSERT_EQ(S.size(), 1u);
  EXPECT_EQ(S[0].first, SyncKind::Completion);
  EXPECT_EQ(S[0].second, "dev_irq");
}

TEST_F(SiblingSummariesTest, ABrokenSummaryIsNamedAndSkipped) {
  std::string Bad = llvm::sys::path::parent_path(
                        summaryPathFor(Dir, mainFilePath(CreatorAST->getASTContext())))
                        .str() +
                    "/broken.c.json";
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Bad, EC);
    OS << "{ not json";
  }
  ModelConfig Reading;
  Reading.ReadSummaries = Dir;
  KthreadModel Again(CreatorAST->getASTContext(), Reading);
  const SiblingSummaries &S = Again.facet<SiblingSummaries>();
  ASSERT_EQ(S.errors().size(), 1u);
  EXPECT_NE(S.errors()[0].find("broken.c.json"), std::string::npos);
  EXPECT_EQ(S.files().size(), 1u);
}

} // namespace
