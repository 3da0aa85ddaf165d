//===--- OutputFormats.cpp - kthread-lint ---------------------------------===//

#include "OutputFormats.h"
#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include <unistd.h>
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <map>

#ifndef KTHREAD_LINT_DOCS_URL
#define KTHREAD_LINT_DOCS_URL                                                  \
  "https://github.com/kthread-lint/kthread-lint/blob/main/docs/checks"
#endif
#ifndef KTHREAD_LINT_HOMEPAGE
#define KTHREAD_LINT_HOMEPAGE "https://github.com/kthread-lint/kthread-lint"
#endif

namespace kthread_lint {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

std::optional<OutputFormat> parseOutputFormat(llvm::StringRef Name) {
  if (Name == "clang")
    return OutputFormat::Clang;
  if (Name == "github")
    return OutputFormat::Github;
  if (Name == "sarif")
    return OutputFormat::Sarif;
  if (Name == "gitlab")
    return OutputFormat::Gitlab;
  if (Name == "json")
    return OutputFormat::Json;
  if (Name == "kbuild")
    return OutputFormat::Kbuild;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The one table of check descriptions.
//===----------------------------------------------------------------------===//

namespace {

struct Description {
  const char *Id, *Short, *Full;
};

// Checks that are planned but not registered yet are harmless here: only
// registered checks are listed in outputs.
const Description Descriptions[] = {
    {"kthread-missing-is-err",
     "The result of kthread_create()/kthread_run() is not checked with "
     "IS_ERR().",
     "kthread_create(), kthread_run() and their _on_node/_on_cpu variants "
     "return an ERR_PTR() on failure, never NULL. A NULL check, or no check, "
     "lets an error pointer reach wake_up_process() or kthread_stop() and "
     "oops the kernel."},
    {"kthread-never-woken",
     "A thread made with kthread_create() is never woken up.",
     "kthread_create() returns a thread that sleeps until wake_up_process() "
     "is called on it; a thread that is never woken never runs, and "
     "kthread_stop() on it only returns -EINTR."},
    {"kthread-missing-should-stop",
     "A thread function loops without checking kthread_should_stop().",
     "A thread that is stopped with kthread_stop() must return once "
     "kthread_should_stop() is true; a loop that never checks it makes "
     "kthread_stop() (and rmmod) block forever."},
    {"kthread-stop-ordering",
     "kthread_stop() is called in an order that can block forever.",
     "A thread is stopped while another thread it waits for is already "
     "gone, or before the resource it sleeps on is released, so "
     "kthread_stop() never returns."},
    {"kthread-exit-before-stop",
     "kthread_stop() is called on a thread that may already have exited.",
     "A thread function that can return on its own frees its task_struct; "
     "a later kthread_stop() on it is a use-after-free unless a reference "
     "was taken with get_task_struct()."},
    {"kthread-leaked-thread",
     "A thread started by module init or a driver's probe is not stopped by "
     "exit/remove, or is left running when init or probe fails.",
     "A kernel thread runs code of the module that started it. A thread "
     "still running after rmmod, after a failed init, or after a driver's "
     "remove jumps into freed memory: it must be stopped with kthread_stop() "
     "on every path that ends the module's or device's life."},
    {"kthread-name-format",
     "A kthread name is a non-literal format string, is cut at 15 "
     "characters, or an _on_cpu format does not take exactly the cpu number.",
     "The name argument of kthread_create() and friends is a printf format "
     "expanded into the task's comm of 15 characters: a variable used as the "
     "format is a format-string hole, a longer name is silently cut (and "
     "names in ps/top collide), and kthread_create_on_cpu() formats the cpu "
     "number into it."},
    {"kthread-busy-loop",
     "A thread function loops without sleeping or yielding.",
     "A kthread loop that neither sleeps nor calls cond_resched() hogs a "
     "CPU and triggers the soft-lockup detector on non-preemptible "
     "kernels."},
    {"kthread-lost-wakeup",
     "A thread sleeps without setting its state before testing the wake-up "
     "condition.",
     "set_current_state() must come before the condition is tested and "
     "schedule() is called; otherwise a wake-up between the test and "
     "schedule() is lost."},
};

std::string withPeriod(llvm::StringRef S) {
  S = S.rtrim();
  if (S.empty() || S.ends_with(".") || S.ends_with("!") || S.ends_with("?"))
    return S.str();
  return (S + ".").str();
}

} // namespace

std::vector<CheckInfo> registeredChecks() {
  std::vector<std::string> Names;
  for (const auto &Entry : clang::tidy::ClangTidyModuleRegistry::entries()) {
    std::unique_ptr<clang::tidy::ClangTidyModule> Module = Entry.instantiate();
    clang::tidy::ClangTidyCheckFactories Factories;
    Module->addCheckFactories(Factories);
    for (const auto &F : Factories)
      if (F.getKey().starts_with("kthread-"))
        Names.push_back(F.getKey().str());
  }
  std::sort(Names.begin(), Names.end());
  Names.erase(std::unique(Names.begin(), Names.end()), Names.end());
  std::vector<CheckInfo> Out;
  for (const std::string &N : Names) {
    CheckInfo I;
    I.Id = N;
    I.Level = "warning";
    const Description *D = nullptr;
    for (const Description &Desc : Descriptions)
      if (N == Desc.Id)
        D = &Desc;
    if (D) {
      I.ShortDescription = D->Short;
      I.FullDescription = D->Full;
    } else {
      I.ShortDescription = "Misuse of the Linux kernel kthread API (" + N + ").";
      I.FullDescription = "The check " + N +
                          " reports a misuse of the Linux kernel kthread "
                          "API; see its documentation.";
    }
    Out.push_back(std::move(I));
  }
  return Out;
}

/// SARIF wants a rule's name to differ from its id: kthread-missing-is-err
/// is named KthreadMissingIsErr.
static std::string ruleName(llvm::StringRef Check) {
  std::string Out;
  bool Up = true;
  for (char C : Check) {
    if (C == '-' || C == '_') {
      Up = true;
      continue;
    }
    Out += Up ? static_cast<char>(toupper(static_cast<unsigned char>(C))) : C;
    Up = false;
  }
  return Out;
}

static std::string helpUri(llvm::StringRef Check) {
  return (llvm::Twine(KTHREAD_LINT_DOCS_URL) + "/" + Check + ".md").str();
}

//===----------------------------------------------------------------------===//
// Paths.
//===----------------------------------------------------------------------===//

/// `git rev-parse --show-toplevel` run in \p Dir ("" when not in a work
/// tree, or without git).
static std::string gitTopLevel(llvm::StringRef Dir) {
  auto Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return "";
  llvm::SmallString<128> Out;
  int FD;
  if (llvm::sys::fs::createTemporaryFile("kthread-lint-git", "txt", FD, Out))
    return "";
  ::close(FD);
  std::string OutPath = Out.str().str();
  std::optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef("/dev/null"), llvm::StringRef(OutPath),
      llvm::StringRef("/dev/null")};
  std::string DirArg = Dir.str();
  int RC = llvm::sys::ExecuteAndWait(
      *Git, {*Git, "-C", DirArg, "rev-parse", "--show-toplevel"},
      std::nullopt, Redirects);
  std::string Top;
  if (RC == 0)
    if (auto Buf = llvm::MemoryBuffer::getFile(OutPath))
      Top = (*Buf)->getBuffer().trim().str();
  llvm::sys::fs::remove(OutPath);
  return Top;
}

std::string defaultBaseDir(llvm::StringRef Dir) {
  llvm::SmallString<256> Cur(Dir);
  llvm::sys::fs::make_absolute(Cur);
  llvm::sys::path::remove_dots(Cur, true);
  std::string Top = gitTopLevel(Cur);
  if (!Top.empty())
    return Top;
  return Cur.str().str();
}

static std::string rel(llvm::StringRef Path, const OutputOptions &Opts) {
  std::string R = relativePath(Path, Opts.BaseDir);
  if (R == Path.str() && llvm::sys::path::is_absolute(Path)) {
    // Maybe the base dir was reached through a symlink.
    llvm::SmallString<256> Real;
    if (!llvm::sys::fs::real_path(Path, Real))
      R = relativePath(Real, Opts.BaseDir);
  }
  return R;
}

//===----------------------------------------------------------------------===//
// github
//===----------------------------------------------------------------------===//

std::string escapeGithubData(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '%')
      Out += "%25";
    else if (C == '\r')
      Out += "%0D";
    else if (C == '\n')
      Out += "%0A";
    else
      Out += C;
  }
  return Out;
}

