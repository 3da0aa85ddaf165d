//===--- KthreadLint.cpp - the standalone kthread-lint tool ---------------===//
//
// A driver on clang-tidy's library with only the kthread-* checks linked in:
// the same checks, options, .clang-tidy files, NOLINT handling and fix-its
// as the clang-tidy plugin, with a command line and outputs of its own.
//
//===----------------------------------------------------------------------===//

#include "ClangTidy.h"
#include "ClangTidyDiagnosticConsumer.h"
#include "ClangTidyOptions.h"
#include "CompilerFlags.h"
#include "Findings.h"
#include "Runner.h"
#include "clang/Basic/Version.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

namespace clang::tidy {
// Defined in the checks' module: referencing it keeps the module linked.
extern volatile int KthreadModuleAnchorSource;
} // namespace clang::tidy

namespace {

/// Exit status: documented in --help and the README.
enum ExitCode { NoFindings = 0, Findings = 1, CannotAnalyse = 2 };

cl::OptionCategory Category("kthread-lint options");

cl::list<std::string> Inputs(cl::Positional, cl::desc("<file.c> ..."),
                             cl::cat(Category));
cl::opt<std::string> BuildPath(
    "p", cl::desc("Build directory holding compile_commands.json"),
    cl::value_desc("build-dir"), cl::cat(Category));
cl::opt<std::string> ChecksFilter(
    "checks",
    cl::desc("Comma-separated globs over the kthread-* checks, applied after\n"
             ".clang-tidy files, e.g. -checks=-kthread-never-woken"),
    cl::cat(Category));
cl::opt<std::string> ConfigText(
    "config", cl::desc("Configuration in .clang-tidy YAML/JSON form"),
    cl::cat(Category));
cl::opt<std::string> ConfigFile(
    "config-file", cl::desc("Read the configuration from this file instead\n"
                            "of the nearest .clang-tidy"),
    cl::value_desc("path"), cl::cat(Category));
cl::opt<bool> ApplyFixes("fix", cl::desc("Apply the fix-its to the files"),
                         cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fix-its as YAML for clang-apply-replacements"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit"),
                         cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Regex of headers whose findings are shown (default: none)"),
    cl::cat(Category));
cl::list<std::string> ExtraArgs("extra-arg",
                                cl::desc("Append an argument to the compiler"),
                                cl::cat(Category));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before", cl::desc("Prepend an argument to the compiler"),
    cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("Print only findings and errors"),
                    cl::cat(Category));

cl::extrahelp ExitHelp(R"(
Compile commands come from -p <build-dir>, from a compile_commands.json in
a parent directory of the first file, or from compiler flags given after
'--' (kthread-lint file.c -- -I include -D__KERNEL__).

Exit status:
  0  no findings
  1  findings were reported
  2  a file could not be analysed (usage error, missing or unreadable file,
     compiler errors such as a missing header, bad compile database); this
     wins over 1
)");

[[noreturn]] void fail(const Twine &Message) {
  WithColor::error(errs(), "kthread-lint") << Message << "\n";
  exit(CannotAnalyse);
}

/// Refuses inputs clang would choke on, each with one line.
void validateInput(StringRef Path) {
  sys::fs::file_status Status;
  if (std::error_code EC = sys::fs::status(Path, Status))
    fail(Path + ": " + (EC == std::errc::no_such_file_or_directory
                            ? std::string("no such file")
                            : EC.message()));
  if (sys::fs::is_directory(Status))
    fail(Path + ": is a directory; pass the .c files, or -p <build-dir>");
  if (!sys::fs::is_regular_file(Status))
    fail(Path + ": not a regular file");
  auto Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    fail(Path + ": cannot read: " + Buf.getError().message());
  if ((*Buf)->getBuffer().take_front(64 * 1024).contains('\0'))
    fail(Path + ": binary file, not C source");
}

std::unique_ptr<tooling::CompilationDatabase>
loadCompilations(const std::optional<std::vector<std::string>> &FixedArgs,
                 StringRef FirstInput) {
  std::string Error;
  if (FixedArgs)
    return std::make_unique<tooling::FixedCompilationDatabase>(".", *FixedArgs);
  if (BuildPath.getNumOccurrences()) {
    SmallString<256> Json(BuildPath);
    sys::path::append(Json, "compile_commands.json");
    if (!sys::fs::exists(Json))
      fail(BuildPath + ": no compile_commands.json in this directory");
    auto DB = tooling::JSONCompilationDatabase::loadFromFile(
        Json, Error, tooling::JSONCommandLineSyntax::AutoDetect);
    if (!DB)
      fail(Json + ": " + StringRef(Error).trim().split('\n').first);
    if (DB->getAllFiles().empty())
      fail(Json + ": no compile commands in it");
    return DB;
  }
  auto DB = tooling::CompilationDatabase::autoDetectFromSource(FirstInput, Error);
  if (!DB)
    fail(FirstInput + ": no compile command: no compile_commands.json in its "
                      "parent directories; pass -p <build-dir>, or the "
                      "compiler flags after '--'");
  return DB;
}

