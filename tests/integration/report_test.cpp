// Reports (issue 24) over a real broker and mqchatctl, on SQLite and PostgreSQL: a user reports
// a message of a conversation they are in (its text copied, so deleting it later keeps the
// evidence) or a user; a resend is the same report; a message the reporter cannot see is
// NOT_MEMBER whether or not the conversation exists; bad input is refused and files nothing; a
// flood of reports is RATE_LIMITED; the operator lists the queue and resolves a report.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/chat_fixture.h"
#include "support/subprocess.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

class ReportTest : public ChatFixture {
 protected:
  RunResult Ctl(std::vector<std::string> words) {
    std::vector<std::string> argv = {MQCHATCTL_PATH};
    auto store = server_->CtlStoreArgs();
    argv.insert(argv.end(), store.begin(), store.end());
    argv.insert(argv.end(), words.begin(), words.end());
    return RunCommand(argv);
  }
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