std::string escapeGithubProperty(llvm::StringRef S) {
  std::string Out;
  for (char C : escapeGithubData(S)) {
    if (C == ':')
      Out += "%3A";
    else if (C == ',')
      Out += "%2C";
    else
      Out += C;
  }
  return Out;
}

static std::string where(const Position &P, const OutputOptions &Opts) {
  return rel(P.File, Opts) + ":" + std::to_string(P.Line) + ":" +
         std::to_string(P.Column);
}

void writeGithub(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const std::vector<Failure> &Failures,
                 const OutputOptions &Opts) {
  for (const Finding &F : Findings) {
    std::string Message = F.Message + " [" + F.Check + "]";
    for (const Note &N : F.Notes)
      Message += "\n" + where(N.Where, Opts) + ": note: " + N.Message;
    OS << "::warning file=" << escapeGithubProperty(rel(F.Where.File, Opts))
       << ",line=" << F.Where.Line << ",col=" << F.Where.Column;
    if (F.Where.EndLine)
      OS << ",endLine=" << F.Where.EndLine << ",endColumn="
         << F.Where.EndColumn;
    OS << ",title=" << escapeGithubProperty(F.Check)
       << "::" << escapeGithubData(Message) << "\n";
  }
  for (const Failure &F : Failures)
    OS << "::error file=" << escapeGithubProperty(rel(F.File, Opts))
       << ",title=" << escapeGithubProperty("kthread-lint: cannot analyse")
       << "::" << escapeGithubData("cannot analyse: " + F.Reason) << "\n";
  // GitHub shows at most 10 warning annotations per step.
  if (Findings.size() > 10)
    OS << "::notice title=kthread-lint::"
       << escapeGithubData(std::to_string(Findings.size()) +
                           " findings; GitHub shows at most 10 annotations "
                           "of a kind per step: see the SARIF upload or the "
                           "log for all of them")
       << "\n";
}

