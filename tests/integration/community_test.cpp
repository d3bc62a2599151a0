// Communities (issue 18) over a real broker, on SQLite and PostgreSQL: servers with channels
// and roles, every op checked against the requester's permissions on the writer (FORBIDDEN for
// a member without the flag, NOT_MEMBER for an outsider whether or not the server exists), a
// role taken away takes its power at the next request, invites that expire and run out, bans
// that hold, kicks that do not, and malformed requests refused with BAD_REQUEST.
#include "protocol/community.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "support/chat_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::CommunityOp;

constexpr int64_t kViewChannel = 1;
constexpr int64_t kManageChannels = 8;

class CommunityTest : public ChatFixture {
 protected:
  // Sends community op `op` with `body` and waits for its response.
  ChatResponse Op(ChatTestClient& c, CommunityOp op, json body) {
    const std::string req_id = "c" + std::to_string(++next_req_);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CommunityRequestTopic(op), body.dump(), req_id);
  }
  // Creates a server owned by `c`'s user: its id.
  std::string CreateServer(ChatTestClient& c, const std::string& name) {
    auto r = Op(c, CommunityOp::kServerCreate, {{"name", name}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.ok() ? (*r.body)["server"]["server_id"].get<std::string>() : "0";
  }
  // An invite to `server` made by `c`: its code.
  std::string Invite(ChatTestClient& c, const std::string& server, json extra = json::object()) {
    extra["server_id"] = server;
    auto r = Op(c, CommunityOp::kInviteCreate, extra);
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.ok() ? (*r.body)["invite"]["code"].get<std::string>() : "";
  }
  ChatResponse Join(ChatTestClient& c, const std::string& code) {
    return Op(c, CommunityOp::kInviteJoin, {{"code", code}});
  }

  int next_req_ = 0;
};

TEST_P(CommunityTest, EveryOpIsCheckedAgainstTheRequestersPermissions) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "eve"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto eve = Login("eve");
  const std::string server = CreateServer(*olga, "Guild");
  ASSERT_TRUE(Join(*bob, Invite(*olga, server)).ok());

  // An outsider: NOT_MEMBER, the same for a server that does not exist.
  EXPECT_EQ(Op(*eve, CommunityOp::kChannels, {{"server_id", server}}).error_code(), "NOT_MEMBER");
  EXPECT_EQ(Op(*eve, CommunityOp::kChannels, {{"server_id", "987654321"}}).error_code(),
            "NOT_MEMBER");
  EXPECT_EQ(Op(*eve, CommunityOp::kInviteCreate, {{"server_id", server}}).error_code(),
            "NOT_MEMBER");

  // A member without manage_channels: FORBIDDEN; owner-only ops too.
  const json news = {{"server_id", server}, {"name", "news"}};
  EXPECT_EQ(Op(*bob, CommunityOp::kChannelCreate, news).error_code(), "FORBIDDEN");
  EXPECT_EQ(
      Op(*bob, CommunityOp::kServerRename, {{"server_id", server}, {"name", "x"}}).error_code(),
      "FORBIDDEN");
  EXPECT_EQ(Op(*bob, CommunityOp::kServerDelete, {{"server_id", server}}).error_code(),
            "FORBIDDEN");
  EXPECT_EQ(Op(*bob, CommunityOp::kKick, {{"server_id", server}, {"user", "olga"}}).error_code(),
            "FORBIDDEN");

  // A role with manage_channels lets bob make channels; taken away, it stops at once.
  auto role = Op(*olga, CommunityOp::kRoleCreate,
                 {{"server_id", server}, {"name", "mods"}, {"permissions", kManageChannels}});
  ASSERT_TRUE(role.ok()) << role.Describe();
  const std::string role_id = (*role.body)["role"]["role_id"];
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleAssign, {{"role_id", role_id}, {"user", "bob"}}).ok());
  auto made = Op(*bob, CommunityOp::kChannelCreate, news);
  ASSERT_TRUE(made.ok()) << made.Describe();
  EXPECT_EQ((*made.body)["channel"]["name"], "news");
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleUnassign, {{"role_id", role_id}, {"user", "bob"}}).ok());
  EXPECT_EQ(Op(*bob, CommunityOp::kChannelCreate, news).error_code(), "FORBIDDEN");
  // bob cannot hand himself the role either.
  EXPECT_EQ(
      Op(*bob, CommunityOp::kRoleAssign, {{"role_id", role_id}, {"user", "bob"}}).error_code(),
      "FORBIDDEN");

  // A private channel: hidden from bob's channel list by an @everyone override.
  auto channels = Op(*olga, CommunityOp::kChannels, {{"server_id", server}});
  ASSERT_TRUE(channels.ok());
  ASSERT_EQ((*channels.body)["channels"].size(), 2u);
  const std::string everyone = [&] {
    auto s = Op(*olga, CommunityOp::kServers, json::object());
    return (*s.body)["servers"][0]["everyone_role_id"].get<std::string>();
  }();
  const std::string news_id = (*made.body)["channel"]["channel_id"];
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", news_id}, {"role_id", everyone}, {"deny", kViewChannel}})
                  .ok());
  auto bobs = Op(*bob, CommunityOp::kChannels, {{"server_id", server}});
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ((*bobs.body)["channels"].size(), 1u);
  EXPECT_EQ((*bobs.body)["channels"][0]["name"], "general");

  auto members = Op(*bob, CommunityOp::kServerMembers, {{"server_id", server}});
  ASSERT_TRUE(members.ok());
  EXPECT_EQ((*members.body)["members"].size(), 2u);

  // Deleted by its owner, the server is gone for everyone.
  ASSERT_TRUE(Op(*olga, CommunityOp::kServerDelete, {{"server_id", server}}).ok());
  EXPECT_EQ(Op(*bob, CommunityOp::kChannels, {{"server_id", server}}).error_code(), "NOT_MEMBER");
}

