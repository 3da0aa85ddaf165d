//===--- KthreadApiTest.cpp - kthread-lint --------------------------------===//
//
// The call-effects table: what each kernel call does, the precedence of its
// rows, and that the questions the checks ask agree with one another.
//
//===----------------------------------------------------------------------===//

#include "KthreadApi.h"
#include "gtest/gtest.h"

using namespace clang::tidy::kthread;

TEST(KthreadApi, CreationRowsGiveTheirArguments) {
  std::optional<CreationApi> Run = lookupCreationApi("kthread_run_on_cpu");
  ASSERT_TRUE(Run);
  EXPECT_EQ(Run->Kind, CreationKind::Run);
  EXPECT_TRUE(Run->BoundToCpu);
  EXPECT_EQ(Run->NameArg, 3);
  EXPECT_TRUE(effectsOf("kthread_create").has(effect::Creates));
  EXPECT_FALSE(lookupCreationApi("kthread_create_foo"));
}

TEST(KthreadApi, EveryThreadExitEndsTheThread) {
  // The exits that LeakedThreadCheck and the stop analyses once listed apart.
  for (const char *N : {"kthread_exit", "kthread_complete_and_exit",
                        "complete_and_exit", "module_put_and_kthread_exit",
                        "__module_put_and_kthread_exit", "do_exit"})
    EXPECT_TRUE(isThreadExit(N)) << N;
  EXPECT_TRUE(effectsOf("complete_and_exit").has(effect::HandsOver));
  EXPECT_FALSE(effectsOf("do_exit").has(effect::HandsOver));
}

TEST(KthreadApi, ExactNamesWinOverPatterns) {
  // wake_up_process() wakes a task; wake_up() signals a queue.
  EXPECT_EQ(lookupHandleOp("wake_up_process"), HandleOp::Wake);
  EXPECT_FALSE(effectsOf("wake_up_process").has(effect::Signals));
  const CallEffects &WakeUp = effectsOf("__wake_up");
  EXPECT_TRUE(WakeUp.has(effect::Signals));
  EXPECT_EQ(WakeUp.Sync, SyncKind::WaitQueue);
  // spin_lock_init() takes nothing.
  EXPECT_FALSE(effectsOf("spin_lock_init").has(effect::Acquires));
  EXPECT_TRUE(effectsOf("spin_lock_irqsave").has(effect::Acquires));
}

TEST(KthreadApi, TheFirstMatchingPatternWins) {
  // A trylock never waits, even when its name starts like a sleeping lock.
  EXPECT_TRUE(effectsOf("down_trylock").has(effect::NeverSleeps));
  EXPECT_FALSE(effectsOf("down_trylock").has(effect::Sleeps));
  EXPECT_TRUE(effectsOf("down_timeout").has(effect::Sleeps));
  // atomic_set() publishes data; atomic_read() only does not sleep.
  EXPECT_TRUE(effectsOf("atomic_set_release").has(effect::PublishesData));
  EXPECT_FALSE(effectsOf("atomic_read").has(effect::PublishesData));
  EXPECT_TRUE(effectsOf("atomic_read").has(effect::NeverSleeps));
  // The hashed queues of wake_up_var() are not a thread's own queue.
  EXPECT_TRUE(effectsOf("wake_up_var").has(effect::ByAddress));
}

TEST(KthreadApi, WaitsSayHowTheyEnd) {
  const CallEffects &W = effectsOf("wait_for_completion_killable_timeout");
  EXPECT_TRUE(W.has(effect::Waits));
  EXPECT_EQ(W.Sync, SyncKind::Completion);
  EXPECT_EQ(W.Mode, WaitMode::Killable);
  EXPECT_TRUE(W.Bounded);
  EXPECT_EQ(W.OnSignal, SignalResult::Negative);
  EXPECT_EQ(effectsOf("down_interruptible").OnSignal, SignalResult::NonZero);
  EXPECT_FALSE(effectsOf("down_interruptible").has(effect::Acquires));
  EXPECT_TRUE(effectsOf("wait_for_completion_io").has(effect::IoWait));
  EXPECT_EQ(effectsOf("mutex_lock_interruptible_nested").OnSignal,
            SignalResult::NonZero);
}

TEST(KthreadApi, WaitEventMacrosByName) {
  const MacroEffects &I = macroEffectsOf("wait_event_interruptible_timeout");
  EXPECT_TRUE(I.has(macro::WaitEvent));
  EXPECT_EQ(I.Mode, WaitMode::Interruptible);
  EXPECT_TRUE(I.Bounded);
  EXPECT_EQ(macroEffectsOf("wait_event_freezable").Mode,
            WaitMode::Interruptible);
  EXPECT_EQ(macroEffectsOf("wait_event_killable").Mode, WaitMode::Killable);
  EXPECT_EQ(macroEffectsOf("wait_event").Mode, WaitMode::Uninterruptible);
  EXPECT_TRUE(macroEffectsOf("late_initcall").has(macro::ModuleInit));
  EXPECT_FALSE(macroEffectsOf("pr_info").Flags);
}

TEST(KthreadApi, UnknownNamesHaveNoEffect) {
  EXPECT_EQ(effectsOf("my_driver_helper").Flags, 0u);
  EXPECT_FALSE(effectsOf("").Op);
}

TEST(KthreadApi, ListedTableNamesTheAnchors) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  printApiTable(OS);
  EXPECT_NE(Text.find("function\texact\tkthread_stop_put\ton-handle,sleeps,anchor"),
            std::string::npos);
  EXPECT_NE(Text.find("macro\tprefix\twait_event_killable\twait-event,mode=killable"),
            std::string::npos);
}