//===----------------------------------------------------------------------===//
// sarif
//===----------------------------------------------------------------------===//

namespace {

constexpr const char *SrcRoot = "SRCROOT";

Object artifactLocation(llvm::StringRef File, const OutputOptions &Opts) {
  std::string R = rel(File, Opts);
  if (llvm::sys::path::is_absolute(R))
    return Object{{"uri", "file://" + R}};
  return Object{{"uri", R}, {"uriBaseId", SrcRoot}};
}

Object region(unsigned Line, unsigned Col, unsigned EndLine, unsigned EndCol) {
  Object R{{"startLine", Line}, {"startColumn", Col}};
  R["endLine"] = EndLine ? EndLine : Line;
  R["endColumn"] = EndLine ? EndCol : Col;
  return R;
}

Object physicalLocation(const Position &P, const OutputOptions &Opts) {
  return Object{
      {"artifactLocation", artifactLocation(P.File, Opts)},
      {"region", region(P.Line, P.Column, P.EndLine, P.EndColumn)}};
}

std::string fileUri(llvm::StringRef Dir) {
  std::string U = "file://" + Dir.str();
  if (!llvm::StringRef(U).ends_with("/"))
    U += "/";
  return U;
}

} // namespace

void writeSarif(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                const std::vector<Failure> &Failures,
                const OutputOptions &Opts) {
  std::vector<CheckInfo> Checks = registeredChecks();
  // A finding of a check that is not registered (cannot happen today) still
  // gets a rule.
  for (const Finding &F : Findings)
    if (std::none_of(Checks.begin(), Checks.end(),
                     [&](const CheckInfo &C) { return C.Id == F.Check; }))
      Checks.push_back({F.Check, "Misuse of the Linux kernel kthread API.",
                        "See the check's documentation.", "warning"});
  std::map<std::string, unsigned> RuleIndex;
  Array Rules;
  for (const CheckInfo &C : Checks) {
    RuleIndex[C.Id] = Rules.size();
    Rules.push_back(Object{
        {"id", C.Id},
        {"name", ruleName(C.Id)},
        {"shortDescription", Object{{"text", withPeriod(C.ShortDescription)}}},
        {"fullDescription", Object{{"text", withPeriod(C.FullDescription)}}},
        {"help", Object{{"text", withPeriod(C.FullDescription) +
                                     " Documentation: " + helpUri(C.Id)}}},
        {"helpUri", helpUri(C.Id)},
        {"defaultConfiguration", Object{{"level", C.Level}}},
        {"properties", Object{{"tags", Array{"correctness", "linux-kernel"}},
                              {"precision", "high"},
                              {"problem.severity", C.Level}}},
    });
  }

  Array Results;
  for (const Finding &F : Findings) {
    Object R{
        {"ruleId", F.Check},
        {"ruleIndex", RuleIndex[F.Check]},
        {"level", "warning"},
        {"message", Object{{"text", withPeriod(F.Message)}}},
        {"locations",
         Array{Object{{"physicalLocation", physicalLocation(F.Where, Opts)}}}},
        {"partialFingerprints",
         Object{{"primaryLocationLineHash",
                 F.Fingerprint.substr(0, 16) + ":1"},
                {"kthreadLintFingerprint/v1", F.Fingerprint}}},
    };
    if (!F.Notes.empty()) {
      Array Related;
      unsigned Id = 0;
      for (const Note &N : F.Notes)
        Related.push_back(
            Object{{"id", Id++},
                   {"physicalLocation", physicalLocation(N.Where, Opts)},
                   {"message", Object{{"text", withPeriod(N.Message)}}}});
      R["relatedLocations"] = std::move(Related);
    }
    if (!F.Fixes.empty()) {
      // One fix made of all the edits, grouped per file.
      std::map<std::string, Array> PerFile;
      for (const Edit &E : F.Fixes)
        PerFile[E.File].push_back(Object{
            {"deletedRegion",
             region(E.Line, E.Column, E.EndLine, E.EndColumn)},
            {"insertedContent", Object{{"text", E.Replacement}}}});
      Array Changes;
      for (auto &[File, Repls] : PerFile)
        Changes.push_back(
            Object{{"artifactLocation", artifactLocation(File, Opts)},
                   {"replacements", std::move(Repls)}});
      R["fixes"] = Array{Object{
          {"description", Object{{"text", "Apply the fix-it of " + F.Check +
                                              "."}}},
          {"artifactChanges", std::move(Changes)}}};
    }
    Results.push_back(std::move(R));
  }

  Array Notifications;
  for (const Failure &F : Failures)
    Notifications.push_back(Object{
        {"level", "error"},
        {"message", Object{{"text", withPeriod("Cannot analyse " +
                                               rel(F.File, Opts) + ": " +
                                               F.Reason)}}}});

  Object Invocation{{"executionSuccessful", Failures.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);

  Object Run{
      {"tool",
       Object{{"driver",
               Object{{"name", "kthread-lint"},
                      {"fullName", "kthread-lint: Linux kthread API checker"},
                      {"version", Opts.ToolVersion},
                      {"semanticVersion", Opts.ToolVersion},
                      {"informationUri", KTHREAD_LINT_HOMEPAGE},
                      {"rules", std::move(Rules)}}}}},
      {"originalUriBaseIds",
       Object{{SrcRoot, Object{{"uri", fileUri(Opts.BaseDir)}}}}},
      {"invocations", Array{std::move(Invocation)}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(Results)},
  };
  Object Log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
             {"version", "2.1.0"},
             {"runs", Array{std::move(Run)}}};
  OS << llvm::formatv("{0:2}", Value(std::move(Log))) << "\n";
}

