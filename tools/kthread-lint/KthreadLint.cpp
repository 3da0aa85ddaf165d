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
#include "LlvmCompat.h"
#include "CompilerFlags.h"
#include "Findings.h"
#include "FixDiff.h"
#include "KthreadApi.h"
#include "Options.h"
#include "SiblingSummaries.h"
#include "OutputFormats.h"
#include "Runner.h"
#include "ZeroConfig.h"
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
#include "llvm/Support/Signals.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/WithColor.h"
#include <fcntl.h>
#include <functional>
#include <set>
#include <tuple>
#include <unistd.h>
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
cl::opt<bool> FixDryRun(
    "fix-dry-run",
    cl::desc("Print the fix-its --fix would apply as one unified diff (for\n"
             "git apply or patch -p1) instead of the findings; change no file"),
    cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fix-its as YAML for clang-apply-replacements"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit"),
                         cl::cat(Category));
cl::opt<bool> ListApi(
    "list-api",
    cl::desc("Print the kernel functions and macros the checks understand, "
             "with their effects, and exit"),
    cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Regex of headers whose findings are shown (default: '\\.c$',\n"
             "none but the .c files #included into the file, its code)"),
    cl::cat(Category));
cl::opt<std::string> WriteSummaries(
    "write-summaries",
    cl::desc("First pass of the facts across files: write each file's\n"
             "summary (its functions, creations and handle calls) under\n"
             "this folder (docs/cross-file.md)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> ReadSummaries(
    "read-summaries",
    cl::desc("Second pass: read the summaries of the other files of each\n"
             "file's directory from this folder, and judge the handles\n"
             "they create, stop or wake with them"),
    cl::value_desc("dir"), cl::cat(Category));
cl::list<std::string> ExtraArgs("extra-arg",
                                cl::desc("Append an argument to the compiler"),
                                cl::cat(Category));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before", cl::desc("Prepend an argument to the compiler"),
    cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("Print only findings and errors (no\n"
                                     "summary line after several files)"),
                    cl::cat(Category));
cl::opt<std::string> FormatName(
    "format",
    cl::desc("Output format: clang (default: clang-tidy's text), github\n"
             "(workflow-command annotations), sarif (SARIF 2.1.0),\n"
             "gitlab (Code Quality report), json (docs/output-formats.md)"),
    cl::value_desc("clang|github|sarif|gitlab|json"), cl::cat(Category));