TEST_P(CommunityTest, InvitesExpireAndRunOut) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "ann", "bob", "cat"});
  auto olga = Login("olga");
  auto ann = Login("ann");
  auto bob = Login("bob");
  auto cat = Login("cat");
  const std::string server = CreateServer(*olga, "Guild");
  const std::string once = Invite(*olga, server, {{"max_uses", 1}});
  ASSERT_TRUE(Join(*ann, once).ok());
  auto used = Join(*bob, once);
  EXPECT_EQ(used.error_code(), "INVALID") << used.Describe();

  auto brief = Op(*olga, CommunityOp::kInviteCreate, {{"server_id", server}, {"expires_in_ms", 1}});
  ASSERT_TRUE(brief.ok());
  const int64_t expires_at = (*brief.body)["invite"]["expires_at_ms"];
  // The broker's clock is this machine's: wait until the invite's time has passed.
  ASSERT_TRUE(WaitFor(
      [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() > expires_at;
      },
      std::chrono::seconds(5), "the invite's expiry"));
  auto late = Join(*cat, (*brief.body)["invite"]["code"]);
  EXPECT_EQ(late.error_code(), "INVALID") << late.Describe();
  EXPECT_EQ(Join(*cat, "no-such-code").error_code(), "NOT_FOUND");
  EXPECT_EQ(Op(*cat, CommunityOp::kChannels, {{"server_id", server}}).error_code(), "NOT_MEMBER");
}

TEST_P(CommunityTest, BansHoldAndKicksDoNot) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "cat"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto cat = Login("cat");
  const std::string server = CreateServer(*olga, "Guild");
  const std::string code = Invite(*olga, server);
  ASSERT_TRUE(Join(*bob, code).ok());
  ASSERT_TRUE(Join(*cat, code).ok());
  ASSERT_TRUE(Op(*olga, CommunityOp::kKick, {{"server_id", server}, {"user", "cat"}}).ok());
  EXPECT_EQ(Op(*cat, CommunityOp::kChannels, {{"server_id", server}}).error_code(), "NOT_MEMBER");
  ASSERT_TRUE(Join(*cat, code).ok());  // a kick is not a ban

  ASSERT_TRUE(Op(*olga, CommunityOp::kBan, {{"server_id", server}, {"user", "bob"}}).ok());
  EXPECT_EQ(Op(*bob, CommunityOp::kChannels, {{"server_id", server}}).error_code(), "NOT_MEMBER");
  EXPECT_EQ(Join(*bob, code).error_code(), "INVALID");
  EXPECT_EQ(Join(*bob, Invite(*olga, server)).error_code(), "INVALID");  // any invite

  EXPECT_EQ(Op(*olga, CommunityOp::kServerLeave, {{"server_id", server}}).error_code(), "INVALID");
  ASSERT_TRUE(Op(*cat, CommunityOp::kServerLeave, {{"server_id", server}}).ok());
  auto servers = Op(*cat, CommunityOp::kServers, json::object());
  ASSERT_TRUE(servers.ok());
  EXPECT_TRUE((*servers.body)["servers"].empty());
}

