//===--- SiblingSummaries.cpp - kthread-lint ------------------------------===//

#include "SiblingSummaries.h"
#include "ThreadFacts.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <atomic>
#include "llvm/Support/MD5.h"

namespace clang::tidy::kthread {

namespace {

/// Bumped when the layout changes: an older file is then not read.
constexpr int64_t SummaryVersion = 1;

const std::pair<HandleOp, const char *> OpNames[] = {
    {HandleOp::Wake, "wake"},       {HandleOp::Park, "park"},
    {HandleOp::Unpark, "unpark"},   {HandleOp::Bind, "bind"},
    {HandleOp::Stop, "stop"},       {HandleOp::StopPut, "stop-put"},
    {HandleOp::DestroyWorker, "destroy-worker"},
    {HandleOp::GetRef, "get-ref"},  {HandleOp::PutRef, "put-ref"},
};

const std::pair<SyncKind, const char *> SyncNames[] = {
    {SyncKind::Completion, "completion"}, {SyncKind::WaitQueue, "waitqueue"},
    {SyncKind::Semaphore, "semaphore"},   {SyncKind::Mutex, "mutex"},
    {SyncKind::Spinlock, "spinlock"},     {SyncKind::Sleep, "sleep"},
};

template <typename E, size_t N>
const char *nameOf(const std::pair<E, const char *> (&Table)[N], E V) {
  for (const auto &[Value, Name] : Table)
    if (Value == V)
      return Name;
  return "";
}

template <typename E, size_t N>
std::optional<E> valueNamed(const std::pair<E, const char *> (&Table)[N],
                            llvm::StringRef S) {
  for (const auto &[Value, Name] : Table)
    if (S == Name)
      return Value;
  return std::nullopt;
}

llvm::json::Array names(const std::set<HandleKey> &Keys) {
  std::vector<std::string> V;
  for (const HandleKey &K : Keys)
    if (std::string N = handleKeyName(K); !N.empty())
      V.push_back(std::move(N));
  llvm::sort(V);
  V.erase(std::unique(V.begin(), V.end()), V.end());
  return llvm::json::Array(V);
}

bool isSharedKey(const HandleKey &K) {
  return K.Kind == HandleKey::Field || K.Kind == HandleKey::Global;
}

/// The functions with a body written in the main file, in source order.
std::vector<const FunctionDecl *> mainFileFunctions(const KthreadModel &M) {
  const SourceManager &SM = M.context().getSourceManager();
  std::vector<const FunctionDecl *> R;
  for (const Decl *D : M.context().getTranslationUnitDecl()->decls())
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      if (FD->doesThisDeclarationHaveABody() &&
          SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
        R.push_back(FD);
  return R;
}

/// What a stopper signals, before or after its stop: a thread waiting on
/// it is woken by the stopper, not by kthread_stop().
llvm::json::Array signalsAround(const KthreadModel &M, const HandleUse &U) {
  llvm::json::Array Out;
  for (const SignalSite &S : collectSyncSites(M, U.Enclosing)) {
    std::string Object = handleKeyName(S.Object);
    if (!S.IsSignal || Object.empty() ||
        !(M.reaches(U.Enclosing, S.Call, U.Call) ||
          M.reaches(U.Enclosing, U.Call, S.Call)))
      continue;
    Out.push_back(llvm::json::Object{{"kind", nameOf(SyncNames, S.Kind)},
                                     {"object", std::move(Object)}});
  }
  return Out;
}

unsigned lineOf(const SourceManager &SM, SourceLocation Loc) {
  return SM.getExpansionLineNumber(Loc);
}

} // namespace

std::string SiblingUse::where() const {
  return "'" + Function + "' (" + llvm::sys::path::filename(File).str() + ":" +
         std::to_string(Line) + ")";
}

std::string mainFilePath(const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  OptionalFileEntryRef F = SM.getFileEntryRefForID(SM.getMainFileID());
  if (!F)
    return {};
  llvm::SmallString<256> Path(F->getFileEntry().tryGetRealPathName());
  if (Path.empty()) {
    Path = F->getName();
    llvm::sys::fs::make_absolute(Path);
  }
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

std::string summaryPathFor(llvm::StringRef Dir, llvm::StringRef SourceFile) {
  llvm::StringRef Parent = llvm::sys::path::parent_path(SourceFile);
  llvm::SmallString<256> Out(Dir);
  llvm::sys::path::append(
      Out,
      llvm::sys::path::filename(Parent).str() + "-" +
          llvm::MD5::hash(llvm::arrayRefFromStringRef(Parent))
              .digest()
              .substr(0, 16)
              .str(),
      llvm::sys::path::filename(SourceFile).str() + ".json");
  return std::string(Out);
}

//===--- The first pass: writing ------------------------------------------===//

llvm::json::Value translationUnitSummary(const KthreadModel &M) {
  const ASTContext &Ctx = M.context();
  const SourceManager &SM = Ctx.getSourceManager();
  auto InMain = [&](SourceLocation L) {
    return SM.isInMainFile(SM.getExpansionLoc(L));
  };
  llvm::json::Value Functions = M.facet<CalleeSummaries>().toJSON();

  llvm::json::Array Creations;
  for (const ThreadCreation &TC : M.creations()) {
    std::set<HandleKey> Keys(TC.CopiedTo.begin(), TC.CopiedTo.end());
    if (isSharedKey(TC.Key))
      Keys.insert(TC.Key);
    llvm::json::Array Handles = names(Keys);
    if (Handles.empty() || !TC.Enclosing || !InMain(TC.Loc))
      continue;
    llvm::json::Array ThreadFns;
    for (const FunctionDecl *Fn : TC.ThreadFns)
      ThreadFns.push_back(Fn->getName());
    Creations.push_back(llvm::json::Object{
        {"handles", std::move(Handles)},
        {"api", TC.ApiName},
        {"function", TC.Enclosing->getName()},
        {"threadFunctions", std::move(ThreadFns)},
        {"line", lineOf(SM, TC.Loc)}});
  }

  llvm::json::Array Uses;
  for (const HandleUse &U : M.uses()) {
    std::string Handle = handleKeyName(U.Key);
    if (Handle.empty() || !isSharedKey(U.Key) || !U.Enclosing ||
        !InMain(U.Call->getBeginLoc()))
      continue;
    bool Pinned = llvm::any_of(M.usesOf(U.Key), [](const HandleUse *W) {
      return W->Op == HandleOp::GetRef;
    });
    llvm::json::Object Use{{"handle", Handle},
                           {"op", nameOf(OpNames, U.Op)},
                           {"function", U.Enclosing->getName()},
                           {"line", lineOf(SM, U.Call->getBeginLoc())},
                           {"holdsReference", Pinned}};
    if (isStopOp(U.Op)) {
      Use["tests"] = names(placesTestedIn(U.Enclosing));
      Use["awaits"] = names(completionsAwaitedBefore(M, U));
      Use["signals"] = signalsAround(M, U);
    }
    Uses.push_back(std::move(Use));
  }

  llvm::json::Array Signals;
  for (const FunctionDecl *FD : mainFileFunctions(M))
    for (const SignalSite &S : collectSyncSites(M, FD))
      if (std::string Object = handleKeyName(S.Object);
          S.IsSignal && !Object.empty())
        Signals.push_back(llvm::json::Object{{"kind", nameOf(SyncNames, S.Kind)},
                                             {"object", std::move(Object)},
                                             {"function", FD->getName()}});

  llvm::json::Object Root{{"version", SummaryVersion},
                          {"file", mainFilePath(Ctx)},
                          {"creations", std::move(Creations)},
                          {"uses", std::move(Uses)},
                          {"signals", std::move(Signals)}};
  if (const llvm::json::Object *F = Functions.getAsObject())
    if (const llvm::json::Value *V = F->get("functions"))
      Root["functions"] = *V;
  return Root;
}

llvm::Error writeTranslationUnitSummary(const KthreadModel &M,
                                        llvm::StringRef Dir) {
  std::string Source = mainFilePath(M.context());
  if (Source.empty())
    return llvm::Error::success(); // Preprocessed from stdin: no siblings.
  std::string Path = summaryPathFor(Dir, Source);
  if (std::error_code EC = llvm::sys::fs::create_directories(
          llvm::sys::path::parent_path(Path)))
    return llvm::createStringError(EC, "cannot create '%s': %s",
                                   llvm::sys::path::parent_path(Path).str().c_str(),
                                   EC.message().c_str());
  llvm::json::Value V = translationUnitSummary(M);
  return llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
    llvm::json::OStream(OS, /*IndentSize=*/2).value(V);
    OS << "\n";
    return llvm::Error::success();
  });
}

static std::atomic<unsigned> WriteFailures{0};

void noteSummaryWriteFailure(llvm::StringRef File, llvm::StringRef Why) {
  ++WriteFailures;
  llvm::WithColor::error(llvm::errs(), "kthread-lint")
      << "cannot write the summary of " << File << ": " << Why << "\n";
}

unsigned summaryWriteFailures() { return WriteFailures; }

//===--- The second pass: reading -----------------------------------------===//

const char SiblingSummaries::ID = 0;

SiblingSummaries::SiblingSummaries(const KthreadModel &M) : M(M) {
  llvm::StringRef Dir = M.config().ReadSummaries;

  std::string Source = mainFilePath(M.context());
  if (Dir.empty() || Source.empty())
    return;
  std::string Own = summaryPathFor(Dir, Source);
  llvm::StringRef Folder = llvm::sys::path::parent_path(Own);
  std::error_code EC;
  std::vector<std::string> Paths;
  for (llvm::sys::fs::directory_iterator It(Folder, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::sys::path::extension(It->path()) == ".json")
      Paths.push_back(It->path());
  llvm::sort(Paths); // The order of the facts does not depend on the disk's.
  for (const std::string &P : Paths) {
    auto Buf = llvm::MemoryBuffer::getFile(P);
    if (!Buf) {
      Errors.push_back(P + ": " + Buf.getError().message());
      continue;
    }
    llvm::Expected<llvm::json::Value> V = llvm::json::parse((*Buf)->getBuffer());
    if (!V) {
      Errors.push_back(P + ": " + llvm::toString(V.takeError()));
      continue;
    }
    load(P, *V);
  }

}

SiblingSummaries::~SiblingSummaries() = default;

void SiblingSummaries::load(llvm::StringRef Path, const llvm::json::Value &V) {
  const llvm::json::Object *Root = V.getAsObject();
  std::optional<int64_t> Version = Root ? Root->getInteger("version") : std::nullopt;
  std::optional<llvm::StringRef> File = Root ? Root->getString("file") : std::nullopt;
  if (!Version || *Version != SummaryVersion || !File) {
    Errors.push_back(Path.str() + ": not a kthread-lint summary of version " +
                     std::to_string(SummaryVersion));
    return;
  }
  if (*File == mainFilePath(M.context()))
    return; // This file's own, from the first pass.
  Files.push_back(File->str());

  auto Keys = [&](const llvm::json::Value *A) {
    std::vector<HandleKey> Out;
    if (const llvm::json::Array *Arr = A ? A->getAsArray() : nullptr)
      for (const llvm::json::Value &N : *Arr)
        if (std::optional<llvm::StringRef> S = N.getAsString())
          if (HandleKey K = keyNamed(*S))
            Out.push_back(K);
    return Out;
  };
  auto Objects = [&](llvm::StringRef Name) {
    const llvm::json::Array *A = Root->getArray(Name);
    static const llvm::json::Array None;
    return A ? A : &None;
  };

  for (const llvm::json::Value &F : *Objects("functions")) {
    SerializedSummary S;
    llvm::json::Path::Root R;
    // One that calls code no summary describes is not known whole: the
    // analyses guess about it as about any function of another file.
    if (fromJSON(F, S, R) && S.External && !S.CallsElsewhere)
      Functions.try_emplace(S.Function, std::move(S));
  }
  for (const llvm::json::Value &C : *Objects("creations")) {
    const llvm::json::Object *O = C.getAsObject();
    if (!O)
      continue;
    SiblingCreation SC;
    SC.Api = O->getString("api").value_or("").str();
    SC.Function = O->getString("function").value_or("").str();
    SC.File = File->str();
    SC.Line = unsigned(O->getInteger("line").value_or(0));
    if (const llvm::json::Array *Fns = O->getArray("threadFunctions"))
      for (const llvm::json::Value &Fn : *Fns)
        if (std::optional<llvm::StringRef> S = Fn.getAsString())
          SC.ThreadFunctions.push_back(S->str());
    for (const HandleKey &K : Keys(O->get("handles")))
      Creations[K].push_back(SC);
  }
  for (const llvm::json::Value &U : *Objects("uses")) {
    const llvm::json::Object *O = U.getAsObject();
    std::optional<HandleOp> Op =
        O ? valueNamed(OpNames, O->getString("op").value_or("")) : std::nullopt;
    HandleKey K = O ? keyNamed(O->getString("handle").value_or("")) : HandleKey();
    if (!Op || !K)
      continue;
    SiblingUse SU;
    SU.Key = K;
    SU.Op = *Op;
    SU.Function = O->getString("function").value_or("").str();
    SU.File = File->str();
    SU.Line = unsigned(O->getInteger("line").value_or(0));
    SU.HoldsReference = O->getBoolean("holdsReference").value_or(false);
    SU.Tests = Keys(O->get("tests"));
    SU.Awaits = Keys(O->get("awaits"));
    if (const llvm::json::Array *Sigs = O->getArray("signals"))
      for (const llvm::json::Value &S : *Sigs)
        if (const llvm::json::Object *SO = S.getAsObject())
          if (std::optional<SyncKind> Kind =
                  valueNamed(SyncNames, SO->getString("kind").value_or("")))
            if (HandleKey Obj = keyNamed(SO->getString("object").value_or("")))
              SU.Signals.emplace_back(*Kind, Obj);
    Uses[K].push_back(std::move(SU));
  }
  for (const llvm::json::Value &S : *Objects("signals")) {
    const llvm::json::Object *O = S.getAsObject();
    std::optional<SyncKind> Kind =
        O ? valueNamed(SyncNames, O->getString("kind").value_or("")) : std::nullopt;
    HandleKey K = O ? keyNamed(O->getString("object").value_or("")) : HandleKey();
    if (Kind && K)
      Signallers[K].emplace_back(*Kind,
                                 O->getString("function").value_or("").str());
  }
}

HandleKey SiblingSummaries::keyNamed(llvm::StringRef Name) const {
  if (auto It = KeyNames.find(Name); It != KeyNames.end())
    return It->second;
  HandleKey K;
  ASTContext &Ctx = M.context();
  const TranslationUnitDecl *TU = Ctx.getTranslationUnitDecl();
  auto [Kind, Rest] = Name.split(':');
  if (Kind == "field") {
    auto [Record, Field] = Rest.split("::");
    for (const NamedDecl *D : TU->lookup(&Ctx.Idents.get(Record))) {
      const RecordDecl *RD = dyn_cast<RecordDecl>(D);
      // `typedef struct { ... } foo_t;`: named by the typedef.
      if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
        if (const RecordDecl *R = TD->getUnderlyingType()->getAsRecordDecl();
            R && R->getName().empty())
          RD = R;
      if (RD)
        RD = RD->getDefinition();
      if (!RD)
        continue;
      for (const FieldDecl *F : RD->fields())
        if (F->getName() == Field)
          K = {HandleKey::Field, F->getCanonicalDecl()};
    }
  } else if (Kind == "global") {
    for (const NamedDecl *D : TU->lookup(&Ctx.Idents.get(Rest)))
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->isExternallyVisible())
        K = {HandleKey::Global, VD->getCanonicalDecl()};
  }
  // "static:..." names a file's own global: never another file's.
  KeyNames.emplace(Name.str(), K);
  return K;
}

const FunctionSummary *
SiblingSummaries::summaryOf(const FunctionDecl *FD) const {
  if (Functions.empty() || !FD || !FD->getIdentifier())
    return nullptr;
  const FunctionDecl *Def = M.definitionOf(FD);
  if ((Def && Def->hasBody()) || !FD->isExternallyVisible())
    return nullptr;
  FD = FD->getCanonicalDecl();
  auto [It, New] = Resolved.try_emplace(FD);
  if (New) {
    auto S = Functions.find(FD->getName().str());
    if (S != Functions.end()) {
      FunctionSummary Sum;
      for (const std::string &N : S->second.Stops)
        if (HandleKey K = keyNamed(N))
          Sum.Stops.insert(K);
      for (const std::string &N : S->second.Reads)
        if (HandleKey K = keyNamed(N))
          Sum.Reads.insert(K);
      for (int I : S->second.StopsParams)
        if (I >= 0)
          Sum.StopsParams.insert(unsigned(I));
      Sum.StopsUnresolved = S->second.StopsUnresolved;
      Sum.TestsStop = S->second.TestsStop;
      Sum.OnSignal = S->second.InterruptedIfNonZero ? SignalResult::NonZero
                                                    : SignalResult::None;
      It->second = std::move(Sum);
    }
  }
  return It->second ? &*It->second : nullptr;
}

llvm::ArrayRef<SiblingUse> SiblingSummaries::usesOf(const HandleKey &K) const {
  auto It = Uses.find(K);
  if (It == Uses.end())
    return {};
  return It->second;
}

llvm::ArrayRef<SiblingCreation>
SiblingSummaries::creationsOf(const HandleKey &K) const {
  auto It = Creations.find(K);
  if (It == Creations.end())
    return {};
  return It->second;
}

llvm::ArrayRef<std::pair<SyncKind, std::string>>
SiblingSummaries::signallersOf(const HandleKey &K) const {
  auto It = Signallers.find(K);
  if (It == Signallers.end())
    return {};
  return It->second;
}

} // namespace clang::tidy::kthread
