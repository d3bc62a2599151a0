// Reports (issue 24) over a real broker and mqchatctl, on SQLite and PostgreSQL: a user reports
// a message of a conversation they are in (its text copied, so deleting it later keeps the
// evidence) or a user; a resend is the same report; a message the reporter cannot see is
// NOT_MEMBER whether or not the conversation exists; bad input is refused and files nothing; a
// flood of reports is RATE_LIMITED; the operator lists the queue and resolves a report, and
// may delete the reported message for everyone (a delete event by "operator": members see a
// tombstone, live on their connected devices through a broker notice) and disable the reported user (their session ends), each written to the audit log
// that `mqchatctl audit list` prints.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "protocol/ops.h"
#include "support/chat_fixture.h"
#include "support/ctl_command.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

class ReportTest : public ChatFixture {
 protected:
  RunResult Ctl(const std::vector<std::string>& words) { return RunCtl(*server_, words); }
  // The queue as mqchatctl prints it with --json.
  json Queue(bool open_only) {
    std::vector<std::string> words = {"--json", "reports", "list"};
    if (open_only) words.push_back("--open");
    auto r = Ctl(words);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.exit_code == 0 ? json::parse(r.output) : json::array();
  }
};

ChatResponse Report(ChatTestClient& c, json body) {
  return c.Request(Op::kReport, 0, std::move(body));
}

TEST_P(ReportTest, AReportedMessageIsKeptForTheOperatorWhoResolvesIt) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "mallory", "carol"});
  auto alice = Login("alice");
  auto mallory = Login("mallory");
  auto carol = Login("carol");
  const int64_t dm = mallory->OpenDirect("alice");
  ASSERT_GT(dm, 0);
  ASSERT_TRUE(mallory->Send(dm, "something nasty", "m1").ok());

  const json body = {{"client_msg_id", "rep-1"}, {"conversation_id", std::to_string(dm)},
                     {"seq", 1},                 {"reason", "harassment"},
                     {"details", "keeps writing"}};
  auto filed = Report(*alice, body);
  ASSERT_TRUE(filed.ok()) << filed.Describe();
  EXPECT_FALSE((*filed.body)["duplicate"].get<bool>());
  const std::string id = (*filed.body)["report_id"];
  auto resent = Report(*alice, body);
  ASSERT_TRUE(resent.ok()) << resent.Describe();
  EXPECT_TRUE((*resent.body)["duplicate"].get<bool>());
  EXPECT_EQ((*resent.body)["report_id"], id);

  // The sender deletes it: the report keeps the text.
  ASSERT_TRUE(mallory->Request(Op::kDelete, dm, {{"client_msg_id", "d1"}, {"seq", 1}}).ok());
  json queue = Queue(/*open_only=*/true);
  ASSERT_EQ(queue.size(), 1u) << queue.dump();
  EXPECT_EQ(std::to_string(queue[0]["id"].get<int64_t>()), id);
  EXPECT_EQ(queue[0]["reporter"], "alice");
  EXPECT_EQ(queue[0]["reported_user"], "mallory");
  EXPECT_EQ(queue[0]["message_text"], "something nasty");
  EXPECT_EQ(queue[0]["conversation_id"], std::to_string(dm));
  EXPECT_EQ(queue[0]["seq"], 1);
  EXPECT_EQ(queue[0]["reason"], "harassment");
  EXPECT_EQ(queue[0]["details"], "keeps writing");

  // A message carol cannot see: the same answer as for a conversation that does not exist.
  auto not_member = Report(*carol, {{"client_msg_id", "c1"},
                                    {"conversation_id", std::to_string(dm)},
                                    {"seq", 1},
                                    {"reason", "spam"}});
  auto no_such = Report(*carol, {{"client_msg_id", "c2"},
                                 {"conversation_id", std::to_string(dm + 1000)},
                                 {"seq", 1},
                                 {"reason", "spam"}});
  EXPECT_EQ(not_member.error_code(), "NOT_MEMBER") << not_member.Describe();
  EXPECT_EQ(no_such.error_code(), "NOT_MEMBER") << no_such.Describe();

  auto resolve = Ctl({"reports", "resolve", id, "--note", "warned mallory"});
  EXPECT_EQ(resolve.exit_code, 0) << resolve.output;
  EXPECT_EQ(Ctl({"reports", "resolve", id}).exit_code, 1);  // once
  EXPECT_EQ(Ctl({"reports", "resolve", "999999"}).exit_code, 1);
  EXPECT_TRUE(Queue(true).empty());
  json all = Queue(false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["resolution"], "warned mallory");
  EXPECT_FALSE(all[0]["open"].get<bool>());
}

