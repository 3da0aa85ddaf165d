//===--- KthreadModel.h - kthread-lint -------------------------*- C++ -*-===//
//
// The shared model of a translation unit: every kthread creation site, where
// each handle is stored, which function each thread runs, and every call that
// wakes, parks, binds, stops or pins a handle. It is built once per
// translation unit, on the first request of any check, and shared by all.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_KTHREADMODEL_H
#define KTHREAD_LINT_CHECKER_KTHREADMODEL_H

#include "KthreadApi.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace clang::tidy::kthread {

/// An lvalue that can hold a handle, as a chain from a variable through
/// fields: `t`, `priv->task`, `dev->priv->worker`, `threads[i]`, or from the
/// object a call returns (`EXT4_SB(sb)->s_mmp_tsk`; Base is null). Array
/// indices are not distinguished: `threads[i]` and `threads[j]` are one place.
struct AccessPath {
  const VarDecl *Base = nullptr;
  llvm::SmallVector<const FieldDecl *, 2> Fields;
  bool ArrayElement = false;
  /// True when the place lives on after the function returns: a global or
  /// static, or anything reached through a pointer.
  bool Persistent = false;
  /// No variable: the object a call (`EXT4_SB(sb)->...`, named here for
  /// messages) or a statement expression yields.
  llvm::StringRef BaseCallee;

  bool operator<(const AccessPath &O) const {
    return std::tie(Base, Fields, ArrayElement) <
           std::tie(O.Base, O.Fields, O.ArrayElement);
  }
  bool operator==(const AccessPath &O) const {
    return Base == O.Base && Fields == O.Fields &&
           ArrayElement == O.ArrayElement;
  }
  /// `priv->task` or `t`, for messages.
  std::string spelling() const;
  /// `priv` is a prefix of `priv->task` (and of itself).
  bool isPrefixOf(const AccessPath &Of) const {
    return Base == Of.Base && Fields.size() <= Of.Fields.size() &&
           std::equal(Fields.begin(), Fields.end(), Of.Fields.begin());
  }
  bool overlaps(const AccessPath &O) const {
    return isPrefixOf(O) || O.isPrefixOf(*this);
  }
};

/// The place an lvalue expression names, looking through parentheses and
/// casts; nullopt for anything else (calls, arithmetic, ...).
std::optional<AccessPath> accessPathOf(const Expr *E);

/// The object a call argument names: `priv`, or `obj` in `&obj`.
std::optional<AccessPath> objectOfArg(const Expr *Arg);

/// The name of the function \p C calls directly, or empty.
inline llvm::StringRef calleeName(const CallExpr *C) {
  if (const FunctionDecl *FD = C->getDirectCallee())
    if (const IdentifierInfo *II = FD->getIdentifier())
      return II->getName();
  return {};
}

/// Every call inside \p S, in source order.
std::vector<const CallExpr *> callsIn(const Stmt *S);

/// Looks through what does not change a condition's meaning: parentheses,
/// implicit casts, `!` (each flips \p Negated), __builtin_expect() (likely(),
/// unlikely()) and the value of a statement expression (WARN_ON()).
const Expr *unwrapCondition(const Expr *E, bool &Negated);

/// The condition a two-way branch at the end of \p B tests: for
/// `if (a || b)` the block of `b` branches on `b`, not on the whole `||`.
const Expr *branchCondition(const CFGBlock &B);

/// NULL, 0, `(void *)0`: a null pointer constant.
inline bool isNullConstant(const Expr *E, const ASTContext &Ctx) {
  return E->isNullPointerConstant(const_cast<ASTContext &>(Ctx),
                                  Expr::NPC_ValueDependentIsNotNull) !=
         Expr::NPCK_NotNull;
}

/// For `x == NULL`, `0 != x`, ...: x; else null.
inline const Expr *comparedWithNull(const BinaryOperator *BO,
                                    const ASTContext &Ctx) {
  const Expr *L = BO->getLHS(), *R = BO->getRHS();
  if (isNullConstant(L, Ctx))
    std::swap(L, R);
  return isNullConstant(R, Ctx) ? L : nullptr;
}

/// Declared in a kernel header (`include/linux/...`), not by the module:
/// such a function does not stop a module's thread it is not handed.
bool isKernelApi(const FunctionDecl *FD, const SourceManager &SM);

/// Whether the headers of the translation unit declare what shows \p F.
bool headersDeclare(const ASTContext &Ctx, ApiFeature F);

/// Whether kthread_create_worker() leaves the worker's task asleep: kernels
/// that declare kthread_run_worker() (v6.14, and trees that backport it).
inline bool workerCreationSleeps(const ASTContext &Ctx) {
  return headersDeclare(Ctx, ApiFeature::WorkerCreationSleeps);
}

/// The running task, in each architecture's spelling of `current`: a call
/// of get_current() (x86, arm64, powerpc64, riscv), a macro `current` over
/// a field (s390's lowcore), or a global register variable `current`
/// (32-bit powerpc).
bool isCurrentTask(const Expr *E, const ASTContext &Ctx);