//===----------------------------------------------------------------------===//
// gitlab
//===----------------------------------------------------------------------===//

void writeGitlab(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const std::vector<Failure> &Failures,
                 const OutputOptions &Opts) {
  Array Issues;
  for (const Finding &F : Findings) {
    std::string Description = F.Message + " [" + F.Check + "]";
    Issues.push_back(Object{
        {"type", "issue"},
        {"description", Description},
        {"check_name", F.Check},
        {"fingerprint", F.Fingerprint},
        {"severity", "major"},
        {"categories", Array{"Bug Risk"}},
        {"location",
         Object{{"path", rel(F.Where.File, Opts)},
                {"lines", Object{{"begin", F.Where.Line},
                                 {"end", F.Where.EndLine ? F.Where.EndLine
                                                         : F.Where.Line}}}}},
    });
  }
  for (const Failure &F : Failures) {
    // Failures are issues too, so that a broken analysis is not a clean
    // report; their fingerprint is per file.
    std::string Path = rel(F.File, Opts);
    Issues.push_back(Object{
        {"type", "issue"},
        {"description", "kthread-lint cannot analyse this file: " + F.Reason},
        {"check_name", "kthread-lint-cannot-analyse"},
        {"fingerprint", "cannot-analyse:" + Path},
        {"severity", "blocker"},
        {"location", Object{{"path", Path}, {"lines", Object{{"begin", 1}}}}},
    });
  }
  OS << llvm::formatv("{0:2}", Value(std::move(Issues))) << "\n";
}

