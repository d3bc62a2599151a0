// The admin API's groups (api/src/admin_groups.h) with the real mqchat-api beside real brokers:
// an app backend creates a group, adds and removes members, and the members' connected devices
// see each change at once, without reconnecting, through the `members` broker notice
// (docs/ARCHITECTURE.md "Broker notices"): the created group's members chat over MQTT; an added
// member gets the members_added event, then the group's messages, and may watch the others'
// presence; a removed member gets member_removed, then nothing more of the group, and may
// neither send nor read its history. On SQLite and PostgreSQL with one broker, and on two
// brokers sharing PostgreSQL (the member on the other broker than the sender). A wrong key is
// 401, bad input a 4xx JSON error, and neither changes anything.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "protocol/topics.h"
#include "support/admin_api.h"
#include "support/chat_fixture.h"
#include "support/shared_brokers.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

constexpr std::chrono::milliseconds kLive{10000};  // a notice: one refresh interval and a read

// The usernames of a conversation JSON's members, sorted.
std::vector<std::string> Names(const json& conversation) {
  std::vector<std::string> out;
  for (const auto& m : conversation["members"]) out.push_back(m["user"]);
  std::sort(out.begin(), out.end());
  return out;
}

// A direct conversation of `a` and `b` for markers, its "created" event consumed on both.
int64_t MarkerConversation(ChatTestClient& a, ChatTestClient& b) {
  const int64_t id = a.OpenDirect(b.user());
  EXPECT_GT(id, 0);
  for (ChatTestClient* c : {&a, &b}) {
    auto created = c->WaitEvent("conversation");
    EXPECT_TRUE(created.has_value()) << c->user() << " was not told of the direct conversation";
  }
  return id;
}

// The next conversation event `client` receives (a test failure if none comes).
json NextConversationEvent(ChatTestClient& client) {
  auto event = client.WaitEvent("conversation", kLive);
  EXPECT_TRUE(event.has_value()) << client.user() << " got no conversation event";
  return event.value_or(json::object());
}

// `removed` gets nothing of `group` sent after its removal: `sender` sends into the group, then
// a marker into `marker_conv`, which `removed` is still in; both would reach `removed` by the
// same broker's publishes to its one session, in that order, so once the marker is here a
// leaked group message would be too.
void ExpectNothingMore(ChatTestClient& sender, ChatTestClient& removed, int64_t group,
                       int64_t marker_conv) {
  auto secret = sender.Send(group, "after the removal", "secret-1");
  ASSERT_TRUE(secret.ok()) << secret.Describe();
  auto marker = sender.Send(marker_conv, "marker", "marker-1");
  ASSERT_TRUE(marker.ok()) << marker.Describe();
  ASSERT_EQ(removed.WaitMessages(marker_conv, 1).size(), 1u) << "no marker";
  EXPECT_TRUE(removed.WaitMessages(group, 1, std::chrono::milliseconds(0)).empty());
  EXPECT_EQ(removed.Send(group, "still here?", "late-1").error_code(), "NOT_MEMBER");
  EXPECT_EQ(removed.Request(Op::kHistory, group, json::object()).error_code(), "NOT_MEMBER");
}

class ApiAdminGroupsTest : public ChatFixture {
 protected:
  void SetUp() override {
    ChatFixture::SetUp();
    if (!server_) return;
    dir_ = std::make_unique<TempDir>("mqchat-admin-groups");
    api_ = std::make_unique<AdminApi>(server_->store_config(), *dir_, /*max_group_members=*/5);
    ASSERT_TRUE(api_->Start());
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<AdminApi> api_;
};

TEST_P(ApiAdminGroupsTest, ChangesReachConnectedMembersAtOnce) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto carol = Login("carol");
  const int64_t marker = MarkerConversation(*alice, *bob);