TEST_P(ReportTest, ResolvingDeletesTheMessageForEveryoneAndDisablesTheSenderWithAnAudit) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "mallory", "bob"});
  auto alice = Login("alice");
  auto mallory = Login("mallory");
  auto bob = Login("bob");
  const int64_t group = alice->CreateGroup("team", {"mallory", "bob"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(mallory->Send(group, "buy cheap pills", "m1").ok());  // seq 1
  ASSERT_TRUE(bob->Send(group, "hi all", "b1").ok());               // seq 2
  auto message = Report(*bob, {{"client_msg_id", "r1"},
                               {"conversation_id", std::to_string(group)},
                               {"seq", 1},
                               {"reason", "spam"}});
  ASSERT_TRUE(message.ok()) << message.Describe();
  const std::string message_report = (*message.body)["report_id"];
  auto user = Report(*bob, {{"client_msg_id", "r2"}, {"user", "mallory"}, {"reason", "spam"}});
  ASSERT_TRUE(user.ok()) << user.Describe();
  const std::string user_report = (*user.body)["report_id"];

  // A report of a user alone names no message to delete: refused, and it stays open.
  EXPECT_EQ(Ctl({"reports", "resolve", user_report, "--delete-message"}).exit_code, 1);
  EXPECT_EQ(Queue(/*open_only=*/true).size(), 2u);

  auto resolved = Ctl({"reports", "resolve", message_report, "--note", "spam run",
                       "--delete-message", "--disable-user"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.output;
  // The message is a tombstone for every member, by a delete event the operator appended.
  auto history = alice->Request(Op::kHistory, group, {{"after_seq", 0}, {"limit", 100}});
  ASSERT_TRUE(history.ok()) << history.Describe();
  const json& msgs = (*history.body)["messages"];
  ASSERT_EQ(msgs.size(), 2u) << msgs.dump();  // history: messages only
  EXPECT_EQ(msgs[0]["deleted"], true);
  EXPECT_EQ(msgs[0]["text"], "");
  EXPECT_EQ(msgs[1]["text"], "hi all");
  auto sync = bob->Request(Op::kSync, 0, {{"cursors", {{std::to_string(group), 2}}}});
  ASSERT_TRUE(sync.ok()) << sync.Describe();
  json event;
  for (const auto& c : (*sync.body)["conversations"]) {
    if (c["conversation_id"] == std::to_string(group) && !c["messages"].empty()) {
      event = c["messages"][0];
    }
  }
  EXPECT_EQ(event["seq"], 3) << event.dump();
  EXPECT_EQ(event["kind"], "delete");
  EXPECT_EQ(event["sender"], "operator");
  EXPECT_EQ(event["target_seq"], 1);
  // The sender is disabled: the session ends, and so would a new login.
  EXPECT_TRUE(mallory->mqtt().WaitDisconnected(std::chrono::seconds(10)));
  // The report keeps its evidence and says what was done; the other one is still open.
  json all = Queue(/*open_only=*/false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["message_text"], "buy cheap pills");
  EXPECT_FALSE(all[0]["open"].get<bool>());
  EXPECT_NE(all[0]["resolution"].get<std::string>().find("spam run"), std::string::npos);
  EXPECT_TRUE(all[1]["open"].get<bool>());
  // Resolving it again is refused and does nothing.
  EXPECT_EQ(Ctl({"reports", "resolve", message_report, "--delete-message"}).exit_code, 1);

  auto audit = Ctl({"--json", "audit", "list"});
  ASSERT_EQ(audit.exit_code, 0) << audit.output;
  std::vector<std::string> actions;
  for (const auto& row : json::parse(audit.output)) {
    actions.push_back(row["action"]);
    EXPECT_EQ(row["actor"], "operator");
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"delete_message", "disable_user",
                                               "resolve_report"}));
  auto text = Ctl({"audit", "list"});
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("\tdisable_user\tmallory\t"), std::string::npos) << text.output;
}

