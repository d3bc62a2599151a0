// Small parts of docs/PROTOCOL.md's contract, over a real broker on SQLite and PostgreSQL: one
// time for a message everywhere (ack, resend, event, history, sync); req_id and the requested op
// echoed in every error a client can match; outsiders answered alike whether or not a
// conversation exists.
#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "support/chat_fixture.h"

namespace mqchat::test {
namespace {

using protocol::Op;
using Json = nlohmann::json;

class ContractTest : public ChatFixture {};

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_P(ContractTest, AMessageHasOneTimeAndAResendGetsTheOriginalAck) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice", "phone");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);

  auto ack = alice->Send(conv, "when?", "t-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  const int64_t time = (*ack.body)["server_time_ms"].get<int64_t>();
  auto event = bob->WaitMessages(conv, 1);
  ASSERT_EQ(event.size(), 1u);
  EXPECT_EQ(event[0]["sent_at_ms"], time) << "the sender's time is the one members see";
  auto history = bob->Request(Op::kHistory, conv, {{"after_seq", 0}});
  ASSERT_TRUE(history.ok()) << history.Describe();
  EXPECT_EQ((*history.body)["messages"][0]["sent_at_ms"], time);
  auto sync = alice->Request(Op::kSync, 0, {{"cursors", Json::object()}});
  ASSERT_TRUE(sync.ok()) << sync.Describe();
  EXPECT_EQ((*sync.body)["conversations"][0]["messages"][0]["sent_at_ms"], time);

  // The resend comes later by the wall clock (a few ms at most: a bounded wait on the clock,
  // not on an event), from another device of the sender.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (WallMs() <= time + 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto laptop = Login("alice", "laptop");
  auto again = laptop->Send(conv, "when?", "t-1");
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["duplicate"], true);
  for (const char* field : {"conversation_id", "seq", "message_id", "client_msg_id",
                            "server_time_ms"}) {
    EXPECT_EQ((*again.body)[field], (*ack.body)[field]) << field << ": " << again.Describe();
  }
}

// MQTT 3.1.1 has no correlation data: the req_id is the only way to match a response.
TEST_P(ContractTest, ErrorsForUnparsablePayloadsAndUnknownOpsCanBeMatched) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto old = Login("alice", "legacy", /*mqtt_version=*/4);
  const int64_t conv = old->OpenDirect("bob");
  ASSERT_GT(conv, 0);

  auto trailing_comma = old->RequestRaw(
      Op::kSend, conv, R"({"req_id":"j-1","client_msg_id":"c-1","text":"hi",})", "j-1");
  EXPECT_EQ(trailing_comma.error_code(), "BAD_REQUEST") << trailing_comma.Describe();
  auto truncated = old->RequestRaw(Op::kSend, conv, R"({"req_id":"j-2","client_msg_id":)", "j-2");
  EXPECT_EQ(truncated.error_code(), "BAD_REQUEST") << truncated.Describe();
  auto bad_utf8 = old->RequestRaw(
      Op::kSend, conv, "{\"client_msg_id\":\"c-3\",\"text\":\"ab\xc3\x28\",\"req_id\":\"j-3\"}",
      "j-3");
  EXPECT_EQ(bad_utf8.error_code(), "INVALID_UTF8") << bad_utf8.Describe();
  if (bad_utf8.body) EXPECT_EQ((*bad_utf8.body)["op"], "send");

  auto unknown = old->RequestOnTopic("mqchat/v1/req/frobnicate", R"({"req_id":"j-4"})", "j-4");
  EXPECT_EQ(unknown.error_code(), "UNKNOWN_OP") << unknown.Describe();
  if (unknown.body) EXPECT_EQ((*unknown.body)["op"], "frobnicate") << "the op requested";
  auto unknown_here = old->RequestOnTopic(
      "mqchat/v1/c/" + std::to_string(conv) + "/frobnicate", R"({"req_id":"j-5",)", "j-5");
  EXPECT_EQ(unknown_here.error_code(), "UNKNOWN_OP") << unknown_here.Describe();
  if (unknown_here.body) EXPECT_EQ((*unknown_here.body)["op"], "frobnicate");
  EXPECT_TRUE(old->mqtt().IsConnected()) << "bad input must not disconnect";
}

// Every conversation-scoped op: an outsider gets the same answer for a group, a direct
// conversation and an id that does not exist (NOT_MEMBER, worded alike), so no answer tells
// them which ids exist or what kind they are.
TEST_P(ContractTest, OutsidersGetTheSameAnswerWhetherOrNotAConversationExists) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol", "dave"});
  auto alice = Login("alice");
  auto dave = Login("dave");
  const int64_t group = alice->CreateGroup("team", {"bob", "carol"});
  const int64_t direct = alice->OpenDirect("bob");
  ASSERT_GT(group, 0);
  ASSERT_GT(direct, 0);
  const int64_t missing = std::max(group, direct) + 1000;

  const std::pair<Op, Json> ops[] = {
      {Op::kSend, {{"client_msg_id", "x-1"}, {"text", "hi"}}},
      {Op::kHistory, Json::object()},
      {Op::kRead, {{"seq", 1}}},
      {Op::kMembers, Json::object()},
      {Op::kAddMembers, {{"users", {"dave"}}}},
      {Op::kRemoveMember, {{"user", "bob"}}},
      {Op::kLeave, Json::object()},
      {Op::kRename, {{"name", "mine"}}},
      {Op::kTyping, {{"typing", true}}},
      {Op::kMute, {{"until_ms", -1}}},
  };
  for (const auto& [op, body] : ops) {
    std::map<int64_t, ChatResponse> answers;
    for (int64_t id : {group, direct, missing}) answers[id] = dave->Request(op, id, body);
    const ChatResponse& reference = answers[missing];
    ASSERT_TRUE(reference.body) << protocol::OpName(op) << " unanswered";
    EXPECT_EQ(reference.error_code(), "NOT_MEMBER") << reference.Describe();
    auto message = [](const ChatResponse& r, int64_t id) {
      std::string m = r.body ? (*r.body)["error"].value("message", "") : "<none>";
      const std::string digits = std::to_string(id);
      for (size_t at = m.find(digits); at != std::string::npos; at = m.find(digits)) {
        m.replace(at, digits.size(), "<id>");
      }
      return m;
    };
    for (int64_t id : {group, direct}) {
      EXPECT_EQ(answers[id].error_code(), reference.error_code())
          << protocol::OpName(op) << " on " << id << ": " << answers[id].Describe();
      EXPECT_EQ(message(answers[id], id), message(reference, missing))
          << protocol::OpName(op) << " on " << id;
    }
  }
  // Insiders still learn why: a member without the role is FORBIDDEN.
  auto bob = Login("bob");
  auto rename = bob->Request(Op::kRename, group, {{"name", "bob's"}});
  EXPECT_EQ(rename.error_code(), "FORBIDDEN") << rename.Describe();
}

MQCHAT_INSTANTIATE_FOR_STORES(ContractTest);

}  // namespace
}  // namespace mqchat::test
