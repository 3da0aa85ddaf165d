//===--- KthreadApi.cpp - kthread-lint ------------------------------------===//

#include "KthreadApi.h"
#include "llvm/ADT/StringSwitch.h"

namespace clang::tidy::kthread {

std::optional<CreationApi> lookupCreationApi(llvm::StringRef Name) {
  using K = CreationKind;
  return llvm::StringSwitch<std::optional<CreationApi>>(Name)
      .Case("kthread_create", CreationApi{K::Create, false, 0, 1, 2})
      .Case("kthread_create_on_node", CreationApi{K::Create, false, 0, 1, 3})
      .Case("kthread_create_on_cpu", CreationApi{K::Create, true, 0, 1, 3})
      .Case("kthread_run", CreationApi{K::Run, false, 0, 1, 2})
      .Case("kthread_run_on_cpu", CreationApi{K::Run, true, 0, 1, 3})
      .Case("kthread_create_worker", CreationApi{K::CreateWorker, false, -1, -1, 1})
      .Case("kthread_create_worker_on_cpu", CreationApi{K::CreateWorker, true, -1, -1, 2})
      .Case("kthread_create_worker_on_node", CreationApi{K::CreateWorker, false, -1, -1, 2})
      .Case("kthread_run_worker", CreationApi{K::RunWorker, false, -1, -1, 1})
      .Case("kthread_run_worker_on_cpu", CreationApi{K::RunWorker, true, -1, -1, 2})
      .Default(std::nullopt);
}

std::optional<HandleOp> lookupHandleOp(llvm::StringRef Name) {
  return llvm::StringSwitch<std::optional<HandleOp>>(Name)
      .Case("wake_up_process", HandleOp::Wake)
      .Case("kthread_park", HandleOp::Park)
      .Case("kthread_unpark", HandleOp::Unpark)
      .Cases("kthread_bind", "kthread_bind_mask", "set_cpus_allowed_ptr",
             HandleOp::Bind)
      .Case("kthread_stop", HandleOp::Stop)
      .Case("kthread_stop_put", HandleOp::StopPut)
      .Case("kthread_destroy_worker", HandleOp::DestroyWorker)
      .Case("get_task_struct", HandleOp::GetRef)
      .Case("put_task_struct", HandleOp::PutRef)
      .Default(std::nullopt);
}

bool isErrPtrTest(llvm::StringRef Name) {
  return Name == "IS_ERR" || Name == "IS_ERR_OR_NULL" ||
         Name == "PTR_ERR_OR_ZERO";
}

bool isErrPtrAccessor(llvm::StringRef Name) {
  return isErrPtrTest(Name) || Name == "PTR_ERR" || Name == "ERR_CAST";
}

bool isStopTest(llvm::StringRef Name) {
  return Name == "kthread_should_stop" ||
         Name == "kthread_freezable_should_stop" ||
         Name == "kthread_should_stop_or_park";
}

bool isThreadExit(llvm::StringRef Name) {
  return Name == "kthread_exit" || Name == "kthread_complete_and_exit" ||
         Name == "module_put_and_kthread_exit" || Name == "do_exit";
}

} // namespace clang::tidy::kthread