void printVersion(raw_ostream &OS) {
  OS << "kthread-lint 0.1.0\n  built with " << getClangFullVersion() << "\n";
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  (void)KthreadModuleAnchorSource;

  // Flags after "--" are the compile command for every input.
  std::vector<const char *> OwnArgs;
  std::optional<std::vector<std::string>> FixedArgs;
  for (int I = 0; I < argc; ++I) {
    if (!FixedArgs && StringRef(argv[I]) == "--") {
      FixedArgs.emplace();
      continue;
    }
    if (FixedArgs)
      FixedArgs->push_back(argv[I]);
    else
      OwnArgs.push_back(argv[I]);
  }

  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter(printVersion);
  std::string ParseErrors;
  raw_string_ostream ParseErrorStream(ParseErrors);
  if (!cl::ParseCommandLineOptions(
          OwnArgs.size(), OwnArgs.data(),
          "Finds misuse of the Linux kernel's kthread API.\n", &ParseErrorStream)) {
    StringRef First = StringRef(ParseErrorStream.str()).trim().split('\n').first;
    First.consume_front("kthread-lint: ");
    fail(First);
  }

  ClangTidyGlobalOptions GlobalOptions;
  ClangTidyOptions DefaultOptions = ClangTidyOptions::getDefaults();
  DefaultOptions.Checks = "-*,kthread-*";
  DefaultOptions.HeaderFilterRegex = HeaderFilter;
  DefaultOptions.SystemHeaders = false;
  // Only kthread-* checks: clang-tidy's library also carries the static
  // analyzer's and the compiler's diagnostics as checks, which a .clang-tidy
  // or -checks='*' would otherwise turn on.
  ClangTidyOptions OverrideOptions;
  OverrideOptions.Checks =
      (ChecksFilter.empty() ? "" : "-*," + ChecksFilter + ",") +
      "-clang-analyzer-*,-clang-diagnostic-*";
  std::unique_ptr<ClangTidyOptionsProvider> Provider;
  auto FS = vfs::getRealFileSystem();
  if (!ConfigText.empty() || !ConfigFile.empty()) {
    std::string Text = ConfigText;
    if (!ConfigFile.empty()) {
      auto Buf = MemoryBuffer::getFile(ConfigFile);
      if (!Buf)
        fail(ConfigFile + ": " + Buf.getError().message());
      Text = (*Buf)->getBuffer().str();
    }
    auto Parsed = parseConfiguration(MemoryBufferRef(Text, "config"));
    if (!Parsed)
      fail("invalid configuration: " + Parsed.getError().message());
    ClangTidyOptions FromConfig = DefaultOptions;
    FromConfig.mergeWith(*Parsed, 0);
    Provider = std::make_unique<ConfigOptionsProvider>(
        GlobalOptions, DefaultOptions, std::move(FromConfig), OverrideOptions,
        FS);
  } else {
    Provider = std::make_unique<FileOptionsProvider>(
        GlobalOptions, DefaultOptions, OverrideOptions, FS);
  }

  if (ListChecks) {
    SmallString<256> Cwd;
    sys::fs::current_path(Cwd);
    std::string Probe = Inputs.empty() ? (Cwd + "/probe.c").str() : Inputs[0];
    std::vector<std::string> Names =
        getCheckNames(Provider->getOptions(Probe), false);
    outs() << "Enabled checks:";
    for (const std::string &N : Names)
      outs() << "\n    " << N;
    outs() << "\n\n";
    return NoFindings;
  }

  if (Inputs.empty())
    fail("no input files; usage: kthread-lint [options] <file.c>... "
         "[-- <compiler flags>]");
  std::vector<std::string> Files;
  for (const std::string &In : Inputs) {
    validateInput(In);
    SmallString<256> Abs(In);
    sys::fs::make_absolute(Abs);
    sys::path::remove_dots(Abs, true);
    Files.push_back(Abs.str().str());
  }

  std::unique_ptr<tooling::CompilationDatabase> DB =
      loadCompilations(FixedArgs, Files.front());
  for (const std::string &F : Files)
    if (DB->getCompileCommands(F).empty())
      fail(F + ": no compile command for it in the compile database");
  auto Adjusted = std::make_unique<tooling::ArgumentsAdjustingCompilations>(
      std::move(DB));
  Adjusted->appendArgumentsAdjuster(kthread_lint::getClangCompatibleArgsAdjuster());
  Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      std::vector<std::string>(ExtraArgsBefore.begin(), ExtraArgsBefore.end()),
      tooling::ArgumentInsertPosition::BEGIN));
  Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      std::vector<std::string>(ExtraArgs.begin(), ExtraArgs.end()),
      tooling::ArgumentInsertPosition::END));

  ClangTidyContext Context(std::move(Provider), false);
  IntrusiveRefCntPtr<vfs::OverlayFileSystem> BaseFS(
      new vfs::OverlayFileSystem(vfs::getRealFileSystem()));
  std::vector<ClangTidyError> Errors =
      kthread_lint::runChecks(Context, *Adjusted, Files, BaseFS, ApplyFixes);

  std::vector<kthread_lint::Finding> Found;
  std::vector<kthread_lint::Failure> Failures;
  kthread_lint::collectFindings(Errors, Found, Failures);

  std::vector<ClangTidyError> KthreadErrors;
  for (const ClangTidyError &E : Errors)
    if (StringRef(E.DiagnosticName).startswith("kthread-"))
      KthreadErrors.push_back(E);
  unsigned WarningsAsErrors = 0;
  handleErrors(KthreadErrors, Context, ApplyFixes ? FB_Fix : FB_NoFix,
               WarningsAsErrors, BaseFS);
  if (!ExportFixes.empty()) {
    std::error_code EC;
    raw_fd_ostream OS(ExportFixes, EC, sys::fs::OF_None);
    if (EC)
      fail(ExportFixes + ": " + EC.message());
    exportReplacements(Files.front(), KthreadErrors, OS);
  }
  for (const kthread_lint::Failure &F : Failures)
    WithColor::error(errs(), "kthread-lint")
        << "cannot analyse " << F.File << ": " << F.Reason << "\n";
  if (!Failures.empty())
    return CannotAnalyse;
  return Found.empty() ? NoFindings : Findings;
}