//===----------------------------------------------------------------------===//
// json
//===----------------------------------------------------------------------===//

void writeJson(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               const std::vector<Failure> &Failures,
               const OutputOptions &Opts) {
  auto Pos = [&](const Position &P) {
    return Object{{"file", rel(P.File, Opts)},    {"line", P.Line},
                  {"column", P.Column},           {"endLine", P.EndLine},
                  {"endColumn", P.EndColumn}};
  };
  Array Fs;
  for (const Finding &F : Findings) {
    Object O = Pos(F.Where);
    O["check"] = F.Check;
    O["message"] = F.Message;
    Array Notes;
    for (const Note &N : F.Notes) {
      Object NO = Pos(N.Where);
      NO["message"] = N.Message;
      Notes.push_back(std::move(NO));
    }
    O["notes"] = std::move(Notes);
    Array Fixes;
    for (const Edit &E : F.Fixes)
      Fixes.push_back(Object{{"file", rel(E.File, Opts)},
                             {"offset", E.Offset},
                             {"length", E.Length},
                             {"line", E.Line},
                             {"column", E.Column},
                             {"endLine", E.EndLine},
                             {"endColumn", E.EndColumn},
                             {"replacement", E.Replacement}});
    O["fixes"] = std::move(Fixes);
    O["fingerprint"] = F.Fingerprint;
    Fs.push_back(std::move(O));
  }
  Array Fails;
  for (const Failure &F : Failures)
    Fails.push_back(Object{{"file", rel(F.File, Opts)}, {"reason", F.Reason}});
  Object Doc{{"version", 1},
             {"tool", Object{{"name", "kthread-lint"},
                             {"version", Opts.ToolVersion}}},
             {"baseDir", Opts.BaseDir},
             {"findings", std::move(Fs)},
             {"failures", std::move(Fails)}};
  OS << llvm::formatv("{0:2}", Value(std::move(Doc))) << "\n";
}