  // Created: its members' devices hear of it, and they chat.
  const int64_t group = api_->CreateGroup("alice", "from the backend", {"bob"});
  ASSERT_GT(group, 0);
  for (ChatTestClient* member : {alice.get(), bob.get()}) {
    json created = NextConversationEvent(*member);
    EXPECT_EQ(created["event"], "created") << created.dump();
    EXPECT_EQ(created["conversation"]["conversation_id"], std::to_string(group));
    EXPECT_EQ(created["actor"], "");  // the app's backend, not a member
  }
  ASSERT_TRUE(alice->Send(group, "hello team", "m1").ok());
  ASSERT_EQ(bob->WaitMessages(group, 1).size(), 1u);
  auto listed = api_->Call("GET", AdminApi::Members(group));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Names(listed.json["conversation"]), (std::vector<std::string>{"alice", "bob"}));

  // Added: carol's connected device is told, receives the group's messages and may watch
  // alice's presence, without reconnecting.
  auto added = api_->Call("POST", AdminApi::Members(group), R"({"users":["carol","bob"]})");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.json["added"], json::array({"carol"}));  // bob was in already
  json joined = NextConversationEvent(*carol);
  EXPECT_EQ(joined["event"], "members_added") << joined.dump();
  EXPECT_EQ(joined["users"], json::array({"carol"}));
  EXPECT_EQ(NextConversationEvent(*bob)["event"], "members_added");
  ASSERT_TRUE(alice->Send(group, "welcome carol", "m2").ok());
  auto got = carol->WaitMessages(group, 1);
  ASSERT_EQ(got.size(), 1u) << "carol got nothing after being added";
  EXPECT_EQ(got[0]["text"], "welcome carol");
  ASSERT_TRUE(carol->Send(group, "thanks", "c1").ok());
  ASSERT_EQ(bob->WaitMessages(group, 2).size(), 2u);  // both, while he is a member
  EXPECT_TRUE(WaitFor(
      [&] { return carol->mqtt().Subscribe(protocol::PresenceTopic("alice")) == 1; }, kLive,
      "carol may watch alice's presence"));

  // Removed: bob hears of it, then gets nothing more and may neither send nor read.
  auto removed = api_->Call("DELETE", AdminApi::Members(group) + "/bob");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(Names(removed.json["conversation"]), (std::vector<std::string>{"alice", "carol"}));
  json left = NextConversationEvent(*bob);
  EXPECT_EQ(left["event"], "member_removed") << left.dump();
  EXPECT_EQ(left["users"], json::array({"bob"}));
  ExpectNothingMore(*alice, *bob, group, marker);
  EXPECT_EQ(carol->WaitMessages(group, 1).size(), 1u);  // the group goes on without him
}

TEST_P(ApiAdminGroupsTest, WrongKeyAndBadInputChangeNothing) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  const int64_t group = api_->CreateGroup("alice", "team", {});
  ASSERT_GT(group, 0);
  const std::string members = AdminApi::Members(group);
  const std::string create = R"({"owner":"alice","name":"x","members":["bob"]})";

  for (const std::string& key : {std::string(), kTestAdminKey + "x", std::string("Basic abc")}) {
    EXPECT_EQ(api_->Call("POST", "/v1/admin/groups", create, key).status, 401);
    EXPECT_EQ(api_->Call("POST", members, R"({"users":["bob"]})", key).status, 401);
    EXPECT_EQ(api_->Call("DELETE", members + "/alice", "", key).status, 401);
    EXPECT_EQ(api_->Call("GET", members, "", key).status, 401);
  }
  // Create: bad JSON, unknown or mistyped fields, bad names, unknown users, too many.
  for (const char* body :
       {"{not json", R"(["alice"])", R"({"owner":"alice"})", R"({"name":"x"})",
        R"({"owner":"alice","name":"x","admin":true})", R"({"owner":7,"name":"x"})",
        R"({"owner":"alice","name":"x","members":"bob"})",
        R"({"owner":"alice","name":"x","members":["bad name!"]})"}) {
    auto r = api_->Call("POST", "/v1/admin/groups", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_FALSE(r.error_code().empty()) << r.body;
  }
  EXPECT_EQ(api_->Call("POST", "/v1/admin/groups", R"({"owner":"bad name!","name":"x"})").status,
            422);
  EXPECT_EQ(api_->Call("POST", "/v1/admin/groups", R"({"owner":"alice","name":""})").status, 400);
  auto unknown = api_->Call("POST", "/v1/admin/groups",
                            R"({"owner":"alice","name":"x","members":["nobody"]})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  auto full = api_->Call("POST", "/v1/admin/groups",
                         R"({"owner":"alice","name":"x","members":["a1","a2","a3","a4","a5"]})");
  EXPECT_EQ(full.status, 422) << full.body;  // max_group_members 5, the owner included

  // Members: bad ids, unknown groups, a direct conversation, unknown users, the owner.
  EXPECT_EQ(api_->Call("POST", members, R"({"users":[]})").status, 400);
  EXPECT_EQ(api_->Call("POST", members, R"({"users":["bob"],"x":1})").status, 400);
  EXPECT_EQ(api_->Call("POST", members, R"({"users":["nobody"]})").status, 404);
  EXPECT_EQ(api_->Call("POST", "/v1/admin/groups/007/members", R"({"users":["bob"]})").status,
            404);
  EXPECT_EQ(api_->Call("POST", "/v1/admin/groups/99/members", R"({"users":["bob"]})").status,
            404);
  EXPECT_EQ(api_->Call("DELETE", members + "/bob").status, 404);      // not a member
  EXPECT_EQ(api_->Call("DELETE", members + "/alice").status, 403);    // the owner
  EXPECT_EQ(api_->Call("DELETE", members + "/bad%20name").status, 422);
  auto alice = Login("alice");
  const int64_t direct = alice->OpenDirect("bob");
  ASSERT_GT(direct, 0);
  EXPECT_EQ(api_->Call("POST", AdminApi::Members(direct), R"({"users":["carol"]})").status, 404);
  EXPECT_EQ(api_->Call("DELETE", AdminApi::Members(direct) + "/bob").status, 404);

  // Nothing changed: alice's one group still has only her, and she is in no other.
  auto listed = api_->Call("GET", members);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Names(listed.json["conversation"]), std::vector<std::string>{"alice"});
  auto conversations = alice->Request(Op::kConversations, 0, json::object());
  ASSERT_TRUE(conversations.ok()) << conversations.Describe();
  EXPECT_EQ((*conversations.body)["conversations"].size(), 2u);  // the group and the direct one
}

