// The admin API's moderation queue (api/src/admin_reports.h; what `mqchatctl reports` does)
// with the real mqchat-api beside a real broker, on SQLite and PostgreSQL: a user reports a
// message; the app's backend lists the open reports and reads one with the snapshot of the
// text (kept after its sender deleted it); resolving it with delete_message and disable_user
// deletes the message for everyone (live on the members' connected devices, through the
// `entry` broker notice), disables the reported user (their session ends) and writes the audit
// log; the report is then resolved and leaves the open list. A wrong key is 401, bad input a
// 4xx JSON error, and neither changes anything.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/admin_api.h"
#include "support/chat_fixture.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

constexpr std::chrono::milliseconds kLive{10000};

class ApiAdminReportsTest : public ChatFixture {
 protected:
  void SetUp() override {
    ChatFixture::SetUp();
    if (!server_) return;
    dir_ = std::make_unique<TempDir>("mqchat-admin-reports");
    api_ = std::make_unique<AdminApi>(server_->store_config(), *dir_);
    ASSERT_TRUE(api_->Start());
  }

  // Bob reports mallory's first message in a group of alice, bob and mallory; the report's id.
  std::string FileReport(ChatTestClient& alice, ChatTestClient& bob, ChatTestClient& mallory) {
    group_ = alice.CreateGroup("team", {"bob", "mallory"});
    EXPECT_GT(group_, 0);
    EXPECT_TRUE(mallory.Send(group_, "buy cheap pills", "m1").ok());  // seq 1
    EXPECT_EQ(bob.WaitMessages(group_, 1).size(), 1u);
    EXPECT_EQ(alice.WaitMessages(group_, 1).size(), 1u);
    auto filed = bob.Request(Op::kReport, 0,
                             {{"client_msg_id", "r1"},
                              {"conversation_id", std::to_string(group_)},
                              {"seq", 1},
                              {"reason", "spam"},
                              {"details", "again"}});
    EXPECT_TRUE(filed.ok()) << filed.Describe();
    return filed.ok() ? (*filed.body)["report_id"].get<std::string>() : "0";
  }

  json Open() {
    auto r = api_->Call("GET", "/v1/admin/reports?open=true");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json["reports"];
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<AdminApi> api_;
  int64_t group_ = 0;
};

TEST_P(ApiAdminReportsTest, ListReadAndResolveWithDeleteAndDisable) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "mallory"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto mallory = Login("mallory");
  const std::string id = FileReport(*alice, *bob, *mallory);