// issue 24: the moderator's delete (mqchatctl, a process beside the broker) reaches the
// members' connected devices live, through a broker notice (docs/ARCHITECTURE.md "Broker
// notices"), with its seq, once: the next live event is the next entry, and a sync from the
// cursor live delivery gave adds nothing.
TEST_P(ReportTest, AModeratorDeleteReachesConnectedMembersLiveOnce) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "mallory", "bob"});
  auto alice = Login("alice");
  auto mallory = Login("mallory");
  auto bob = Login("bob");
  const int64_t group = alice->CreateGroup("team", {"mallory", "bob"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(mallory->Send(group, "buy cheap pills", "m1").ok());  // seq 1
  ASSERT_EQ(alice->WaitMessages(group, 1).size(), 1u);
  ASSERT_EQ(bob->WaitMessages(group, 1).size(), 1u);
  auto filed = Report(*bob, {{"client_msg_id", "r1"},
                             {"conversation_id", std::to_string(group)},
                             {"seq", 1},
                             {"reason", "spam"}});
  ASSERT_TRUE(filed.ok()) << filed.Describe();
  const std::string id = (*filed.body)["report_id"];

  auto resolved = Ctl({"reports", "resolve", id, "--delete-message"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.output;
  for (ChatTestClient* member : {alice.get(), bob.get(), mallory.get()}) {
    auto live = member->WaitMessages(group, 1, std::chrono::seconds(10));
    ASSERT_EQ(live.size(), 1u) << member->user() << " got no live delete";
    EXPECT_EQ(live[0]["seq"], 2) << live[0].dump();
    EXPECT_EQ(live[0]["kind"], "delete");
    EXPECT_EQ(live[0]["sender"], "operator");
    EXPECT_EQ(live[0]["target_seq"], 1);
  }
  // Once: the next live event of the conversation is the next entry, not the delete again.
  ASSERT_TRUE(mallory->Send(group, "sorry", "m2").ok());  // seq 3
  for (ChatTestClient* member : {alice.get(), bob.get()}) {
    auto next = member->WaitMessages(group, 1);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0]["seq"], 3) << member->user() << ": " << next[0].dump();
  }
  // And sync from the cursor live delivery left has nothing more; from before it, seq 2 once.
  auto caught_up = alice->Request(Op::kSync, 0, {{"cursors", {{std::to_string(group), 3}}}});
  ASSERT_TRUE(caught_up.ok()) << caught_up.Describe();
  for (const auto& c : (*caught_up.body)["conversations"]) {
    if (c["conversation_id"] == std::to_string(group)) {
      EXPECT_TRUE(c["messages"].empty());
    }
  }
  auto earlier = alice->Request(Op::kSync, 0, {{"cursors", {{std::to_string(group), 1}}}});
  ASSERT_TRUE(earlier.ok()) << earlier.Describe();
  int deletes = 0;
  for (const auto& c : (*earlier.body)["conversations"]) {
    for (const auto& m : c["messages"]) deletes += m["seq"] == 2 ? 1 : 0;
  }
  EXPECT_EQ(deletes, 1);
}

// The SDK's Client::Report, both forms: a message and a user; the same client_msg_id again is
// the same report; a refusal comes back as its Status.
TEST_P(ReportTest, AnSdkClientReportsAMessageAndAUser) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "mallory"});
  auto mallory = Login("mallory");
  const int64_t dm = mallory->OpenDirect("alice");
  ASSERT_GT(dm, 0);
  ASSERT_TRUE(mallory->Send(dm, "rude words", "m1").ok());
  TempDir dir("mqchat-report-sdk");
  auto options = ClientOptions::Builder()
                     .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                     .Token("alice", Token("alice"))
                     .Device("sdk")
                     .CachePath(dir.File("alice.db"))
                     .Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto client = Client::Create(*options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE((*client)->Connect().ok());

  AbuseReport message;
  message.conversation_id = dm;
  message.seq = 1;
  message.reason = "harassment";
  message.details = "again";
  message.client_msg_id = "sdk-r1";
  auto filed = (*client)->Report(message).get();
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  EXPECT_GT(filed->report_id, 0);
  EXPECT_FALSE(filed->duplicate);
  auto again = (*client)->Report(message).get();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->report_id, filed->report_id);
  EXPECT_TRUE(again->duplicate);

  std::promise<Result<ReportReceipt>> user_done;
  AbuseReport user;
  user.user = "mallory";
  user.reason = "spam";
  (*client)->Report(user, [&](Result<ReportReceipt> r) { user_done.set_value(std::move(r)); });
  auto user_future = user_done.get_future();
  ASSERT_EQ(user_future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto by_user = user_future.get();
  ASSERT_TRUE(by_user.ok()) << by_user.status().ToString();
  EXPECT_NE(by_user->report_id, filed->report_id);

  AbuseReport bad = user;
  bad.reason = "boring";
  EXPECT_EQ((*client)->Report(bad).get().status().code(), Code::kInvalidArgument);
  json queue = Queue(/*open_only=*/true);
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[0]["message_text"], "rude words");
  EXPECT_EQ(queue[1]["reported_user"], "mallory");
  client->reset();
}

