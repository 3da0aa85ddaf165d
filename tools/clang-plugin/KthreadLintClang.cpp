//===--- KthreadLintClang.cpp - the kthread-* checks inside clang ---------===//
//
// A clang plugin that runs the kthread-* checks during the real compile
// (clang -fplugin=KthreadLintClang.so, e.g. make LLVM=-16 KCFLAGS=...), so a
// kernel build reports them without parsing every file a second time.
//
// The findings are the standalone tool's: the same options (.clang-tidy
// files, -checks, the header filter), NOLINT, and clang-tidy's filtering
// and de-duplication, taken at the end of the translation unit. They are
// printed as clang prints warnings, with their notes and fix-its, but on a
// diagnostics engine of their own: the compiler's -Werror (CONFIG_WERROR)
// does not make them errors and they do not change the exit status. With
// -fplugin-arg-kthread-werror they are reported as errors through the
// compiler's engine, and the compile fails. With
// -fplugin-arg-kthread-findings=<suffix> they are also written, without
// colours, to the object file's name plus <suffix> (empty when there are
// none), for a build that collects them (tools/kernel-audit --in-build).
//
//===----------------------------------------------------------------------===//

#include "ClangTidy.h"
#include "ClangTidyDiagnosticConsumer.h"
#include "ClangTidyModule.h"
#include "LlvmCompat.h"
#include "Options.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;
using namespace clang::tidy;

namespace clang::tidy {
// Defined in the checks' module: referencing it keeps the module linked.
extern volatile int KthreadModuleAnchorSource;
} // namespace clang::tidy

namespace kthread_lint {
namespace {

/// What -fplugin-arg-kthread-<arg> gave.
struct PluginSettings {
  OptionsRequest Options;
  bool FindingsAsErrors = false;
  std::string FindingsSuffix;
};

constexpr const char *UsageHint =
    "-fplugin-arg-kthread-checks=<globs>, -header-filter=<regex>, "
    "-config=<yaml>, -config-file=<path>, -findings=<suffix>, "
    "-write-summaries=<dir>, -read-summaries=<dir>, -werror";

/// Prints the findings of one translation unit through \p Diags, which has
/// the translation unit's source manager.
class FindingPrinter {
public:
  FindingPrinter(DiagnosticsEngine &Diags, DiagnosticsEngine::Level Level)
      : Diags(Diags), SM(Diags.getSourceManager()), Level(Level) {}

  void print(const ClangTidyError &E) {
    unsigned ID = Diags.getCustomDiagID(Level, "%0");
    {
      DiagnosticBuilder B = Diags.Report(locationOf(E.Message), ID);
      B << (E.Message.Message + " [" + E.DiagnosticName + "]");
      addRangesAndFixes(B, E.Message);
    }
    unsigned NoteID = Diags.getCustomDiagID(DiagnosticsEngine::Note, "%0");
    for (const tooling::DiagnosticMessage &Note : E.Notes) {
      DiagnosticBuilder B = Diags.Report(locationOf(Note), NoteID);
      B << Note.Message;
      addRangesAndFixes(B, Note);
    }
  }

private:
  SourceLocation location(llvm::StringRef File, unsigned Offset) {
    if (File.empty())
      return SourceLocation();
    auto Entry = SM.getFileManager().getOptionalFileRef(File);
    if (!Entry)
      return SourceLocation();
    FileID FID = SM.translateFile(*Entry);
    if (FID.isInvalid())
      return SourceLocation();
    return SM.getLocForStartOfFile(FID).getLocWithOffset(Offset);
  }

  SourceLocation locationOf(const tooling::DiagnosticMessage &M) {
    return location(M.FilePath, M.FileOffset);
  }

  void addRangesAndFixes(DiagnosticBuilder &B,
                         const tooling::DiagnosticMessage &M) {
    for (const tooling::FileByteRange &R : M.Ranges) {
      SourceLocation Begin = location(R.FilePath, R.FileOffset);
      if (Begin.isValid())
        B << CharSourceRange::getCharRange(Begin,
                                           Begin.getLocWithOffset(R.Length));
    }
    for (const auto &FileFixes : M.Fix)
      for (const tooling::Replacement &Fix : FileFixes.second) {
        SourceLocation Begin = location(Fix.getFilePath(), Fix.getOffset());
        if (Begin.isValid())
          B << FixItHint::CreateReplacement(
              CharSourceRange::getCharRange(
                  Begin, Begin.getLocWithOffset(Fix.getLength())),
              Fix.getReplacementText());
      }
  }

