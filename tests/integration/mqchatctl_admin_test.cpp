// mqchatctl's admin commands (issue 19) on both stores, beside a running broker: conversation
// list (all, by member) and show, group admin add/remove taking effect on the broker's next
// request (bob, made admin, adds a member over MQTT; removed, he cannot), the refusals (a
// direct conversation, the owner, twice the same role, a non-member) with exit code 1 and
// nothing changed, the audit rows, and stats.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/chat_fixture.h"
#include "support/ctl_command.h"
#include "support/subprocess.h"

namespace mqchat::test {
namespace {

class CtlAdminTest : public ChatFixture {
 protected:
  RunResult Ctl(const std::vector<std::string>& words) { return RunCtl(*server_, words); }
  nlohmann::json CtlJson(std::vector<std::string> words) {
    words.push_back("--json");
    const RunResult r = Ctl(words);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto parsed = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.output;
    return parsed;
  }
};

TEST_P(CtlAdminTest, ListsShowsAndMakesGroupAdmins) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol", "dave", "erin"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t group = alice->CreateGroup("team", {"bob", "carol"});
  const int64_t direct = alice->OpenDirect("bob");
  ASSERT_GT(group, 0);
  ASSERT_TRUE(alice->Send(group, "hello team", "m1").ok());

  const auto all = CtlJson({"conversation", "list"});
  ASSERT_EQ(all.size(), 2u) << all.dump();
  EXPECT_EQ(all[0]["id"], group);
  EXPECT_EQ(all[0]["kind"], "group");
  EXPECT_EQ(all[0]["name"], "team");
  EXPECT_EQ(all[0]["members"], 3);
  EXPECT_EQ(all[0]["last_seq"], 1);
  EXPECT_EQ(all[1]["kind"], "direct");
  EXPECT_EQ(CtlJson({"conversation", "list", "--user", "carol"}).size(), 1u);
  EXPECT_EQ(CtlJson({"conversation", "list", "--limit", "1"}).size(), 1u);
  const auto shown = CtlJson({"conversation", "show", std::to_string(group)});
  ASSERT_EQ(shown["members"].size(), 3u);
  for (const auto& m : shown["members"]) {
    EXPECT_EQ(m["role"], m["username"] == "alice" ? "owner" : "member") << m.dump();
  }
  EXPECT_EQ(Ctl({"conversation", "show", "999999"}).exit_code, 1);

  // bob may not add members until the operator makes him an admin; the broker's next request
  // sees the change.
  EXPECT_EQ(bob->Request(protocol::Op::kAddMembers, group, {{"users", {"dave"}}}).error_code(),
            "FORBIDDEN");
  const std::string g = std::to_string(group);
  ASSERT_EQ(Ctl({"group", "admin", "add", g, "bob"}).exit_code, 0);
  auto added = bob->Request(protocol::Op::kAddMembers, group, {{"users", {"dave"}}});
  ASSERT_TRUE(added.ok()) << added.Describe();
  EXPECT_EQ((*added.body)["added"], nlohmann::json::array({"dave"}));

  // Refusals: exit 1, nothing changed.
  EXPECT_EQ(Ctl({"group", "admin", "add", g, "bob"}).exit_code, 1);  // already
  EXPECT_EQ(Ctl({"group", "admin", "add", std::to_string(direct), "bob"}).exit_code, 1);
  EXPECT_EQ(Ctl({"group", "admin", "remove", g, "alice"}).exit_code, 1);  // the owner
  EXPECT_EQ(Ctl({"group", "admin", "add", g, "erin"}).exit_code, 1);      // not a member
  EXPECT_EQ(Ctl({"group", "admin", "add", g, "bad/name"}).exit_code, 1);
  EXPECT_EQ(Ctl({"group", "admin", "add", g}).exit_code, 2);

  ASSERT_EQ(Ctl({"group", "admin", "remove", g, "bob"}).exit_code, 0);
  EXPECT_EQ(bob->Request(protocol::Op::kAddMembers, group, {{"users", {"erin"}}}).error_code(),
            "FORBIDDEN");

  int adds = 0, removes = 0;
  for (const auto& row : CtlJson({"audit", "list"})) {
    if (row["action"] == "group_admin_add") ++adds;
    if (row["action"] == "group_admin_remove") ++removes;
  }
  EXPECT_EQ(adds, 1);
  EXPECT_EQ(removes, 1);

  const auto stats = CtlJson({"stats"});
  EXPECT_EQ(stats["users_active"], 5);
  EXPECT_EQ(stats["groups"], 1);
  EXPECT_EQ(stats["direct_conversations"], 1);
  EXPECT_EQ(stats["messages"], 1);
  EXPECT_EQ(stats["messages_last_24h"], 1);
}

MQCHAT_INSTANTIATE_FOR_STORES(CtlAdminTest);

}  // namespace
}  // namespace mqchat::test