TEST_P(ReportTest, BadReportsAreRefusedAndFloodsAreRateLimited) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "mallory"});
  auto alice = Login("alice");
  auto mallory = Login("mallory");
  const int64_t dm = mallory->OpenDirect("alice");
  ASSERT_TRUE(mallory->Send(dm, "hi", "m1").ok());
  auto code = [&](json body) { return Report(*alice, std::move(body)).error_code(); };
  EXPECT_EQ(code({{"client_msg_id", "b1"}, {"user", "mallory"}, {"reason", "rude"}}),
            "BAD_REQUEST");
  EXPECT_EQ(code({{"client_msg_id", "b2"}, {"user", "mallory"}}), "BAD_REQUEST");
  EXPECT_EQ(code({{"client_msg_id", "b3"},
                  {"user", "mallory"},
                  {"reason", "spam"},
                  {"details", std::string(1001, 'x')}}),
            "BAD_REQUEST");
  EXPECT_EQ(code({{"client_msg_id", "b4"}, {"user", "alice"}, {"reason", "spam"}}), "INVALID");
  EXPECT_EQ(code({{"client_msg_id", "b5"}, {"user", "nobody"}, {"reason", "spam"}}),
            "NOT_FOUND");
  EXPECT_EQ(code({{"client_msg_id", "b6"},
                  {"conversation_id", std::to_string(dm)},
                  {"seq", 7},
                  {"reason", "spam"}}),
            "UNKNOWN_MESSAGE");
  EXPECT_TRUE(Queue(false).empty()) << "a refused report was filed";

  // Ten a minute (three of them spent above): a flood is refused with the wait.
  std::string refused;
  json error;
  int accepted = 0;
  for (int i = 0; i < 20 && refused.empty(); ++i) {
    auto r = Report(*alice, {{"client_msg_id", "f" + std::to_string(i)},
                             {"user", "mallory"},
                             {"reason", "spam"}});
    if (r.ok()) {
      ++accepted;
    } else {
      refused = r.error_code();
      error = (*r.body)["error"];
    }
  }
  EXPECT_EQ(refused, "RATE_LIMITED");
  EXPECT_GT(error.value("retry_after_ms", int64_t{0}), 0);
  EXPECT_EQ(accepted, 7);
  EXPECT_EQ(Queue(false).size(), static_cast<size_t>(accepted));
}

MQCHAT_INSTANTIATE_FOR_STORES(ReportTest);

}  // namespace
}  // namespace mqchat::test
