//===--- ZeroConfig.cpp - kthread-lint ------------------------------------===//

#include "ZeroConfig.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA1.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <map>
#include <sys/utsname.h>

extern char **environ;

namespace kthread_lint {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

static llvm::Error error(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg.str());
}

static std::string kernelRelease() {
  struct utsname U;
  if (uname(&U) != 0)
    return "";
  return U.release;
}

static bool hasFile(llvm::StringRef Dir, llvm::StringRef Name) {
  llvm::SmallString<256> P(Dir);
  path::append(P, Name);
  return fs::is_regular_file(P);
}

/// A kbuild output directory for external modules: a Makefile and the
/// configuration (Debian's linux-headers-*-common has a Makefile but no
/// .config: it is not one).
static bool isKernelBuildDir(llvm::StringRef Dir) {
  return hasFile(Dir, "Makefile") &&
         (hasFile(Dir, ".config") || hasFile(Dir, "include/generated/autoconf.h"));
}

llvm::Expected<std::string> findKernelDir(llvm::StringRef Explicit) {
  std::string Release = kernelRelease();
  std::string Install = "install the Debian package linux-headers-amd64 (or "
                        "linux-headers-" +
                        Release + ")";
  auto Check = [&](llvm::StringRef Dir,
                   llvm::StringRef From) -> llvm::Expected<std::string> {
    if (!fs::is_directory(Dir))
      return error(From + "=" + Dir + ": no such directory; " + Install +
                   ", or point it at a kernel build directory");
    if (!isKernelBuildDir(Dir))
      return error(From + "=" + Dir +
                   ": not a kernel build directory (no Makefile and .config); " +
                   Install + ", or point it at a configured kernel tree");
    llvm::SmallString<256> Real;
    if (fs::real_path(Dir, Real))
      Real = Dir;
    return Real.str().str();
  };
  if (!Explicit.empty())
    return Check(Explicit, "--kdir");
  if (auto Env = llvm::sys::Process::GetEnv("KDIR"); Env && !Env->empty())
    return Check(*Env, "KDIR");
  // KTHREAD_LINT_SYSROOT: look for /lib/modules and /usr/src under another
  // root (an unpacked image or container, and the tests).
  std::string Root;
  if (auto R = llvm::sys::Process::GetEnv("KTHREAD_LINT_SYSROOT"))
    Root = llvm::StringRef(*R).rtrim('/').str();
  std::string Running = Root + "/lib/modules/" + Release + "/build";
  std::string SrcDir = Root + "/usr/src";
  if (isKernelBuildDir(Running))
    return Check(Running, "/lib/modules");
  std::vector<std::string> Candidates;
  std::error_code EC;
  for (fs::directory_iterator It(SrcDir, EC), End; !EC && It != End;
       It.increment(EC)) {
    llvm::StringRef Name = path::filename(It->path());
    if (Name.starts_with("linux-headers-") && isKernelBuildDir(It->path()))
      Candidates.push_back(It->path());
  }
  if (Candidates.empty())
    return error("no kernel headers found (KDIR is not set, no " + Running +
                 ", no configured " + SrcDir + "/linux-headers-*): " + Install +
                 ", or pass --kdir=<kernel build dir>");
  std::sort(Candidates.begin(), Candidates.end(),
            [](const std::string &A, const std::string &B) {
              return llvm::StringRef(A).compare_numeric(B) < 0;
            });
  return Check(Candidates.back(), "/usr/src");
}

bool isModuleDir(llvm::StringRef Dir) {
  return hasFile(Dir, "Kbuild") || hasFile(Dir, "Makefile");
}

