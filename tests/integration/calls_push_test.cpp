// Push for calls (issue 27; push/call_push.h), on SQLite and PostgreSQL, with the push gateway
// played by HttpTestServer on loopback: a callee with no device online is rung by a
// high-priority "mqchat.call" notification, withdrawn by "mqchat.call_ended" when the call ends;
// a callee who is online is rung on their devices only.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/calls_fixture.h"
#include "support/http_test_server.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::seconds;

class CallPushTest : public ChatFixture, protected CallHelpers {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    ChatFixture::SetUp();
  }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"push_gateway_url", gateway_->Url()}, {"push_app_id", "com.example.chat"}};
  }
  void RegisterPush(ChatTestClient& client, const std::string& token) {
    auto r =
        client.Request(protocol::Op::kPushRegister, 0, {{"platform", "fcm"}, {"token", token}});
    ASSERT_TRUE(r.ok()) << r.Describe();
  }
  // The notifications of type `type` the gateway got for `token`.
  std::vector<json> Sent(const std::string& token, const std::string& type) {
    std::vector<json> out;
    for (const auto& ex : gateway_->Exchanges()) {
      const auto tokens = NotificationTokens(ex.request.json);
      if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) continue;
      if (ex.request.json["notification"].value("type", "") == type) {
        out.push_back(ex.request.json["notification"]);
      }
    }
    return out;
  }

  std::unique_ptr<HttpTestServer> gateway_;
};

TEST_P(CallPushTest, OfflineCalleeIsRungByPushAndTheRingWithdrawnAtTheEnd) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  {
    auto carol = Login("carol", "phone");
    RegisterPush(*carol, "tok-carol");
  }                                  // carol is offline from here on, with a push target
  auto bob = Login("bob", "phone");  // online, with a push target too
  RegisterPush(*bob, "tok-bob");
  auto alice = Login("alice", "laptop");
  const int64_t group = alice->CreateGroup("Team", {"bob", "carol"});
  ASSERT_GT(group, 0);

  auto invite = Call(*alice, CallOp::kInvite, group, {{"video", true}});
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  const std::string id = CallId(invite);
  ASSERT_TRUE(WaitCall(*bob, "ringing", id)) << "bob, online, rings on his device";
  ASSERT_TRUE(WaitFor([&] { return !Sent("tok-carol", "mqchat.call").empty(); }, seconds(15),
                      "carol's call notification"));
  const json ring = Sent("tok-carol", "mqchat.call")[0];
  EXPECT_EQ(ring["prio"], "high");
  EXPECT_EQ(ring["user"], "carol");
  EXPECT_EQ(ring["sender"], "alice");
  EXPECT_EQ(ring["room_id"], std::to_string(group));
  EXPECT_EQ(ring["call"]["call_id"], id);
  EXPECT_EQ(ring["call"]["video"], true);
  EXPECT_EQ(ring["devices"][0]["app_id"], "com.example.chat");

  // alice gives up: carol's ring is withdrawn.
  ASSERT_TRUE(CallWith(*alice, CallOp::kHangup, group, id).ok());
  ASSERT_TRUE(WaitFor([&] { return !Sent("tok-carol", "mqchat.call_ended").empty(); }, seconds(15),
                      "carol's withdrawal"));
  const json withdrawn = Sent("tok-carol", "mqchat.call_ended")[0];
  EXPECT_EQ(withdrawn["call"]["call_id"], id);
  EXPECT_EQ(withdrawn["call"]["reason"], "cancelled");
  EXPECT_EQ(Sent("tok-carol", "mqchat.call").size(), 1u) << "rung once";
  // The worker sends in order: bob's would have come before carol's withdrawal.
  EXPECT_TRUE(Sent("tok-bob", "mqchat.call").empty()) << "bob was online";
  EXPECT_TRUE(Sent("tok-bob", "mqchat.call_ended").empty());
}

MQCHAT_INSTANTIATE_FOR_STORES(CallPushTest);

}  // namespace
}  // namespace mqchat::test