  json open = Open();
  ASSERT_EQ(open.size(), 1u) << open.dump();
  EXPECT_EQ(std::to_string(open[0]["id"].get<int64_t>()), id);
  EXPECT_EQ(open[0]["reporter"], "bob");
  EXPECT_EQ(open[0]["reported_user"], "mallory");
  EXPECT_EQ(open[0]["reason"], "spam");
  EXPECT_TRUE(open[0]["open"].get<bool>());
  auto one = api_->Call("GET", "/v1/admin/reports/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json["report"]["message_text"], "buy cheap pills");  // the snapshot
  EXPECT_EQ(one.json["report"]["conversation_id"], std::to_string(group_));
  EXPECT_EQ(one.json["report"]["seq"], 1);

  auto resolved = api_->Call("POST", "/v1/admin/reports/" + id + "/resolve",
                             R"({"note":"spam","delete_message":true,"disable_user":true})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_FALSE(resolved.json["report"]["open"].get<bool>());
  const std::string resolution = resolved.json["report"]["resolution"];
  EXPECT_EQ(resolution.rfind("spam", 0), 0u) << resolution;
  EXPECT_NE(resolution.find("deleted"), std::string::npos) << resolution;
  EXPECT_NE(resolution.find("mallory disabled"), std::string::npos) << resolution;

  // The delete reaches the connected members live; mallory's session ends.
  for (ChatTestClient* member : {alice.get(), bob.get()}) {
    auto live = member->WaitMessages(group_, 1, kLive);
    ASSERT_EQ(live.size(), 1u) << member->user() << " got no live delete";
    EXPECT_EQ(live[0]["kind"], "delete") << live[0].dump();
    EXPECT_EQ(live[0]["sender"], "operator");
    EXPECT_EQ(live[0]["target_seq"], 1);
  }
  EXPECT_TRUE(mallory->mqtt().WaitDisconnected(kLive));
  EXPECT_TRUE(Open().empty());
  auto all = api_->Call("GET", "/v1/admin/reports");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json["reports"].size(), 1u);
  EXPECT_EQ(all.json["reports"][0]["message_text"], "buy cheap pills");  // evidence kept

  // Resolved already: refused, nothing done again.
  auto again = api_->Call("POST", "/v1/admin/reports/" + id + "/resolve", R"({})");
  EXPECT_EQ(again.status, 422) << again.body;

  // The audit log has each action, by the operator.
  std::vector<std::string> argv = {MQCHATCTL_PATH};
  auto store = server_->CtlStoreArgs();
  argv.insert(argv.end(), store.begin(), store.end());
  argv.insert(argv.end(), {"--json", "audit", "list"});
  auto audit = RunCommand(argv);
  ASSERT_EQ(audit.exit_code, 0) << audit.output;
  std::vector<std::string> actions;
  for (const auto& row : json::parse(audit.output)) {
    actions.push_back(row["action"]);
    EXPECT_EQ(row["actor"], "operator");
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"delete_message", "disable_user", "resolve_report"}));
}

TEST_P(ApiAdminReportsTest, WrongKeyAndBadInputChangeNothing) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "mallory"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto mallory = Login("mallory");
  const std::string id = FileReport(*alice, *bob, *mallory);
  const std::string resolve = "/v1/admin/reports/" + id + "/resolve";

  for (const std::string& key : {std::string(), kTestAdminKey + "x"}) {
    EXPECT_EQ(api_->Call("GET", "/v1/admin/reports", "", key).status, 401);
    EXPECT_EQ(api_->Call("GET", "/v1/admin/reports/" + id, "", key).status, 401);
    EXPECT_EQ(api_->Call("POST", resolve, R"({"delete_message":true})", key).status, 401);
  }
  EXPECT_EQ(api_->Call("GET", "/v1/admin/reports?open=yes").status, 400);
  EXPECT_EQ(api_->Call("GET", "/v1/admin/reports?closed=true").status, 400);
  EXPECT_EQ(api_->Call("GET", "/v1/admin/reports/999999").status, 404);
  EXPECT_EQ(api_->Call("GET", "/v1/admin/reports/x1").status, 404);
  for (const char* body : {"{not json", R"(["x"])", R"({"delete_message":"yes"})",
                           R"({"note":7})", R"({"ban":true})"}) {
    auto r = api_->Call("POST", resolve, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_FALSE(r.error_code().empty()) << r.body;
  }
  EXPECT_EQ(api_->Call("POST", resolve, json{{"note", std::string(1001, 'n')}}.dump()).status,
            422);
  EXPECT_EQ(api_->Call("POST", "/v1/admin/reports/999999/resolve", R"({})").status, 404);

  // Nothing changed: the report is open, the message there, mallory connected.
  json open = Open();
  ASSERT_EQ(open.size(), 1u) << open.dump();
  EXPECT_TRUE(open[0]["open"].get<bool>());
  auto history = alice->Request(Op::kHistory, group_, json::object());
  ASSERT_TRUE(history.ok()) << history.Describe();
  ASSERT_EQ((*history.body)["messages"].size(), 1u) << history.Describe();
  EXPECT_EQ((*history.body)["messages"][0]["text"], "buy cheap pills");
  EXPECT_TRUE(mallory->mqtt().IsConnected());
}

MQCHAT_INSTANTIATE_FOR_STORES(ApiAdminReportsTest);

}  // namespace
}  // namespace mqchat::test
