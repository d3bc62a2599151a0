// Slow mode's pacing (slow_mode.h) and its refusal through SendLimits (send_limits.h): a
// member waits the interval after each admitted message, per conversation; a refusal imposed
// by slow mode holds back the same client's later sends until the refused one is admitted.
#include "chat/slow_mode.h"

#include <gtest/gtest.h>

#include "chat/send_limits.h"

namespace mqchat::chat {
namespace {

TEST(SlowModeTest, EachMemberWaitsTheIntervalAfterTheirLastMessageInThatConversation) {
  SlowMode slow;
  EXPECT_EQ(slow.WaitMs(1, "bob", 2000, 1000), 0);  // nothing sent yet
  slow.Sent(1, "bob", 2000, 1000);
  EXPECT_EQ(slow.WaitMs(1, "bob", 2000, 1000), 2000);
  EXPECT_EQ(slow.WaitMs(1, "bob", 2000, 2500), 500);
  EXPECT_EQ(slow.WaitMs(1, "bob", 2000, 3000), 0);
  EXPECT_EQ(slow.WaitMs(1, "carol", 2000, 1500), 0);  // another member
  EXPECT_EQ(slow.WaitMs(2, "bob", 2000, 1500), 0);    // another conversation
  EXPECT_EQ(slow.WaitMs(1, "bob", 0, 1500), 0);       // turned off
  EXPECT_EQ(slow.WaitMs(1, "bob", 300, 1500), 300);   // shortened: never more than the interval
  slow.Sent(3, "bob", 0, 1500);                       // off: nothing to remember
  EXPECT_EQ(slow.size(), 1u);
}

TEST(SlowModeTest, AnImposedWaitRefusesWithoutChargingAndHoldsTheClientsLaterSendsBack) {
  SendLimitOptions options;
  options.sends = {10, 1};  // one token: a charged send would leave none
  options.fanout = {0, 0};
  SendLimits limits(options);
  EXPECT_EQ(limits.Admit({"bob", "bob/d1", "m1"}, 1, 0, /*imposed_wait_ms=*/700), 700);
  // m2, behind the refused m1 on the same client, is held back even without an imposed wait.
  EXPECT_GT(limits.Admit({"bob", "bob/d1", "m2"}, 1, 10), 0);
  // m1 back after its wait: admitted, and the bucket was never charged by the refusals.
  EXPECT_EQ(limits.Admit({"bob", "bob/d1", "m1"}, 1, 700), 0);
  EXPECT_GT(limits.Admit({"bob", "bob/d2", "x"}, 1, 700), 0);  // the one token is gone now
}

}  // namespace
}  // namespace mqchat::chat