/// Strips parentheses, casts, `&` on functions, and statement expressions
/// down to the value they yield (`({ ...; __k; })` yields `__k`).
const Expr *stripValue(const Expr *E);

/// Where a handle is kept, across the translation unit: a local variable of
/// one function, a global (or static), or a field of a record type (every
/// object of that type), optionally an element of an array there.
struct HandleKey {
  enum KindTy { None, Local, Global, Field } Kind = None;
  const ValueDecl *Decl = nullptr; ///< VarDecl, or FieldDecl for Field.

  static HandleKey of(const AccessPath &P);
  explicit operator bool() const { return Kind != None; }
  bool operator==(const HandleKey &O) const {
    return Kind == O.Kind && Decl == O.Decl;
  }
  bool operator<(const HandleKey &O) const {
    return std::tie(Kind, Decl) < std::tie(O.Kind, O.Decl);
  }
};

/// What happens to the value of a creation call.
enum class Destination {
  Stored,    ///< Assigned to a variable, field, global or array element.
  Returned,  ///< Returned to the caller: the caller's business.
  Escaped,   ///< Passed to a function the model does not know.
  Discarded, ///< Evaluated for nothing.
  Other,     ///< Anything else (a condition, an operand, ...).
};

struct ThreadCreation {
  /// The call to the creation function; for a kthread_run macro the
  /// kthread_create_on_node call inside it.
  const CallExpr *Call = nullptr;
  /// The expression whose value is the handle: the call, or the whole
  /// statement expression of a kthread_run-style macro.
  const Expr *Result = nullptr;
  /// The API as the user wrote it ("kthread_run", a wrapper name, ...).
  std::string ApiName;
  CreationApi Api{};
  /// Where the user wrote the creation (the macro name, not its body).
  SourceLocation Loc;
  const FunctionDecl *Enclosing = nullptr;
  /// Thread functions the first argument can name (several for ops tables).
  llvm::SmallVector<const FunctionDecl *, 1> ThreadFns;
  const Expr *DataArg = nullptr;
  const Expr *NameArg = nullptr;
  llvm::SmallVector<const Expr *, 2> NameArgs;
  Destination Dest = Destination::Other;
  /// For Dest == Stored: where, and the assignment or declaration doing it.
  std::optional<AccessPath> StoredTo;
  HandleKey Key;
  SourceLocation StoreLoc;
  /// Fields and globals a local holding the handle is copied into
  /// (`t = kthread_run(...); ...; dev->task = t;`).
  llvm::SmallVector<HandleKey, 1> CopiedTo;
};

struct HandleUse {
  const CallExpr *Call = nullptr;
  HandleOp Op;
  std::optional<AccessPath> Path;
  HandleKey Key;
  const FunctionDecl *Enclosing = nullptr;
};

/// Options that change what the model sees; checks pass theirs.
struct ModelConfig {
  /// User functions that wrap a creation API and return its result.
  std::vector<std::string> ExtraCreateFunctions;
  /// User predicates that test kthread_should_stop() for the thread.
  std::vector<std::string> ExtraStopTests;
  /// The folder of the first pass's summaries of the other files of the
  /// driver (SiblingSummaries.h); empty: this file alone.
  std::string ReadSummaries;
  bool operator==(const ModelConfig &O) const {
    return ExtraCreateFunctions == O.ExtraCreateFunctions &&
           ExtraStopTests == O.ExtraStopTests &&
           ReadSummaries == O.ReadSummaries;
  }
};

/// A fact about the translation unit that an analysis computes on first
/// use and the model keeps for every check (KthreadModel::facet()). Each
/// facet class has `static const char ID;` and a constructor from the model.
class ModelFacet {
public:
  virtual ~ModelFacet() = default;
};

class KthreadModel {
public:
  KthreadModel(ASTContext &Ctx, ModelConfig Config);
  ~KthreadModel();

  /// The model of the translation unit being matched; built on the first
  /// call and shared until the next translation unit starts.
  static const KthreadModel &get(ASTContext &Ctx, const ModelConfig &Config);
  /// Forgets the cached model; called when a translation unit starts.
  static void invalidate();

  ASTContext &context() const { return Ctx; }
  const ModelConfig &config() const { return Config; }
  const std::vector<ThreadCreation> &creations() const { return Creations; }
  const std::vector<HandleUse> &uses() const { return Uses; }
  /// The uses of a handle kept at \p Key.
  llvm::SmallVector<const HandleUse *, 4> usesOf(const HandleKey &Key) const;
  /// The creations that run \p ThreadFn.
  llvm::ArrayRef<const ThreadCreation *> creationsRunning(const FunctionDecl *ThreadFn) const;
  /// Functions with a body that read the field or global \p Key.
  llvm::ArrayRef<const FunctionDecl *> readersOf(const HandleKey &Key) const;
  const std::map<HandleKey, std::vector<const FunctionDecl *>> &readers() const {
    return Readers;
  }
  /// Whether \p Loc is in the module's own code: the main file, a `.c` file
  /// it includes, or a header beside it (the driver's own header).
  bool isModuleCode(SourceLocation Loc) const;
  /// The creation at \p Result, if \p Result is one.
  const ThreadCreation *creationAt(const Expr *Result) const;
  const ThreadCreation *creationByCall(const CallExpr *Call) const;
  /// Resolves a call's callee name, also through creation-API macros.
  bool isCreateWrapper(llvm::StringRef Name) const;