TEST_P(CommunityTest, MalformedRequestsAreBadRequests) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga"});
  auto olga = Login("olga");
  EXPECT_EQ(Op(*olga, CommunityOp::kServerCreate, json::object()).error_code(), "BAD_REQUEST");
  EXPECT_EQ(Op(*olga, CommunityOp::kServerCreate, {{"name", ""}}).error_code(), "BAD_REQUEST");
  EXPECT_EQ(Op(*olga, CommunityOp::kChannels, {{"server_id", "-1"}}).error_code(), "BAD_REQUEST");
  EXPECT_EQ(Op(*olga, CommunityOp::kRoleCreate,
               {{"server_id", "1"}, {"name", "r"}, {"permissions", 1 << 12}})
                .error_code(),
            "BAD_REQUEST");
  EXPECT_EQ(Op(*olga, CommunityOp::kOverrideSet, {{"channel_id", "1"}}).error_code(),
            "BAD_REQUEST");
  auto not_json = olga->RequestOnTopic(protocol::CommunityRequestTopic(CommunityOp::kServers),
                                       "{\"req_id\":\"raw\",", "raw");
  EXPECT_EQ(not_json.error_code(), "BAD_REQUEST") << not_json.Describe();
}

// No channel topic is served yet (docs/ARCHITECTURE.md "Channel delivery"): today the ACL
// refuses every filter that could name a channel, to an outsider and to a member who cannot
// view it alike: exact ids (real and guessed), wildcards at every level, shared subscriptions,
// and the community request topics (nobody reads others' requests).
TEST_P(CommunityTest, NoFilterReachesAChannelOrTheCommunityRequests) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "eve"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto eve = Login("eve");
  const std::string server = CreateServer(*olga, "Guild");
  ASSERT_TRUE(Join(*bob, Invite(*olga, server)).ok());
  auto made = Op(*olga, CommunityOp::kChannelCreate, {{"server_id", server}, {"name", "staff"}});
  ASSERT_TRUE(made.ok()) << made.Describe();
  const std::string channel = (*made.body)["channel"]["channel_id"];
  auto s = Op(*olga, CommunityOp::kServers, json::object());
  const std::string everyone = (*s.body)["servers"][0]["everyone_role_id"];
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", channel}, {"role_id", everyone}, {"deny", kViewChannel}})
                  .ok());
  const std::string guessed = std::to_string(std::stoll(channel) + 1);
  const std::string filters[] = {
      "mqchat/v1/ch/" + channel,
      "mqchat/v1/ch/" + guessed,
      "mqchat/v1/ch/+",
      "mqchat/v1/ch/#",
      "mqchat/v1/+/" + channel,
      "mqchat/+/ch/" + channel,
      "+/v1/ch/" + channel,
      "+/+/+/" + channel,
      "mqchat/v1/s/" + server + "/#",
      "$share/g/mqchat/v1/ch/" + channel,
      "$share/g/mqchat/v1/ch/#",
      "$share/g/#",
      "mqchat/v1/req/#",
      "mqchat/v1/req/" + std::string(protocol::CommunityOpName(CommunityOp::kInviteCreate)),
      "$share/g/mqchat/v1/req/+",
  };
  for (ChatTestClient* c : {bob.get(), eve.get()}) {
    for (const std::string& f : filters) {
      EXPECT_EQ(c->mqtt().Subscribe(f), 0x87) << c->user() << " " << f;
    }
  }
}

MQCHAT_INSTANTIATE_FOR_STORES(CommunityTest);

}  // namespace
}  // namespace mqchat::test
