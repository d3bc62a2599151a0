// Typing, moderator deletions and slow mode of a text channel across two brokers sharing one
// PostgreSQL and one Redis (issue 18; docs/PROTOCOL.md "Channel messages"): typing through one
// broker reaches a reader on the other over the bus, and not a member of the other broker who
// may not view the channel; a moderator's deletion through one broker reaches the readers on
// the other live; a slow mode set through one broker paces a member sending through the other.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "protocol/community.h"
#include "protocol/topics.h"
#include "support/guild_requests.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::ChannelTopic;
using protocol::Op;

constexpr int kBroker1 = 0;
constexpr int kBroker2 = 1;
constexpr std::chrono::milliseconds kWait{10000};

class SharedChannelOpsTest : public SharedBrokersTest, protected GuildRequests {
 protected:
  // bob sends until broker 2 has the channel's slow mode: the per-user send limits must not
  // refuse him first (their refusal is RATE_LIMITED too, without the slow mode's wait).
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"send_rate_per_s", "0"}};
  }
};

TEST_F(SharedChannelOpsTest, TypingDeletionsAndSlowModeHoldAcrossBrokers) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto olga = Login(kBroker1, "olga");
  auto bob = Login(kBroker2, "bob");
  auto cat = Login(kBroker2, "cat");
  auto dan = Login(kBroker1, "dan");

  Guild(*olga, {bob.get(), cat.get(), dan.get()});
  const int64_t general = general_;
  ASSERT_NE(general, 0);
  // cat may not view general (its own deny override), bob may.
  Override(*olga, general, {{"user", "cat"}}, 0, kViewChannel);
  ASSERT_FALSE(GiveRole(*olga, "dan", kManageMessages).empty());
  Barrier(*dan);
  ASSERT_EQ(SubscribeChannel(*bob, general), kGranted);
  EXPECT_NE(cat->mqtt().Subscribe("mqchat/v1/ch/#"), 1);
  EXPECT_NE(cat->mqtt().Subscribe(ChannelTopic(general)), 1);

  // Typing through broker 1 reaches bob on broker 2, over the bus.
  auto typed = olga->Request(Op::kTyping, general, {{"typing", true}});
  ASSERT_TRUE(typed.ok()) << typed.Describe();
  auto typing = NextChannelMessage(*bob, general);
  ASSERT_TRUE(typing) << "no typing across brokers";
  EXPECT_EQ((*typing)["type"], "typing");
  EXPECT_EQ((*typing)["user"], "olga");

  // dan (manage_messages) deletes bob's message through broker 1: bob on broker 2 sees it.
  ASSERT_TRUE(bob->Send(general, "hello", "b1").ok());
  auto first = NextChannelMessage(*bob, general);
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["seq"], 1);
  auto deleted = dan->Request(Op::kDelete, general, {{"client_msg_id", "d1"}, {"seq", 1}});
  ASSERT_TRUE(deleted.ok()) << deleted.Describe();
  auto tombstone = NextChannelMessage(*bob, general);
  ASSERT_TRUE(tombstone) << "no deletion across brokers";
  EXPECT_EQ((*tombstone)["kind"], "delete");
  EXPECT_EQ((*tombstone)["target_seq"], 1);
  // cat (no view) got none of it: a direct message after it arrives first.
  const int64_t dm_id = olga->OpenDirect("cat");
  ASSERT_TRUE(olga->Send(dm_id, "marker", "m1").ok());
  ASSERT_EQ(cat->WaitMessages(dm_id, 1).size(), 1u);
  EXPECT_FALSE(cat->mqtt().WaitMessage(std::chrono::milliseconds(0), ChannelTopic(general)));

  // Slow mode set through broker 1 paces bob on broker 2 once his cache has it.
  auto set = olga->Request(Op::kSetSlowMode, 0,
                           {{"conversation_id", std::to_string(general)}, {"seconds", 120}});
  ASSERT_TRUE(set.ok()) << set.Describe();
  int n = 0;
  // Until broker 2's reload: at most one message passes per try after the first admitted.
  ChatResponse last;
  WaitFor(
      [&] {
        last = bob->Send(general, "paced", "p" + std::to_string(++n));
        return last.error_code() == "RATE_LIMITED";
      },
      kWait, "bob paced on broker 2");
  // The channel's slow mode (120 s), not a send limit (off here): the wait is of the interval.
  const int64_t retry = (*last.body)["error"].value("retry_after_ms", int64_t{0});
  EXPECT_GT(retry, 60000) << last.Describe();
  EXPECT_LE(retry, 120000) << last.Describe();
  EXPECT_EQ((*last.body)["error"].value("message", ""),
            "this conversation is in slow mode; wait " + std::to_string(retry) +
                " ms before sending again");
}

}  // namespace
}  // namespace mqchat::test