  DiagnosticsEngine &Diags;
  const SourceManager &SM;
  DiagnosticsEngine::Level Level;
};

/// Runs the checks' consumer, then reports what they found. Owns what the
/// checks report into, for as long as the compile needs the consumer.
class ReportingConsumer : public MultiplexConsumer {
public:
  ReportingConsumer(CompilerInstance &Compiler,
                    std::unique_ptr<ClangTidyContext> Context,
                    std::unique_ptr<ClangTidyDiagnosticConsumer> Collector,
                    std::unique_ptr<compat::TidyDiagnosticsEngine> CheckDiags,
                    std::unique_ptr<ASTConsumer> Checks,
                    const PluginSettings &Settings)
      : MultiplexConsumer(consumers(std::move(Checks))), Compiler(Compiler),
        Context(std::move(Context)), Collector(std::move(Collector)),
        CheckDiags(std::move(CheckDiags)), Settings(Settings) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    MultiplexConsumer::HandleTranslationUnit(Ctx);
    std::vector<ClangTidyError> Errors = Collector->take();
    DiagnosticsEngine &CompilerDiags = Compiler.getDiagnostics();
    // Findings on code that did not compile are noise beside its errors.
    if (CompilerDiags.hasErrorOccurred())
      return;
    if (!Settings.FindingsSuffix.empty())
      writeFindingsFile(Errors);
    if (Errors.empty())
      return;
    if (Settings.FindingsAsErrors) {
      FindingPrinter Printer(CompilerDiags, DiagnosticsEngine::Error);
      for (const ClangTidyError &E : Errors)
        Printer.print(E);
      return;
    }
    if (CompilerDiags.getIgnoreAllWarnings()) // -w
      return;
    printWarnings(Errors, llvm::errs(), Compiler.getDiagnosticOpts());
  }

private:
  /// As clang prints its warnings (colours, columns, carets), on an engine
  /// of its own that no -Werror reaches.
  void printWarnings(const std::vector<ClangTidyError> &Errors,
                     llvm::raw_ostream &OS, DiagnosticOptions &Opts) {
    compat::PrintingDiagnostics Diags(OS, Opts);
    Diags.engine().setSourceManager(&Compiler.getSourceManager());
    Diags.printer().BeginSourceFile(Compiler.getLangOpts(),
                                    &Compiler.getPreprocessor());
    FindingPrinter Printer(Diags.engine(), DiagnosticsEngine::Warning);
    for (const ClangTidyError &E : Errors)
      Printer.print(E);
    Diags.printer().EndSourceFile();
  }

  void writeFindingsFile(const std::vector<ClangTidyError> &Errors) {
    std::string Object = Compiler.getFrontendOpts().OutputFile;
    if (Object.empty() || Object == "-")
      return;
    compat::DiagnosticOptionsCopy Plain =
        compat::copyOf(Compiler.getDiagnosticOpts());
    Plain->ShowColors = false;
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    printWarnings(Errors, OS, *Plain);
    OS.flush();
    std::string Path = Object + Settings.FindingsSuffix;
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    if (!EC) {
      Out << Text;
      Out.close();
      EC = Out.error();
    }
    if (EC) {
      DiagnosticsEngine &Diags = Compiler.getDiagnostics();
      Diags.Report(Diags.getCustomDiagID(DiagnosticsEngine::Error,
                                         "kthread-lint plugin: %0: %1"))
          << Path << EC.message();
    }
  }

  static std::vector<std::unique_ptr<ASTConsumer>>
  consumers(std::unique_ptr<ASTConsumer> Checks) {
    std::vector<std::unique_ptr<ASTConsumer>> V;
    V.push_back(std::move(Checks));
    return V;
  }

  CompilerInstance &Compiler;
  std::unique_ptr<ClangTidyContext> Context;
  std::unique_ptr<ClangTidyDiagnosticConsumer> Collector;
  std::unique_ptr<compat::TidyDiagnosticsEngine> CheckDiags;
  // A copy: clang drops the plugin's action once it made the consumer.
  PluginSettings Settings;
};

class KthreadLintAction : public PluginASTAction {
public:
  // Beside the compile, not instead of it: the object file is still made.
  ActionType getActionType() override { return AddBeforeMainAction; }

  bool ParseArgs(const CompilerInstance &Compiler,
                 const std::vector<std::string> &Args) override {
    for (llvm::StringRef Arg : Args) {
      auto [Name, Value] = Arg.split('=');
      std::string *Field =
          llvm::StringSwitch<std::string *>(Name)
              .Case("checks", &Settings.Options.ChecksFilter)
              .Case("header-filter", &Settings.Options.HeaderFilter)
              .Case("config", &Settings.Options.ConfigText)
              .Case("config-file", &Settings.Options.ConfigFile)
              .Case("findings", &Settings.FindingsSuffix)
              .Case("write-summaries", &Settings.Options.WriteSummaries)
              .Case("read-summaries", &Settings.Options.ReadSummaries)
              .Default(nullptr);
      if (Field && Arg.contains('='))
        *Field = Value.str();
      else if (Arg == "werror")
        Settings.FindingsAsErrors = true;
      else
        return refuse(Compiler, "unknown argument '" + Arg.str() +
                                    "'; the plugin takes " + UsageHint);
    }
    auto Made = makeOptionsProvider(Settings.Options);
    if (!Made)
      return refuse(Compiler, llvm::toString(Made.takeError()));
    Provider = std::move(*Made);
    return true;
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &Compiler,
                                                 llvm::StringRef File) override {
    (void)KthreadModuleAnchorSource;
    auto Context = std::make_unique<ClangTidyContext>(std::move(Provider));
    auto Collector = std::make_unique<ClangTidyDiagnosticConsumer>(*Context);
    auto CheckDiags =
        std::make_unique<compat::TidyDiagnosticsEngine>(*Context, *Collector);
    ClangTidyASTConsumerFactory Factory(*Context);
    std::unique_ptr<ASTConsumer> Checks =
        Factory.createASTConsumer(Compiler, File);
    return std::make_unique<ReportingConsumer>(
        Compiler, std::move(Context), std::move(Collector),
        std::move(CheckDiags), std::move(Checks), Settings);
  }

private:
  static bool refuse(const CompilerInstance &Compiler, const std::string &Why) {
    DiagnosticsEngine &Diags = Compiler.getDiagnostics();
    Diags.Report(Diags.getCustomDiagID(DiagnosticsEngine::Error,
                                       "kthread-lint plugin: %0"))
        << Why;
    return false;
  }

  PluginSettings Settings;
  std::unique_ptr<ClangTidyOptionsProvider> Provider;
};

} // namespace
} // namespace kthread_lint

// -fplugin-arg-<name>-<arg>: clang splits at the first '-', so the name has
// none.
static FrontendPluginRegistry::Add<kthread_lint::KthreadLintAction>
    RegisterPlugin("kthread", "the kthread-* checks of kthread-lint");
