//===--- Runner.cpp - kthread-lint ----------------------------------------===//

#include "Runner.h"
#include "ClangTidy.h"
#include "ClangTidyModule.h"
#include "LlvmCompat.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/CompilerInvocation.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include <atomic>
#include <mutex>
#include <thread>
#include <tuple>

using namespace clang;
using namespace clang::tidy;
using namespace clang::tooling;

namespace kthread_lint {
namespace {

class ActionFactory : public FrontendActionFactory {
public:
  ActionFactory(ClangTidyContext &Context,
                llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS)
      : ConsumerFactory(Context, std::move(BaseFS)) {}

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(&ConsumerFactory);
  }

  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    // As clang-tidy does, so that code guarded by __clang_analyzer__ parses
    // the same way.
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    // No "N warnings generated." per file: findings are reported by us.
    Invocation->getDiagnosticOpts().ShowCarets = false;
    return FrontendActionFactory::runInvocation(Invocation, Files,
                                                PCHContainerOps, DiagConsumer);
  }

private:
  class Action : public ASTFrontendAction {
  public:
    Action(ClangTidyASTConsumerFactory *Factory) : Factory(Factory) {}
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                   StringRef File) override {
      return Factory->createASTConsumer(CI, File);
    }

  private:
    ClangTidyASTConsumerFactory *Factory;
  };

  ClangTidyASTConsumerFactory ConsumerFactory;
};

} // namespace

std::vector<ClangTidyError>
runChecks(ClangTidyContext &Context, const CompilationDatabase &Compilations,
          llvm::ArrayRef<std::string> Files,
          llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
          bool ApplyAnyFix) {
  ClangTool Tool(Compilations, Files,
                 std::make_shared<PCHContainerOperations>(), BaseFS);
  Tool.setPrintErrorMessage(false);
  // ExtraArgs / ExtraArgsBefore of .clang-tidy files, as clang-tidy does.
  Tool.appendArgumentsAdjuster([&Context](const CommandLineArguments &Args,
                                          StringRef Filename) {
    ClangTidyOptions Opts = Context.getOptionsForFile(Filename);
    CommandLineArguments Adjusted = Args;
    if (Opts.ExtraArgsBefore) {
      auto I = Adjusted.begin();
      if (I != Adjusted.end() && !StringRef(*I).starts_with("-"))
        ++I;
      Adjusted.insert(I, Opts.ExtraArgsBefore->begin(),
                      Opts.ExtraArgsBefore->end());
    }
    if (Opts.ExtraArgs)
      Adjusted.insert(Adjusted.end(), Opts.ExtraArgs->begin(),
                      Opts.ExtraArgs->end());
    return Adjusted;
  });
  Tool.appendArgumentsAdjuster(getStripPluginsAdjuster());

  ClangTidyDiagnosticConsumer DiagConsumer(Context, nullptr, true, ApplyAnyFix);
  compat::TidyDiagnosticsEngine DE(Context, DiagConsumer);
  Tool.setDiagnosticConsumer(&DiagConsumer);

  ActionFactory Factory(Context, std::move(BaseFS));
  Tool.run(&Factory);
  return DiagConsumer.take();
}

namespace {

// The order and identity ClangTidyDiagnosticConsumer::take() gives.
bool lessError(const ClangTidyError &L, const ClangTidyError &R) {
  return std::tie(L.Message.FilePath, L.Message.FileOffset, L.DiagnosticName,
                  L.Message.Message) < std::tie(R.Message.FilePath,
                                                R.Message.FileOffset,
                                                R.DiagnosticName,
                                                R.Message.Message);
}

} // namespace

std::vector<ClangTidyError>
runChecksInParallel(const OptionsProviderFactory &MakeOptions,
                    const CompilationDatabase &Compilations,
                    llvm::ArrayRef<std::string> Files, unsigned Jobs,
                    bool ApplyAnyFix, const ProgressCallback &Progress) {
  std::vector<std::vector<ClangTidyError>> PerFile(Files.size());
  std::atomic<size_t> Next{0};
  size_t Done = 0;
  std::mutex ProgressLock;
  auto Work = [&] {
    for (size_t I = Next++; I < Files.size(); I = Next++) {
      ClangTidyContext Context(MakeOptions());
      // A physical file system of its own: ClangTool moves into each
      // command's directory, which the process-wide one would do for all.
      llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS(
          new llvm::vfs::OverlayFileSystem(llvm::vfs::createPhysicalFileSystem()));
      PerFile[I] = runChecks(Context, Compilations, Files[I], FS, ApplyAnyFix);
      std::lock_guard<std::mutex> Guard(ProgressLock);
      if (Progress)
        Progress(++Done, Files.size(), Files[I]);
    }
  };
  std::vector<std::thread> Workers;
  for (unsigned T = 1; T < std::min<size_t>(Jobs, Files.size()); ++T)
    Workers.emplace_back(Work);
  Work();
  for (std::thread &W : Workers)
    W.join();

  std::vector<ClangTidyError> All;
  for (std::vector<ClangTidyError> &Errors : PerFile)
    std::move(Errors.begin(), Errors.end(), std::back_inserter(All));
  llvm::stable_sort(All, lessError);
  All.erase(std::unique(All.begin(), All.end(),
                        [](const ClangTidyError &L, const ClangTidyError &R) {
                          return !lessError(L, R) && !lessError(R, L);
                        }),
            All.end());
  return All;
}

} // namespace kthread_lint
