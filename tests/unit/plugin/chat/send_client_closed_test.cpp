// SendLimits::ClientClosedMs (send_limits.h, puback_refusal): a client refused by the limits
// stays closed until its wait has passed, a slow-mode refusal does not close it, and the option
// off closes nothing. Also IsSendTopic, which picks the publishes the ACL check looks at.
#include <gtest/gtest.h>

#include "chat/send_limits.h"
#include "protocol/send_topic.h"
#include "protocol/topics.h"

namespace mqchat::chat {
namespace {

SendLimitOptions Options(bool puback_refusal) {
  SendLimitOptions o;
  o.sends = {1, 2};
  o.fanout = {0, 0};
  o.puback_refusal = puback_refusal;
  return o;
}

TEST(SendClientClosedTest, ARefusedClientIsClosedUntilItsWaitHasPassed) {
  SendLimits limits(Options(true));
  EXPECT_EQ(limits.Admit({"u", "c1", "a"}, 1, 0), 0);
  EXPECT_EQ(limits.Admit({"u", "c1", "b"}, 1, 0), 0);
  EXPECT_EQ(limits.ClientClosedMs("c1", 0), 0);
  const int64_t wait = limits.Admit({"u", "c1", "c"}, 1, 0);
  ASSERT_GT(wait, 0);
  EXPECT_EQ(limits.ClientClosedMs("c1", 0), wait);
  EXPECT_EQ(limits.ClientClosedMs("c1", wait - 1), 1);
  EXPECT_EQ(limits.ClientClosedMs("c2", 0), 0) << "another client of the user";
  EXPECT_EQ(limits.ClientClosedMs("c1", wait), 0);
  EXPECT_EQ(limits.Admit({"u", "c1", "c"}, 1, wait), 0) << "admitted after the wait";
}

TEST(SendClientClosedTest, SlowModeAndTheOptionOffCloseNothing) {
  SendLimits on(Options(true));
  EXPECT_GT(on.Admit({"u", "c1", "a"}, 1, 0, /*imposed_wait_ms=*/30000), 0);
  EXPECT_EQ(on.ClientClosedMs("c1", 0), 0) << "slow mode is one conversation's wait";

  SendLimits off(Options(false));
  off.Admit({"u", "c1", "a"}, 1, 0);
  off.Admit({"u", "c1", "b"}, 1, 0);
  EXPECT_GT(off.Admit({"u", "c1", "c"}, 1, 0), 0);
  EXPECT_EQ(off.ClientClosedMs("c1", 0), 0);
}

TEST(SendClientClosedTest, IsSendTopicNamesConversationSendsOnly) {
  EXPECT_TRUE(protocol::IsSendTopic(protocol::RequestTopic(protocol::Op::kSend, 12)));
  EXPECT_TRUE(protocol::IsSendTopic("mqchat/v1/c/12/send"));
  for (const char* t : {"mqchat/v1/c/12/typing", "mqchat/v1/c/12/resend", "mqchat/v1/c/send",
                        "mqchat/v1/req/send", "mqchat/v1/c//send", "send", ""}) {
    EXPECT_FALSE(protocol::IsSendTopic(t)) << t;
  }
}

}  // namespace
}  // namespace mqchat::chat