cl::opt<std::string> OutputFile(
    "output",
    cl::desc("Write the findings to this file (atomically) instead of\n"
             "standard output"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> BaseDirOpt(
    "base-dir",
    cl::desc("Paths in github/sarif/gitlab/json output and fingerprints are\n"
             "relative to this directory (default: the git top-level of\n"
             "the current directory, else the current directory)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> BaselineFile(
    "baseline",
    cl::desc("Report only findings whose fingerprint is not in this\n"
             "baseline (written by --write-baseline)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> WriteBaselineFile(
    "write-baseline",
    cl::desc("Write the fingerprints of all current findings to this file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> FailOnFindings(
    "fail-on-findings",
    cl::desc("As the kbuild checker (make C=1 CHECK=kthread-lint): exit 1\n"
             "on findings, failing the build (default: exit 0, like sparse)"),
    cl::cat(Category));
cl::opt<std::string> KDirOpt(
    "kdir",
    cl::desc("Kernel build directory for module directories and files\n"
             "without a compile database (default: $KDIR, then\n"
             "/lib/modules/$(uname -r)/build, then the newest\n"
             "/usr/src/linux-headers-*)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> Verbose("verbose",
                      cl::desc("Say where compile commands come from, and\n"
                               "each file as it is done"),
                      cl::cat(Category));
// A string, so that a bad value gets our one-line error.
cl::opt<std::string> Jobs(
    "j", cl::desc("Analyse N files at once (default: all cores)"),
    cl::value_desc("N"), cl::Prefix, cl::cat(Category));

/// The options above that may reach us through kbuild's CHECKFLAGS (CF=),
/// mixed with compiler flags: only their --name / --name=value spelling.
bool isOwnKbuildOption(StringRef A) {
  if (!A.consume_front("--"))
    return false;
  StringRef Name = A.split('=').first;
  return Name == "format" || Name == "output" || Name == "base-dir" ||
         Name == "baseline" || Name == "write-baseline" ||
         Name == "fail-on-findings" || Name == "checks" || Name == "config" ||
         Name == "config-file" || Name == "header-filter" || Name == "quiet" ||
         Name == "export-fixes" || Name == "verbose" || Name == "kdir" ||
         Name == "fix-dry-run" || Name == "write-summaries" ||
         Name == "read-summaries";
}

cl::extrahelp ExitHelp(R"(
Compile commands come from -p <build-dir> (with no file given: every file
of its compile_commands.json), from a compile_commands.json in a parent
directory of the first file, or from compiler flags given after
'--' (kthread-lint file.c -- -I include -D__KERNEL__). Without any of them,
a module directory (with a Kbuild or Makefile) or a kernel .c file is
analysed with the flags kbuild uses for external modules, found once with
the kernel headers (--kdir) and cached under $XDG_CACHE_HOME/kthread-lint.

As kbuild's checker (make C=1 CHECK=kthread-lint, or C=2), findings are
printed as file:line:col: warning: message [check] and the exit status is 0
unless CF=--fail-on-findings is given (docs/kernel.md).

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
    fail(Path + ": is a directory without a Kbuild or Makefile; pass the .c "
                "files, a module directory, or -p <build-dir>");
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
                 StringRef FirstInput, StringRef ZeroConfigDir) {
  std::string Error;
  if (FixedArgs)
    return std::make_unique<tooling::FixedCompilationDatabase>(".", *FixedArgs);
  if (BuildPath.getNumOccurrences() || !ZeroConfigDir.empty()) {
    SmallString<256> Json(ZeroConfigDir.empty() ? StringRef(BuildPath)
                                                : ZeroConfigDir);
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

#ifndef KTHREAD_LINT_VERSION
#define KTHREAD_LINT_VERSION "0.1.0"
#endif

void printVersion(raw_ostream &OS) {
  OS << "kthread-lint " KTHREAD_LINT_VERSION "\n  built with "
     << getClangFullVersion() << "\n";
}

/// Runs \p Fn with standard output going to \p Path ("/dev/null" to drop
/// it; otherwise written atomically).
void withStdoutTo(StringRef Path, const std::function<void()> &Fn) {
  outs().flush();
  fflush(stdout);
  int Saved = dup(1);
  std::optional<sys::fs::TempFile> Temp;
  int FD;
  if (Path == "/dev/null") {
    FD = open("/dev/null", O_WRONLY);
  } else {
    auto T = sys::fs::TempFile::create(Path + ".tmp-%%%%%%");
    if (!T)
      fail(Path + ": " + toString(T.takeError()));
    Temp.emplace(std::move(*T));
    FD = Temp->FD;
    sys::fs::setPermissions(
        FD, static_cast<sys::fs::perms>(0666 & ~sys::fs::getUmask()));
  }
  dup2(FD, 1);
  Fn();
  outs().flush();
  fflush(stdout);
  dup2(Saved, 1);
  close(Saved);
  if (!Temp) {
    close(FD);
    return;
  }
  if (Error E = Temp->keep(Path))
    fail(Path + ": " + toString(std::move(E)));
}

/// The command line split into our own options and the compile command.
struct SplitCommandLine {
  std::vector<const char *> OwnArgs;
  std::optional<std::vector<std::string>> FixedArgs;
  bool Kbuild = false;
};

SplitCommandLine splitCommandLine(int argc, const char **argv) {
  SplitCommandLine R;
  std::vector<std::string> RawArgs(argv + 1, argv + argc);
  bool HasDashDash = llvm::is_contained(RawArgs, std::string("--"));
  // kbuild's `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c`: our own options
  // (from CF=) are mixed into sparse's and the compiler's flags.
  R.Kbuild = !HasDashDash && kthread_lint::isKbuildCheckerCall(RawArgs);
  R.OwnArgs.push_back(argv[0]);
  if (R.Kbuild) {
    R.FixedArgs.emplace();
    for (int I = 1; I < argc - 1; ++I) {
      StringRef A = argv[I];
      if (!isOwnKbuildOption(A)) {
        R.FixedArgs->push_back(argv[I]);
        continue;
      }
      R.OwnArgs.push_back(argv[I]);
      // "--output FILE" (CF="--output FILE"): the value comes along.
      bool Flag = A == "--fail-on-findings" || A == "--quiet" ||
                  A == "--verbose" || A == "--fix-dry-run" || A.contains('=');
      if (!Flag && I + 1 < argc - 1)
        R.OwnArgs.push_back(argv[++I]);
    }
    R.OwnArgs.push_back(argv[argc - 1]); // The source file.
    return R;
  }
  // Flags after "--" are the compile command for every input.
  for (int I = 1; I < argc; ++I) {
    if (!R.FixedArgs && StringRef(argv[I]) == "--") {
      R.FixedArgs.emplace();
      continue;
    }
    if (R.FixedArgs)
      R.FixedArgs->push_back(argv[I]);
    else
      R.OwnArgs.push_back(argv[I]);
  }
  return R;
}

void parseOwnOptions(std::vector<const char *> &OwnArgs) {
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
  if (ApplyFixes && FixDryRun)
    fail("--fix and --fix-dry-run exclude each other");
  unsigned N = 0;
  if (Jobs.getNumOccurrences() &&
      (StringRef(Jobs).getAsInteger(10, N) || N == 0))
    fail("-j " + Jobs + ": give a number of jobs, at least 1");
}

kthread_lint::OutputFormat chooseFormat(bool Kbuild) {
  using kthread_lint::OutputFormat;
  if (FormatName.empty())
    return Kbuild ? OutputFormat::Kbuild : OutputFormat::Clang;
  auto F = kthread_lint::parseOutputFormat(FormatName);
  if (!F || (*F == OutputFormat::Kbuild && !Kbuild))
    fail("--format=" + FormatName +
         ": unknown format; use clang, github, sarif, gitlab or json");
  return *F;
}

/// The options of every file (Options.h) from the command line.
std::unique_ptr<ClangTidyOptionsProvider> makeOptionsProvider() {
  kthread_lint::OptionsRequest Request;
  Request.ChecksFilter = ChecksFilter;
  Request.HeaderFilter = HeaderFilter;
  Request.ConfigText = ConfigText;
  Request.ConfigFile = ConfigFile;
  Request.WriteSummaries = WriteSummaries;
  Request.ReadSummaries = ReadSummaries;
  auto Provider = kthread_lint::makeOptionsProvider(Request);
  if (!Provider)
    fail(toString(Provider.takeError()));
  return std::move(*Provider);
}

std::string absolutePath(StringRef In) {
  SmallString<256> Abs(In);
  sys::fs::make_absolute(Abs);
  sys::path::remove_dots(Abs, true);
  return Abs.str().str();
}

/// The files to analyse (absolute, each once) and the module directories
/// they came from.
struct InputFiles {
  std::vector<std::string> Files;
  std::vector<std::string> ModuleDirs;
};

/// -p with no file: every C file of the database, as run-clang-tidy
/// does, in a stable order.
std::vector<std::string> databaseFiles() {
  std::string Error;
  auto DB = tooling::CompilationDatabase::loadFromDirectory(BuildPath, Error);
  if (!DB)
    fail(BuildPath + ": " + StringRef(Error).trim().split('\n').first);
  std::vector<std::string> Files;
  for (const std::string &F : DB->getAllFiles())
    if (sys::path::extension(F) == ".c")
      Files.push_back(F);
  if (Files.empty())
    fail(BuildPath + ": no C files in its compile database");
  llvm::sort(Files);
  return Files;
}

InputFiles collectInputs(bool Kbuild, bool FixedArgs) {
  if (Inputs.empty() && BuildPath.getNumOccurrences() && !FixedArgs &&
      !Kbuild)
    for (std::string &F : databaseFiles())
      Inputs.push_back(std::move(F));
  if (Inputs.empty())
    fail("no input files; usage: kthread-lint [options] <file.c|module-dir>... "
         "[-- <compiler flags>]");
  InputFiles R;
  auto AddFile = [&](StringRef In) {
    std::string Abs = absolutePath(In);
    if (!llvm::is_contained(R.Files, Abs))
      R.Files.push_back(Abs);
  };
  for (const std::string &In : Inputs) {
    if (Kbuild || !sys::fs::is_directory(In) || !kthread_lint::isModuleDir(In)) {
      validateInput(In);
      AddFile(In);
      continue;
    }
    SmallString<256> Dir(absolutePath(In)), Real;
    if (!sys::fs::real_path(Dir, Real))
      Dir = Real;
    std::vector<std::string> Sources = kthread_lint::moduleSources(Dir);
    if (Sources.empty())
      fail(In + ": a module directory without .c files");
    R.ModuleDirs.push_back(Dir.str().str());
    for (const std::string &S : Sources)
      AddFile(S);
  }
  return R;
}

/// Without a compile command given: the directory of a database made with
/// the kernel's kbuild for module directories and kernel files that have
/// none; empty when a compile_commands.json of their own is found.
std::string zeroConfigDatabaseFor(const InputFiles &In) {
  bool NeedKbuild = !In.ModuleDirs.empty();
  std::string Error;
  const std::string &First = In.Files.front();
  if (!NeedKbuild &&
      !tooling::CompilationDatabase::autoDetectFromSource(First, Error)) {
    if (!kthread_lint::looksLikeKernelSource(First))
      fail(First + ": no compile command: no compile_commands.json in its "
                   "parent directories; pass -p <build-dir>, or the compiler "
                   "flags after '--'");
    NeedKbuild = true;
  }
  if (!NeedKbuild)
    return "";
  auto KDir = kthread_lint::findKernelDir(KDirOpt);
  if (!KDir) {
    std::string Why = toString(KDir.takeError());
    if (In.ModuleDirs.empty())
      fail(First + ": no compile command: no compile_commands.json in its "
                   "parent directories, and " + Why +
           "; or pass -p <build-dir>, or the compiler flags after '--'");
    fail(Why);
  }
  kthread_lint::ZeroConfigRequest Req;
  Req.KDir = *KDir;
  Req.ModuleDirs = In.ModuleDirs;
  Req.Verbose = Verbose;
  for (const std::string &F : In.Files)
    if (llvm::none_of(In.ModuleDirs, [&](const std::string &D) {
          return StringRef(F).starts_with(D + "/");
        }))
      Req.LooseFiles.push_back(F);
  if (Verbose)
    errs() << "kthread-lint: kernel build directory " << *KDir << "\n";
  auto DbDir = kthread_lint::zeroConfigDatabase(Req);
  if (!DbDir)
    fail(toString(DbDir.takeError()));
  return *DbDir;
}

/// The compile command of every input, made fit for clang-16 and with
/// --extra-arg(-before) added.
std::unique_ptr<tooling::CompilationDatabase>
makeCompilations(const SplitCommandLine &CL, const InputFiles &In,
                 StringRef Cwd) {
  std::string ZeroConfigDir;
  if (!CL.FixedArgs && BuildPath.getNumOccurrences() == 0)
    ZeroConfigDir = zeroConfigDatabaseFor(In);
  std::unique_ptr<tooling::CompilationDatabase> DB;
  if (CL.Kbuild)
    DB = std::make_unique<tooling::FixedCompilationDatabase>(Cwd, *CL.FixedArgs);
  else
    DB = loadCompilations(CL.FixedArgs, In.Files.front(), ZeroConfigDir);
  // A zero-config database that could not be cached is read; drop it.
  if (sys::path::filename(ZeroConfigDir).starts_with("kthread-lint-compdb-"))
    sys::fs::remove_directories(ZeroConfigDir);
  for (const std::string &F : In.Files)
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
  return Adjusted;
}

std::string baseDirFor(bool Kbuild, StringRef Cwd) {
  if (!BaseDirOpt.empty())
    return absolutePath(BaseDirOpt);
  return Kbuild ? Cwd.str() : kthread_lint::defaultBaseDir(Cwd);
}

using FindingKey = std::tuple<std::string, unsigned, std::string>;

/// Writes --write-baseline, then drops the findings --baseline knows;
/// returns the dropped ones by file, offset and check.
std::set<FindingKey> applyBaseline(std::vector<kthread_lint::Finding> &Found,
                                   const kthread_lint::OutputOptions &OutOpts) {
  if (!WriteBaselineFile.empty())
    if (Error E = kthread_lint::writeFileAtomically(
            WriteBaselineFile, [&](raw_ostream &OS) {
              kthread_lint::writeBaseline(OS, Found, OutOpts);
            }))
      fail(toString(std::move(E)));
  std::set<FindingKey> Suppressed;
  if (BaselineFile.empty())
    return Suppressed;
  auto Known = kthread_lint::readBaseline(BaselineFile);
  if (!Known)
    fail(toString(Known.takeError()));
  std::vector<kthread_lint::Finding> Kept;
  for (kthread_lint::Finding &F : Found) {
    if (Known->count(F.Fingerprint))
      Suppressed.insert({F.Where.File, F.Where.Offset, F.Check});
    else
      Kept.push_back(std::move(F));
  }
  Found = std::move(Kept);
  return Suppressed;
}

void writeReport(raw_ostream &OS, kthread_lint::OutputFormat Format,
                 const std::vector<kthread_lint::Finding> &Found,
                 const std::vector<kthread_lint::Failure> &Failures,
                 const kthread_lint::OutputOptions &OutOpts) {
  using kthread_lint::OutputFormat;
  switch (Format) {
  case OutputFormat::Github:
    return kthread_lint::writeGithub(OS, Found, Failures, OutOpts);
  case OutputFormat::Sarif:
    return kthread_lint::writeSarif(OS, Found, Failures, OutOpts);
  case OutputFormat::Gitlab:
    return kthread_lint::writeGitlab(OS, Found, Failures, OutOpts);
  case OutputFormat::Json:
    return kthread_lint::writeJson(OS, Found, Failures, OutOpts);
  default:
    return kthread_lint::writeKbuild(OS, Found, OutOpts);
  }
}

/// Prints (and with --fix applies) the findings in the chosen format, or
/// with --fix-dry-run the fix-its as a diff, to --output or standard output.
void emitFindings(kthread_lint::OutputFormat Format,
                  const std::function<void()> &RunHandleErrors,
                  llvm::ArrayRef<ClangTidyError> KthreadErrors,
                  const std::vector<kthread_lint::Finding> &Found,
                  const std::vector<kthread_lint::Failure> &Failures,
                  const kthread_lint::OutputOptions &OutOpts) {
  using kthread_lint::OutputFormat;
  StringRef Out = OutputFile.empty() ? StringRef("-") : StringRef(OutputFile);
  if (FixDryRun) {
    auto Write = [&](raw_ostream &OS) {
      if (Error E = kthread_lint::writeFixDiff(OS, KthreadErrors,
                                               OutOpts.BaseDir))
        fail(toString(std::move(E)));
    };
    if (Out == "-")
      Write(outs());
    else if (Error E = kthread_lint::writeFileAtomically(Out, Write))
      fail(toString(std::move(E)));
    return;
  }
  if (Format == OutputFormat::Clang) {
    if (Out == "-")
      RunHandleErrors();
    else
      withStdoutTo(Out, RunHandleErrors);
    return;
  }
  // Fix-its are applied by clang-tidy's reporter; its text is not wanted.
  if (ApplyFixes)
    withStdoutTo("/dev/null", RunHandleErrors);
  auto Write = [&](raw_ostream &OS) {
    writeReport(OS, Format, Found, Failures, OutOpts);
  };
  if (Format == OutputFormat::Kbuild && Out == "-")
    Write(errs()); // Like a compiler's (and sparse's) warnings.
  else if (Error E = kthread_lint::writeFileAtomically(Out, Write))
    fail(toString(std::move(E)));
}

int listAndExit(ClangTidyOptionsProvider &Provider, StringRef Cwd) {
  if (ListApi) {
    clang::tidy::kthread::printApiTable(outs());
    return NoFindings;
  }
  std::string Probe = Inputs.empty() ? (Cwd + "/probe.c").str() : Inputs[0];
  std::vector<std::string> Names =
      kthread_lint::compat::enabledCheckNames(Provider.getOptions(Probe));
  outs() << "Enabled checks:";
  for (const std::string &N : Names)
    outs() << "\n    " << N;
  outs() << "\n\n";
  return NoFindings;
}

/// One line after a run over several files, on standard error.
void printSummary(const std::vector<kthread_lint::Finding> &Found,
                  const std::vector<kthread_lint::Failure> &Failures,
                  size_t Files) {
  std::set<std::string> WithFindings, Failed;
  for (const kthread_lint::Finding &F : Found)
    WithFindings.insert(F.Where.File);
  for (const kthread_lint::Failure &F : Failures)
    Failed.insert(F.File);
  errs() << "kthread-lint: " << Found.size()
         << (Found.size() == 1 ? " finding" : " findings") << " in "
         << WithFindings.size() << " of " << Files << " files";
  if (!Failed.empty())
    errs() << ", " << Failed.size() << " could not be analysed";
  errs() << "\n";
}

/// Ctrl-C: the temporary output files are gone by now (LLVM's handler
/// removes them first), so nothing half-written is left; say so and stop.
void onInterrupt() {
  static const char Msg[] = "kthread-lint: interrupted\n";
  (void)!write(2, Msg, sizeof(Msg) - 1);
  _exit(130);
}

/// Runs the checks over \p Files: serially with -j1 or one file, else on
/// -j threads (all cores by default), with the same result; --verbose
/// names each file as it is done there.
std::vector<ClangTidyError>
analyse(ClangTidyContext &Context,
        const tooling::CompilationDatabase &Compilations,
        ArrayRef<std::string> Files,
        IntrusiveRefCntPtr<vfs::OverlayFileSystem> BaseFS) {
  bool AnyFix = ApplyFixes || FixDryRun;
  unsigned N = llvm::hardware_concurrency().compute_thread_count();
  if (Jobs.getNumOccurrences())
    StringRef(Jobs).getAsInteger(10, N); // Checked in parseOwnOptions.
  auto Progress = [](size_t Done, size_t Total, StringRef File) {
    if (Verbose)
      errs() << "kthread-lint: [" << Done << "/" << Total << "] " << File
             << "\n";
  };
  if (N == 1 || Files.size() == 1)
    return kthread_lint::runChecks(Context, Compilations, Files, BaseFS,
                                   AnyFix);
  return kthread_lint::runChecksInParallel(makeOptionsProvider, Compilations,
                                           Files, N, AnyFix, Progress);
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  (void)KthreadModuleAnchorSource;
  sys::SetInterruptFunction(onInterrupt);

  SplitCommandLine CL = splitCommandLine(argc, argv);
  parseOwnOptions(CL.OwnArgs);
  kthread_lint::OutputFormat Format = chooseFormat(CL.Kbuild);
  std::unique_ptr<ClangTidyOptionsProvider> Provider = makeOptionsProvider();
  SmallString<256> Cwd;
  sys::fs::current_path(Cwd);
  if (ListApi || ListChecks)
    return listAndExit(*Provider, Cwd);

  InputFiles In = collectInputs(CL.Kbuild, CL.FixedArgs.has_value());
  std::unique_ptr<tooling::CompilationDatabase> Compilations =
      makeCompilations(CL, In, Cwd);
  ClangTidyContext Context(std::move(Provider));
  IntrusiveRefCntPtr<vfs::OverlayFileSystem> BaseFS(
      new vfs::OverlayFileSystem(vfs::getRealFileSystem()));
  std::vector<ClangTidyError> Errors =
      analyse(Context, *Compilations, In.Files, BaseFS);

  std::vector<kthread_lint::Finding> Found;
  std::vector<kthread_lint::Failure> Failures;
  kthread_lint::collectFindings(Errors, Found, Failures);
  // Errors of the compiler driver have no file ("unknown argument ...").
  for (kthread_lint::Failure &F : Failures)
    if (F.File.empty()) {
      F.File = In.Files.size() == 1 ? In.Files.front() : "<compile command>";
      F.Reason = "compile command: " + StringRef(F.Reason).ltrim(": ").str();
    }

  kthread_lint::OutputOptions OutOpts;
  OutOpts.ToolVersion = KTHREAD_LINT_VERSION;
  OutOpts.BaseDir = baseDirFor(CL.Kbuild, Cwd);
  kthread_lint::computeFingerprints(Found, OutOpts.BaseDir);
  // Baselined findings are dropped from every output and the exit status.
  std::set<FindingKey> Suppressed = applyBaseline(Found, OutOpts);
  std::vector<ClangTidyError> KthreadErrors;
  for (const ClangTidyError &E : Errors)
    if (StringRef(E.DiagnosticName).starts_with("kthread-") &&
        !Suppressed.count({E.Message.FilePath, E.Message.FileOffset,
                           E.DiagnosticName}))
      KthreadErrors.push_back(E);
  emitFindings(
      Format,
      [&] {
        unsigned WarningsAsErrors = 0;
        handleErrors(KthreadErrors, Context, ApplyFixes ? FB_Fix : FB_NoFix,
                     WarningsAsErrors, BaseFS);
      },
      KthreadErrors, Found, Failures, OutOpts);

  if (!ExportFixes.empty()) {
    std::error_code EC;
    raw_fd_ostream OS(ExportFixes, EC, sys::fs::OF_None);
    if (EC)
      fail(ExportFixes + ": " + EC.message());
    exportReplacements(In.Files.front(), KthreadErrors, OS);
  }
  for (const kthread_lint::Failure &F : Failures)
    WithColor::error(errs(), "kthread-lint")
        << "cannot analyse " << F.File << ": " << F.Reason << "\n";
  if (!Quiet && Format == kthread_lint::OutputFormat::Clang &&
      In.Files.size() > 1)
    printSummary(Found, Failures, In.Files.size());
  if (!Failures.empty() || clang::tidy::kthread::summaryWriteFailures())
    return CannotAnalyse;
  if (Found.empty())
    return NoFindings;
  // As kbuild's checker, findings do not fail the build unless asked to.
  return CL.Kbuild && !FailOnFindings ? NoFindings : Findings;
}