//===----------------------------------------------------------------------===//
// kbuild
//===----------------------------------------------------------------------===//

void writeKbuild(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const OutputOptions &Opts) {
  for (const Finding &F : Findings) {
    OS << where(F.Where, Opts) << ": warning: " << F.Message << " ["
       << F.Check << "]\n";
    for (const Note &N : F.Notes)
      OS << where(N.Where, Opts) << ": note: " << N.Message << "\n";
  }
}

//===----------------------------------------------------------------------===//
// Baselines
//===----------------------------------------------------------------------===//

void writeBaseline(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                   const OutputOptions &Opts) {
  Array Entries;
  for (const Finding &F : Findings)
    Entries.push_back(Object{{"fingerprint", F.Fingerprint},
                             {"check", F.Check},
                             {"file", rel(F.Where.File, Opts)},
                             {"line", F.Where.Line},
                             {"message", F.Message}});
  Object Doc{{"kthreadLintBaseline", 1},
             {"comment", "Findings accepted as they are: kthread-lint "
                         "--baseline=<this file> reports only findings whose "
                         "fingerprint is not listed. 'line' is informative."},
             {"findings", std::move(Entries)}};
  OS << llvm::formatv("{0:2}", Value(std::move(Doc))) << "\n";
}

llvm::Expected<llvm::StringSet<>> readBaseline(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return llvm::createStringError(Buf.getError(), "%s: %s", Path.str().c_str(),
                                   Buf.getError().message().c_str());
  auto Parsed = llvm::json::parse((*Buf)->getBuffer());
  if (!Parsed)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "%s: not JSON: %s", Path.str().c_str(),
        llvm::toString(Parsed.takeError()).c_str());
  const Object *Doc = Parsed->getAsObject();
  const Array *Entries = Doc ? Doc->getArray("findings") : nullptr;
  if (!Entries || !Doc->get("kthreadLintBaseline"))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "%s: not a kthread-lint baseline (write one with --write-baseline)",
        Path.str().c_str());
  llvm::StringSet<> Set;
  for (const Value &E : *Entries) {
    const Object *O = E.getAsObject();
    auto FP = O ? O->getString("fingerprint") : std::nullopt;
    if (!FP)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "%s: a finding without a fingerprint",
                                     Path.str().c_str());
    Set.insert(*FP);
  }
  return Set;
}

//===----------------------------------------------------------------------===//
// Atomic output
//===----------------------------------------------------------------------===//

llvm::Error
writeFileAtomically(llvm::StringRef Path,
                    const std::function<void(llvm::raw_ostream &)> &Write) {
  if (Path == "-") {
    Write(llvm::outs());
    llvm::outs().flush();
    return llvm::Error::success();
  }
  auto Temp = llvm::sys::fs::TempFile::create(Path + ".tmp-%%%%%%");
  if (!Temp)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                   Path.str().c_str(),
                                   llvm::toString(Temp.takeError()).c_str());
  {
    llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
    Write(OS);
    OS.flush();
    if (OS.has_error()) {
      std::string Msg = OS.error().message();
      OS.clear_error();
      llvm::consumeError(Temp->discard());
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                     Path.str().c_str(), Msg.c_str());
    }
  }
  // TempFile creates 0600 files; an output file is an ordinary file.
  unsigned Mask = llvm::sys::fs::getUmask();
  llvm::sys::fs::setPermissions(
      Temp->FD, static_cast<llvm::sys::fs::perms>(0666 & ~Mask));
  if (llvm::Error E = Temp->keep(Path))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                   Path.str().c_str(),
                                   llvm::toString(std::move(E)).c_str());
  return llvm::Error::success();
}

} // namespace kthread_lint