std::vector<std::string> moduleSources(llvm::StringRef Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (fs::recursive_directory_iterator It(Dir, EC), End; !EC && It != End;
       It.increment(EC)) {
    llvm::StringRef Name = path::filename(It->path());
    if (Name.starts_with(".")) {
      if (It->type() == fs::file_type::directory_file)
        It.no_push();
      continue;
    }
    if (Name.ends_with(".c") && !Name.ends_with(".mod.c") &&
        It->type() != fs::file_type::directory_file)
      Out.push_back(It->path());
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

bool looksLikeKernelSource(llvm::StringRef File) {
  auto Buf = llvm::MemoryBuffer::getFile(File);
  if (!Buf)
    return false;
  llvm::StringRef Text = (*Buf)->getBuffer();
  return Text.contains("<linux/") || Text.contains("<asm/");
}

namespace {

std::string cacheRoot() {
  llvm::SmallString<256> Dir;
  if (auto X = llvm::sys::Process::GetEnv("XDG_CACHE_HOME"); X && !X->empty())
    Dir = *X;
  else if (auto H = llvm::sys::Process::GetEnv("HOME"); H && !H->empty()) {
    Dir = *H;
    path::append(Dir, ".cache");
  } else
    return "";
  path::append(Dir, "kthread-lint");
  return Dir.str().str();
}

std::string mtimeOf(llvm::StringRef P) {
  fs::file_status S;
  if (fs::status(P, S))
    return "-";
  return std::to_string(
      S.getLastModificationTime().time_since_epoch().count());
}

std::string cacheKey(const ZeroConfigRequest &Req) {
  llvm::SHA1 H;
  auto Add = [&](llvm::StringRef S) {
    H.update(S);
    H.update(llvm::StringRef("\0", 1));
  };
  Add("kthread-lint zero-config v1");
  Add(Req.KDir);
  Add(mtimeOf(Req.KDir + "/Makefile"));
  Add(mtimeOf(Req.KDir + "/.config"));
  for (const std::string &D : Req.ModuleDirs) {
    Add(D);
    Add(mtimeOf(D + "/Kbuild"));
    Add(mtimeOf(D + "/Makefile"));
    for (const std::string &F : moduleSources(D))
      Add(F);
  }
  for (const std::string &F : Req.LooseFiles)
    Add(F);
  return llvm::toHex(H.final(), /*LowerCase=*/true).substr(0, 20);
}

bool isBuildProduct(llvm::StringRef Name) {
  return Name.ends_with(".o") || Name.ends_with(".ko") || Name.ends_with(".mod") ||
         Name.ends_with(".mod.c") || Name.ends_with(".cmd") ||
         Name.ends_with(".d") || Name == "Module.symvers" ||
         Name == "modules.order" || Name == ".git";
}

/// Copies the sources of \p From into \p To (which exists).
std::error_code copyTree(llvm::StringRef From, llvm::StringRef To) {
  std::error_code EC;
  for (fs::recursive_directory_iterator It(From, EC), End; !EC && It != End;
       It.increment(EC)) {
    llvm::StringRef Name = path::filename(It->path());
    bool IsDir = It->type() == fs::file_type::directory_file;
    if (isBuildProduct(Name)) {
      if (IsDir)
        It.no_push();
      continue;
    }
    llvm::StringRef Rel = llvm::StringRef(It->path()).drop_front(From.size());
    llvm::SmallString<256> Dest(To);
    path::append(Dest, Rel);
    if (IsDir) {
      if ((EC = fs::create_directories(Dest)))
        return EC;
    } else if (It->type() == fs::file_type::regular_file ||
               It->type() == fs::file_type::symlink_file) {
      if ((EC = fs::copy_file(It->path(), Dest)))
        return EC;
    }
  }
  return EC;
}

struct Recorded {
  std::string Directory;
  std::vector<std::string> Args; ///< CHECKFLAGS, c_flags, the source.
};

/// Runs kbuild over module directory \p ModDir (a copy in a temp dir) with
/// a recording CHECK=, and returns what the checker was called with.
llvm::Expected<std::vector<Recorded>> recordKbuild(llvm::StringRef KDir,
                                                   llvm::StringRef ModDir,
                                                   llvm::StringRef Work,
                                                   llvm::StringRef ShownAs,
                                                   bool Verbose) {
  llvm::SmallString<256> RecDir(Work), Script(Work), Log(Work);
  path::append(RecDir, "records");
  path::append(Script, "record-check.sh");
  path::append(Log, "make.log");
  if (std::error_code EC = fs::create_directories(RecDir))
    return error(RecDir + ": " + EC.message());
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Script, EC);
    if (EC)
      return error(Script + ": " + EC.message());
    // kbuild runs $(CHECK) $(CHECKFLAGS) $(c_flags) file.c from its own
    // directory: keep the directory and the arguments, NUL-separated.
    OS << "#!/bin/sh\n"
       << "n=$(mktemp '" << RecDir << "/rec.XXXXXX') || exit 1\n"
       << "printf '%s\\0' \"$PWD\" \"$@\" > \"$n\"\n";
  }
  fs::setPermissions(Script, fs::all_read | fs::all_exe | fs::owner_write);

  auto Make = llvm::sys::findProgramByName("make");
  if (!Make)
    return error("zero-config needs 'make' (Debian package make)");
  std::string KArg = ("-C" + KDir).str(), MArg = ("M=" + ModDir).str(),
              CheckArg = ("CHECK=" + Script).str();
  std::vector<llvm::StringRef> Args = {*Make, "-k", KArg, MArg, "C=2",
                                       CheckArg, "modules"};
  // An outer make's jobserver and flags must not leak into this one.
  std::vector<std::string> EnvStore;
  for (char **E = environ; *E; ++E) {
    llvm::StringRef V(*E);
    if (V.starts_with("MAKEFLAGS=") || V.starts_with("MAKELEVEL=") ||
        V.starts_with("MFLAGS=") || V.starts_with("MAKEOVERRIDES=") ||
        V.starts_with("KBUILD_") || V.starts_with("CHECK=") ||
        V.starts_with("CF="))
      continue;
    EnvStore.push_back(V.str());
  }
  std::vector<llvm::StringRef> Env(EnvStore.begin(), EnvStore.end());
  std::string LogPath = Log.str().str();
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef("/dev/null"),
                                                llvm::StringRef(LogPath),
                                                llvm::StringRef(LogPath)};
  if (Verbose)
    llvm::errs() << "kthread-lint: asking kbuild for the flags: make -k "
                 << KArg << " " << MArg << " C=2 CHECK=<recorder> modules\n";
  std::string ErrMsg;
  int RC = llvm::sys::ExecuteAndWait(*Make, Args, Env, Redirects, 600, 0,
                                     &ErrMsg);

  std::vector<Recorded> Out;
  std::error_code EC;
  std::vector<std::string> RecFiles;
  for (fs::directory_iterator It(RecDir, EC), End; !EC && It != End;
       It.increment(EC))
    RecFiles.push_back(It->path());
  std::sort(RecFiles.begin(), RecFiles.end());
  for (const std::string &RF : RecFiles) {
    auto Buf = llvm::MemoryBuffer::getFile(RF);
    if (!Buf)
      continue;
    llvm::SmallVector<llvm::StringRef> Parts;
    (*Buf)->getBuffer().split(Parts, '\0', -1, /*KeepEmpty=*/true);
    if (!Parts.empty() && Parts.back().empty())
      Parts.pop_back();
    if (Parts.size() < 2)
      continue;
    Recorded R;
    R.Directory = Parts[0].str();
    for (size_t I = 1; I < Parts.size(); ++I)
      R.Args.push_back(Parts[I].str());
    if (llvm::StringRef(R.Args.back()).ends_with(".mod.c"))
      continue;
    Out.push_back(std::move(R));
  }
  if (Out.empty()) {
    // The first error line of the build says why.
    std::string Why = RC < 0 ? ErrMsg : "exit status " + std::to_string(RC);
    if (auto LB = llvm::MemoryBuffer::getFile(LogPath)) {
      llvm::SmallVector<llvm::StringRef> Lines;
      (*LB)->getBuffer().split(Lines, '\n');
      for (llvm::StringRef L : Lines)
        if (L.contains("error") || L.contains("Error") ||
            L.contains("No rule")) {
          Why = L.trim().str();
          break;
        }
    }
    return error("kbuild gave no compile command for " + ShownAs +
                 " (make -C " + KDir + " M=... C=2 modules: " + Why + ")");
  }
  return Out;
}

