// Moderation in text channels (issues 18 and 24), over a real broker and mqchatctl, on SQLite
// and PostgreSQL: a member who may view a channel reports a message there (a member without
// view permission and an outsider get NOT_MEMBER, as for a conversation they are not in); the
// operator's delete of it (`mqchatctl reports resolve --delete-message`, a process beside the
// broker) reaches the channel's connected readers live, on the channel topic, once, through a
// broker notice (docs/ARCHITECTURE.md "Broker notices").
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/ctl_command.h"
#include "support/guild_fixture.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

class ChannelModerationTest : public GuildFixture {
 protected:
  RunResult Ctl(const std::vector<std::string>& words) { return RunCtl(*server_, words); }
  static ChatResponse ReportMessage(ChatTestClient& c, int64_t channel, int64_t seq,
                                    const std::string& id) {
    return c.Request(Op::kReport, 0,
                     {{"client_msg_id", id},
                      {"conversation_id", std::to_string(channel)},
                      {"seq", seq},
                      {"reason", "spam"}});
  }
};

TEST_P(ChannelModerationTest, OnlyReadersOfAChannelReportItsMessages) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "mallory", "bob", "eve"});
  auto olga = Login("olga");
  auto mallory = Login("mallory");
  auto bob = Login("bob");
  auto eve = Login("eve");  // in no server
  Guild(*olga, {mallory.get(), bob.get()});
  const int64_t staff = MakeChannel(*olga, "staff");
  HideFromEveryone(*olga, staff);
  ASSERT_TRUE(mallory->Send(general_, "buy cheap pills", "m1").ok());
  ASSERT_TRUE(olga->Send(staff, "staff only", "s1").ok());
  Barrier(*bob);

  auto filed = ReportMessage(*bob, general_, 1, "r1");
  ASSERT_TRUE(filed.ok()) << filed.Describe();
  EXPECT_EQ(ReportMessage(*eve, general_, 1, "r2").error_code(), "NOT_MEMBER");
  EXPECT_EQ(ReportMessage(*bob, staff, 1, "r3").error_code(), "NOT_MEMBER");
  // The queue holds bob's report only, with the channel message's text.
  auto listed = Ctl({"--json", "reports", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  const json queue = json::parse(listed.output);
  ASSERT_EQ(queue.size(), 1u) << queue.dump();
  EXPECT_EQ(queue[0]["reporter"], "bob");
  EXPECT_EQ(queue[0]["reported_user"], "mallory");
  EXPECT_EQ(queue[0]["message_text"], "buy cheap pills");
}

TEST_P(ChannelModerationTest, AModeratorDeleteReachesTheChannelsReadersLiveOnce) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "mallory", "bob"});
  auto olga = Login("olga");
  auto mallory = Login("mallory");
  auto bob = Login("bob");
  Guild(*olga, {mallory.get(), bob.get()});
  // The readers live (mallory, the sender, does not subscribe).
  std::vector<ChatTestClient*> readers = {olga.get(), bob.get()};
  for (ChatTestClient* c : readers) {
    Barrier(*c);
    ASSERT_EQ(c->mqtt().Subscribe(protocol::ChannelTopic(general_)), kGranted) << c->user();
  }
  ASSERT_TRUE(mallory->Send(general_, "buy cheap pills", "m1").ok());  // seq 1
  for (ChatTestClient* c : readers) {
    auto live = NextChannelMessage(*c, general_);
    ASSERT_TRUE(live) << c->user();
    EXPECT_EQ((*live)["seq"], 1);
  }
  auto filed = ReportMessage(*bob, general_, 1, "r1");
  ASSERT_TRUE(filed.ok()) << filed.Describe();
  const std::string id = (*filed.body)["report_id"];

  auto resolved = Ctl({"reports", "resolve", id, "--delete-message"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.output;
  for (ChatTestClient* c : readers) {
    auto live = NextChannelMessage(*c, general_);
    ASSERT_TRUE(live) << c->user() << " got no live delete";
    EXPECT_EQ((*live)["seq"], 2) << live->dump();
    EXPECT_EQ((*live)["kind"], "delete");
    EXPECT_EQ((*live)["sender"], "operator");
    EXPECT_EQ((*live)["target_seq"], 1);
  }
  // Once: the next live event of the channel is the next entry, not the delete again.
  ASSERT_TRUE(mallory->Send(general_, "sorry", "m2").ok());  // seq 3
  for (ChatTestClient* c : readers) {
    auto next = NextChannelMessage(*c, general_);
    ASSERT_TRUE(next) << c->user();
    EXPECT_EQ((*next)["seq"], 3) << c->user() << ": " << next->dump();
  }
  // And history shows the tombstone.
  auto page = bob->Request(Op::kHistory, general_, {{"limit", 10}});
  ASSERT_TRUE(page.ok()) << page.Describe();
  ASSERT_FALSE((*page.body)["messages"].empty());
  EXPECT_EQ((*page.body)["messages"][0]["seq"], 1);
  EXPECT_EQ((*page.body)["messages"][0]["deleted"], true);
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelModerationTest);

}  // namespace
}  // namespace mqchat::test
