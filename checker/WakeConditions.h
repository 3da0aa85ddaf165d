//===--- WakeConditions.h - kthread-lint -----------------------*- C++ -*-===//
//
// What ordinary data wakers tell a thread: the fields and globals that a
// function outside the thread updates before it wakes the thread
// (wake_up_process() on the thread's handle, or wake_up*() on a wait queue
// the thread adds itself to). Reading such a place and only then setting a
// sleeping state loses the wake-up that comes in between, the same way a
// stop test before set_current_state() loses kthread_stop()'s.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_WAKECONDITIONS_H
#define KTHREAD_LINT_CHECKER_WAKECONDITIONS_H

#include "KthreadModel.h"
#include <set>
#include <vector>

namespace clang::tidy::kthread {

struct WakeCondition {
  HandleKey Place;         ///< A field (of every object of its type) or global.
  std::string PlaceText;   ///< `skt->thread_events`, for messages.
  const CallExpr *Wake;    ///< The waker's wake-up after the update.
  const FunctionDecl *Waker;
};

/// The wake conditions of the thread that runs \p ThreadFn, whose code is
/// \p ThreadCode (the thread function and the callees followed).
std::vector<WakeCondition>
wakeConditions(const KthreadModel &M, const FunctionDecl *ThreadFn,
               const std::set<const FunctionDecl *> &ThreadCode);

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_WAKECONDITIONS_H
