//===--- KthreadApi.h - kthread-lint ---------------------------*- C++ -*-===//
//
// The kthread API as the checks see it: which functions create, wake, park,
// stop or test a kernel thread, per ../shared/kthread-contract.md.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_KTHREADAPI_H
#define KTHREAD_LINT_CHECKER_KTHREADAPI_H

#include "llvm/ADT/StringRef.h"
#include <optional>

namespace clang::tidy::kthread {

/// What a creation API hands back and whether it already woke the thread.
enum class CreationKind {
  Create,       ///< kthread_create*: a sleeping task_struct, must be woken.
  Run,          ///< kthread_run*: created and woken.
  CreateWorker, ///< kthread_create_worker*: a kthread_worker.
  RunWorker,    ///< kthread_run_worker*: a kthread_worker, woken.
};

struct CreationApi {
  CreationKind Kind;
  bool BoundToCpu;  ///< *_on_cpu: the name format takes the cpu number.
  int ThreadFnArg;  ///< Index of the thread function, -1 for workers.
  int DataArg;      ///< Index of the data argument, -1 for workers.
  int NameArg;      ///< Index of the name format.
};

/// Looks up a creation function or macro by the name the user wrote
/// (kthread_run, kthread_create_on_node, ...).
std::optional<CreationApi> lookupCreationApi(llvm::StringRef Name);

/// What a call does to the handle passed as its first argument.
enum class HandleOp {
  Wake,          ///< wake_up_process
  Park,          ///< kthread_park
  Unpark,        ///< kthread_unpark
  Bind,          ///< kthread_bind, kthread_bind_mask, set_cpus_allowed_ptr
  Stop,          ///< kthread_stop
  StopPut,       ///< kthread_stop_put: stop and drop a reference
  DestroyWorker, ///< kthread_destroy_worker
  GetRef,        ///< get_task_struct
  PutRef,        ///< put_task_struct
};

std::optional<HandleOp> lookupHandleOp(llvm::StringRef Name);

/// True for the operations that stop a thread (kthread_stop*,
/// kthread_destroy_worker).
inline bool isStopOp(HandleOp Op) {
  return Op == HandleOp::Stop || Op == HandleOp::StopPut ||
         Op == HandleOp::DestroyWorker;
}

/// IS_ERR(), IS_ERR_OR_NULL(), PTR_ERR_OR_ZERO(): true when the pointer is an
/// error (PTR_ERR_OR_ZERO: non-zero).
bool isErrPtrTest(llvm::StringRef Name);

/// Functions that read an error pointer without using it as a task:
/// the tests above plus PTR_ERR(), ERR_CAST().
bool isErrPtrAccessor(llvm::StringRef Name);

/// kthread_should_stop(), kthread_freezable_should_stop(),
/// kthread_should_stop_or_park().
bool isStopTest(llvm::StringRef Name);

/// Functions that end the calling kthread from inside.
bool isThreadExit(llvm::StringRef Name);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_KTHREADAPI_H