std::string replaceAll(std::string S, llvm::StringRef From,
                       llvm::StringRef To) {
  if (From.empty())
    return S;
  size_t Pos = 0;
  while ((Pos = S.find(From.data(), Pos, From.size())) != std::string::npos) {
    S.replace(Pos, From.size(), To.data(), To.size());
    Pos += To.size();
  }
  return S;
}

/// kbuild's name-fix: what KBUILD_BASENAME / KBUILD_MODNAME become.
std::string kbuildName(llvm::StringRef File) {
  std::string N = path::stem(File).str();
  for (char &C : N)
    if (C == '-' || C == ',')
      C = '_';
  return N;
}

llvm::json::Value entry(llvm::StringRef Directory,
                        const std::vector<std::string> &Args,
                        llvm::StringRef File) {
  llvm::json::Array A;
  A.push_back("clang");
  for (const std::string &S : Args)
    A.push_back(S);
  return llvm::json::Object{{"directory", Directory.str()},
                            {"file", File.str()},
                            {"arguments", std::move(A)}};
}

/// The recorded command of one file, turned into the command of \p File
/// with the same flags (kbuild's per-file defines renamed).
std::vector<std::string> retarget(const Recorded &R, llvm::StringRef File,
                                  llvm::StringRef ExtraInclude) {
  std::string From = kbuildName(R.Args.back()), To = kbuildName(File);
  std::vector<std::string> Args;
  for (size_t I = 0; I + 1 < R.Args.size(); ++I) {
    llvm::StringRef A = R.Args[I];
    if (A.starts_with("-DKBUILD_BASENAME=") || A.starts_with("-DKBUILD_MODNAME=") ||
        A.starts_with("-D__KBUILD_MODNAME="))
      Args.push_back(replaceAll(A.str(), From, To));
    else
      Args.push_back(A.str());
  }
  if (!ExtraInclude.empty())
    Args.push_back(("-I" + ExtraInclude).str());
  Args.push_back(File.str());
  return Args;
}

} // namespace