  /// Clang's CFG of \p FD, built once (every sub-expression is an element).
  const CFG *cfgOf(const FunctionDecl *FD) const;

  /// Functions with a body in this translation unit, by declaration.
  const FunctionDecl *definitionOf(const FunctionDecl *FD) const;

  /// True when \p S tests kthread_should_stop() (or a variant or configured
  /// predicate), itself or in a called function of this translation unit
  /// (CalleeSummaries).
  bool testsStop(const Stmt *S) const;
  bool functionTestsStop(const FunctionDecl *FD) const;
  bool isStopTestName(llvm::StringRef Name) const;
  /// True the first time it is asked: the translation unit's summary is
  /// written once, by whichever check comes first.
  bool claimSummaryWrite() const { return !std::exchange(SummaryClaimed, true); }
  /// The facet \p F (StopConditions, StartSummaries, ...), made on first use.
  template <typename F> const F &facet() const {
    auto It = Facets.find(&F::ID);
    if (It == Facets.end()) {
      // Made before it is stored: a facet's constructor may ask for others.
      std::unique_ptr<ModelFacet> Made = std::make_unique<F>(*this);
      It = Facets.try_emplace(&F::ID, std::move(Made)).first;
    }
    return static_cast<const F &>(*It->second);
  }

  /// True when, in \p FD's CFG, some path leads from \p From to \p To
  /// (both evaluated statements of \p FD).
  bool reaches(const FunctionDecl *FD, const Stmt *From, const Stmt *To) const;
  /// The CFG block and element index of \p S in \p FD's CFG.
  std::optional<std::pair<const CFGBlock *, unsigned>>
  cfgPosition(const FunctionDecl *FD, const Stmt *S) const;

  /// The creations whose handle a stop site's argument names: the same
  /// local in the same function, or the same field or global anywhere.
  llvm::SmallVector<const ThreadCreation *, 2> creationsFor(const HandleUse &U) const;

private:
  friend class ModelBuilder;
  ASTContext &Ctx;
  ModelConfig Config;
  std::vector<ThreadCreation> Creations;
  std::vector<HandleUse> Uses;
  llvm::DenseMap<const Expr *, size_t> CreationByResult;
  llvm::DenseMap<const CallExpr *, size_t> CreationByCall;
  std::map<HandleKey, std::vector<const FunctionDecl *>> Readers;
  /// Creations by the key they are stored under, for creationsFor().
  std::map<HandleKey, std::vector<size_t>> CreationsByKey;
  /// Uses by key, for usesOf(); creations by thread function.
  std::map<HandleKey, llvm::SmallVector<const HandleUse *, 4>> UsesByKey;
  llvm::DenseMap<const FunctionDecl *, llvm::SmallVector<const ThreadCreation *, 1>>
      CreationsByThreadFn;
  mutable llvm::DenseMap<const FunctionDecl *, std::unique_ptr<CFG>> Cfgs;
  mutable llvm::DenseMap<const FunctionDecl *,
                         llvm::DenseMap<const Stmt *, std::pair<const CFGBlock *, unsigned>>>
      CfgIndex;
  mutable llvm::DenseMap<const void *, std::unique_ptr<ModelFacet>> Facets;
  mutable bool SummaryClaimed = false;
};

/// The macros a location was expanded from, each expansion step (which
/// macro, expanded where) looked up once per translation unit: the chains of
/// a function's statements meet in the same few expansions, and the checks
/// ask about most statements.
class MacroExpansions : public ModelFacet {
public:
  static const char ID;
  explicit MacroExpansions(const KthreadModel &M);

  /// The outermost macro around \p Loc whose name \p Pred accepts, or
  /// empty; \p Written, if given, is set to where that macro is written.
  llvm::StringRef outer(SourceLocation Loc,
                        llvm::function_ref<bool(llvm::StringRef)> Pred,
                        SourceLocation *Written = nullptr) const;

private:
  /// One step outwards from a macro location: the macro expanded there
  /// (empty inside a macro argument) and the location it was expanded at.
  struct Step {
    llvm::StringRef Macro;
    SourceLocation Next;
  };
  Step stepFrom(SourceLocation Loc) const;

  const SourceManager &SM;
  const LangOptions &LO;
  mutable llvm::DenseMap<SourceLocation, Step> Steps;
};

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_KTHREADMODEL_H