MQCHAT_INSTANTIATE_FOR_STORES(ApiAdminGroupsTest);

// Two brokers sharing PostgreSQL: every broker applies the notice to its own devices.
class SharedAdminGroupsTest : public SharedBrokersTest {
 protected:
  Result<std::string> StoreConnInfo() override {
    auto dsn = SharedBrokersTest::StoreConnInfo();
    if (dsn.ok()) dsn_ = *dsn;
    return dsn;
  }
  void SetUp() override {
    SharedBrokersTest::SetUp();
    if (!ready()) return;
    dir_ = std::make_unique<TempDir>("mqchat-admin-groups");
    store::StoreConfig store;
    store.backend = store::Backend::kPostgres;
    store.pg_conninfo = dsn_;
    api_ = std::make_unique<AdminApi>(store, *dir_, /*max_group_members=*/5);
    ASSERT_TRUE(api_->Start());
  }

  std::string dsn_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<AdminApi> api_;
};

TEST_F(SharedAdminGroupsTest, AMemberOnTheOtherBrokerIsAddedAndRemovedLive) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto alice = Login(0, "alice");
  auto bob = Login(1, "bob");
  auto carol = Login(1, "carol");
  const int64_t marker = MarkerConversation(*alice, *carol);
  const int64_t group = api_->CreateGroup("alice", "across", {"carol"});
  ASSERT_GT(group, 0);
  EXPECT_EQ(NextConversationEvent(*carol)["event"], "created");
  EXPECT_EQ(NextConversationEvent(*alice)["event"], "created");
  ASSERT_TRUE(alice->Send(group, "warm-up", "w1").ok());  // broker 2 caches the members now
  ASSERT_EQ(carol->WaitMessages(group, 1).size(), 1u);

  auto added = api_->Call("POST", AdminApi::Members(group), R"({"users":["bob"]})");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(NextConversationEvent(*bob)["event"], "members_added");
  EXPECT_EQ(NextConversationEvent(*carol)["event"], "members_added");  // told of bob
  ASSERT_TRUE(alice->Send(group, "hi bob", "m1").ok());
  auto got = bob->WaitMessages(group, 1);
  ASSERT_EQ(got.size(), 1u) << "bob (broker 2) got nothing sent through broker 1";
  EXPECT_EQ(got[0]["text"], "hi bob");
  ASSERT_EQ(carol->WaitMessages(group, 1).size(), 1u);  // while she is a member
  EXPECT_EQ(SubscribePresence(*bob, "alice", kLive), 1);

  auto removed = api_->Call("DELETE", AdminApi::Members(group) + "/carol");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(NextConversationEvent(*carol)["event"], "member_removed");
  ExpectNothingMore(*alice, *carol, group, marker);
}

}  // namespace
}  // namespace mqchat::test