llvm::Expected<std::string> zeroConfigDatabase(const ZeroConfigRequest &Req) {
  std::string Root = cacheRoot();
  std::string Key = cacheKey(Req);
  llvm::SmallString<256> CacheDir;
  if (!Root.empty()) {
    CacheDir = Root;
    path::append(CacheDir, Key);
    llvm::SmallString<256> Db(CacheDir);
    path::append(Db, "compile_commands.json");
    if (fs::exists(Db)) {
      if (Req.Verbose)
        llvm::errs() << "kthread-lint: kbuild flags from the cache: " << Db
                     << "\n";
      return CacheDir.str().str();
    }
  }

  llvm::SmallString<256> Work;
  if (std::error_code EC = fs::createUniqueDirectory("kthread-lint-kbuild", Work))
    return error("cannot make a temporary directory: " + EC.message());
  struct Cleanup {
    std::string Dir;
    ~Cleanup() { fs::remove_directories(Dir); }
  } Clean{Work.str().str()};

  llvm::json::Array Entries;
  unsigned N = 0;
  for (const std::string &ModDir : Req.ModuleDirs) {
    llvm::SmallString<256> Copy(Work);
    path::append(Copy, "m" + std::to_string(N++));
    if (std::error_code EC = fs::create_directories(Copy))
      return error(Copy + ": " + EC.message());
    if (std::error_code EC = copyTree(ModDir, Copy))
      return error("cannot copy " + ModDir + ": " + EC.message());
    auto Recs = recordKbuild(Req.KDir, Copy, Work, ModDir, Req.Verbose);
    if (!Recs)
      return Recs.takeError();
    std::map<std::string, const Recorded *> ByFile;
    for (Recorded &R : *Recs) {
      for (std::string &A : R.Args)
        A = replaceAll(A, Copy, ModDir);
      // An absolute source path, as the compile database wants it.
      llvm::SmallString<256> Src(R.Args.back());
      if (!path::is_absolute(Src)) {
        llvm::SmallString<256> Abs(R.Directory);
        path::append(Abs, Src);
        Src = Abs;
      }
      path::remove_dots(Src, true);
      R.Args.back() = Src.str().str();
      ByFile[R.Args.back()] = &R;
    }
    for (const std::string &F : moduleSources(ModDir)) {
      auto It = ByFile.find(F);
      if (It != ByFile.end()) {
        Entries.push_back(entry(It->second->Directory, It->second->Args, F));
        continue;
      }
      // Not compiled by kbuild (a compile error, or not in obj-m): the flags
      // of a file that was, with its own names.
      const Recorded &Any = *ByFile.begin()->second;
      Entries.push_back(entry(Any.Directory, retarget(Any, F, ""), F));
    }
  }
  if (!Req.LooseFiles.empty()) {
    // A probe module with the flags every external module gets.
    llvm::SmallString<256> Probe(Work);
    path::append(Probe, "probe");
    if (std::error_code EC = fs::create_directories(Probe))
      return error(Probe + ": " + EC.message());
    {
      std::error_code EC;
      llvm::raw_fd_ostream K((Probe + "/Kbuild").str(), EC);
      K << "obj-m := kthread_lint_probe.o\n";
      llvm::raw_fd_ostream C((Probe + "/kthread_lint_probe.c").str(), EC);
      C << "#include <linux/module.h>\nMODULE_LICENSE(\"GPL\");\n";
      if (EC)
        return error(Probe + ": " + EC.message());
    }
    auto Recs = recordKbuild(Req.KDir, Probe, Work,
                             "a probe module (for files outside modules)",
                             Req.Verbose);
    if (!Recs)
      return Recs.takeError();
    const Recorded &R = Recs->front();
    for (const std::string &F : Req.LooseFiles)
      Entries.push_back(
          entry(R.Directory, retarget(R, F, path::parent_path(F)), F));
  }

  // Write the database into the cache (or, without one, next to the work
  // dir, kept for this run only).
  if (!CacheDir.empty())
    if (std::error_code EC = fs::create_directories(CacheDir)) {
      // An unwritable cache only costs the next run another kbuild call.
      if (Req.Verbose)
        llvm::errs() << "kthread-lint: cannot cache in " << CacheDir << ": "
                     << EC.message() << "\n";
      CacheDir.clear();
    }
  if (CacheDir.empty())
    if (std::error_code EC =
            fs::createUniqueDirectory("kthread-lint-compdb", CacheDir))
      return error("cannot make a temporary directory: " + EC.message());
  llvm::SmallString<256> Db(CacheDir);
  path::append(Db, "compile_commands.json");
  auto Temp = fs::TempFile::create(Db + ".tmp-%%%%%%");
  if (!Temp)
    return error(Db + ": " + llvm::toString(Temp.takeError()));
  {
    llvm::raw_fd_ostream OS(Temp->FD, false);
    OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Entries)))
       << "\n";
  }
  if (llvm::Error E = Temp->keep(Db))
    return error(Db + ": " + llvm::toString(std::move(E)));
  if (Req.Verbose)
    llvm::errs() << "kthread-lint: kbuild flags "
                 << (Root.empty() || !llvm::StringRef(CacheDir).starts_with(Root)
                         ? "(not cached) in "
                         : "cached in ")
                 << Db << "\n";
  return CacheDir.str().str();
}

} // namespace kthread_lint
