// ChatService's request path on fakes: routing through the op table to the right worker, and
// the refusals (answered at once, or by a worker) with their error responses.
#include "chat/chat_service.h"

#include <map>

#include <gtest/gtest.h>

#include "chat_test_env.h"

namespace mqchat::chat {
namespace {

using protocol::Op;
using test::ChatTestEnv;
using test::kGroup;

// "" for a success; "none" for a missing response.
std::string ErrorCode(const nlohmann::json& response) {
  if (!response.contains("ok")) return "none";
  if (response["ok"].get<bool>()) return "";
  return response.value("error", nlohmann::json::object()).value("code", "");
}

TEST(ChatRoutingTest, ReadsRunOnTheRequestersReaderAndWritesOnTheWriter) {
  ChatTestEnv env;
  // alice and bob are served by different readers, so a read on the wrong one shows.
  ASSERT_NE(env.ReaderOf("alice"), env.ReaderOf("bob"));
  auto alice = ChatTestEnv::Session("alice");
  auto bob = ChatTestEnv::Session("bob");

  EXPECT_TRUE(env.Request(alice, Op::kConversations, 0, "{}"));
  EXPECT_TRUE(env.Request(bob, Op::kHistory, kGroup, "{}"));
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, R"({"client_msg_id":"m1","text":"hi"})"));
  EXPECT_TRUE(env.Request(alice, Op::kOpenDirect, 0, R"({"user":"dave"})"));
  auto replies = env.Responses(alice, 3);
  env.Responses(bob, 1);
  for (const auto& r : replies) EXPECT_TRUE(r.value("ok", false)) << r.dump();

  EXPECT_EQ(env.ReaderOf("alice")->Calls("ListConversations"), 1);
  EXPECT_EQ(env.ReaderOf("bob")->Calls("ListConversations"), 0);
  EXPECT_EQ(env.ReaderOf("bob")->Calls("ReadHistory"), 1);
  EXPECT_EQ(env.ReaderOf("alice")->Calls("ReadHistory"), 0);
  EXPECT_EQ(env.writer->Calls("AppendBatch"), 1);
  EXPECT_EQ(env.writer->Calls("OpenDirect"), 1);
  EXPECT_EQ(env.writer->Calls("ListConversations") + env.writer->Calls("ReadHistory"), 0);
  EXPECT_EQ(env.service->stats().requests, 4u);
  EXPECT_EQ(env.service->stats().refused, 0u);
}

TEST(ChatRoutingTest, EachResponseNamesItsOpAndEchoesTheReqId) {
  ChatTestEnv env;
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_TRUE(env.Request(alice, Op::kMembers, kGroup, R"({"req_id":"r1"})"));
  EXPECT_TRUE(env.Request(alice, Op::kRename, kGroup, R"({"req_id":"r2","name":"crew"})"));
  auto replies = env.Responses(alice, 2);
  std::map<std::string, std::string> op_by_req;
  for (const auto& r : replies) op_by_req[r.value("req_id", "")] = r.value("op", "");
  EXPECT_EQ(op_by_req["r1"], "members");
  EXPECT_EQ(op_by_req["r2"], "rename");
}

TEST(ChatRefusalTest, BadJsonIsRefusedAtOnce) {
  ChatTestEnv env;
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_FALSE(env.Request(alice, Op::kSend, kGroup, "{not json"));
  auto replies = env.Responses(alice);
  EXPECT_EQ(ErrorCode(replies[0]), "BAD_REQUEST");
  EXPECT_EQ(replies[0].value("op", ""), "send");
  EXPECT_EQ(env.service->stats().refused, 1u);
  EXPECT_EQ(env.writer->Calls("AppendBatch"), 0);
}

TEST(ChatRefusalTest, UnknownOpIsRefusedAtOnce) {
  ChatTestEnv env;
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_FALSE(env.service->OnRequest(alice, "mqchat/v1/req/fly", R"({"req_id":"x"})", "", ""));
  auto replies = env.Responses(alice);
  EXPECT_EQ(ErrorCode(replies[0]), "UNKNOWN_OP");
  EXPECT_EQ(replies[0].value("op", ""), "fly") << "the op requested, not \"unknown\"";
  EXPECT_EQ(replies[0].value("req_id", ""), "x");
}

TEST(ChatRefusalTest, TooLongTextIsRefusedAtOnce) {
  ChatOptions options;
  options.max_message_chars = 5;
  ChatTestEnv env(options);
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, R"({"client_msg_id":"a","text":"12345"})"));
  EXPECT_FALSE(env.Request(alice, Op::kSend, kGroup, R"({"client_msg_id":"b","text":"123456"})"));
  auto replies = env.Responses(alice, 2);
  EXPECT_EQ(ErrorCode(replies[0]), "TOO_LONG");  // the refusal is published at once, first
  EXPECT_EQ(ErrorCode(replies[1]), "");
}

TEST(ChatRefusalTest, NonMembersAreRefusedByTheStore) {
  ChatTestEnv env;
  auto dave = ChatTestEnv::Session("dave");
  // Accepted by the broker thread (the cache cannot decide membership); the worker refuses.
  EXPECT_TRUE(env.Request(dave, Op::kSend, kGroup, R"({"client_msg_id":"m","text":"hi"})"));
  auto replies = env.Responses(dave);
  EXPECT_EQ(ErrorCode(replies[0]), "NOT_MEMBER");
  EXPECT_EQ(replies[0].value("error", nlohmann::json::object()).value("message", ""),
            "you are not a member of conversation 100");
  EXPECT_TRUE(env.Request(dave, Op::kHistory, kGroup, "{}"));
  EXPECT_TRUE(env.Request(dave, Op::kRead, kGroup, R"({"seq":1})"));
  replies = env.Responses(dave, 3);
  EXPECT_EQ(ErrorCode(replies[1]), "NOT_MEMBER");
  EXPECT_EQ(ErrorCode(replies[2]), "NOT_MEMBER");
  // Nothing reached anyone's inbox.
  EXPECT_TRUE(env.broker.PublishesTo(protocol::InboxTopic("alice")).empty());
}

// An outsider gets NOT_MEMBER from every conversation op, worded the same whether or not the
// conversation exists: no FORBIDDEN or NOT_FOUND tells them which ids exist. A member who
// lacks the role still gets FORBIDDEN.
TEST(ChatRefusalTest, OutsidersGetTheSameAnswerWhetherOrNotTheConversationExists) {
  ChatTestEnv env;
  auto dave = ChatTestEnv::Session("dave");
  constexpr store::ConversationId kMissing = 999;
  const std::pair<Op, nlohmann::json> ops[] = {
      {Op::kSend, {{"client_msg_id", "m"}, {"text", "hi"}}},
      {Op::kHistory, nlohmann::json::object()},
      {Op::kRead, {{"seq", 1}}},
      {Op::kMembers, nlohmann::json::object()},
      {Op::kAddMembers, {{"users", {"erin"}}}},
      {Op::kRemoveMember, {{"user", "bob"}}},
      {Op::kLeave, nlohmann::json::object()},
      {Op::kRename, {{"name", "mine"}}},
      {Op::kTyping, {{"typing", true}}},
  };
  for (const auto& [op, body] : ops) {
    for (store::ConversationId id : {kGroup, kMissing}) {
      nlohmann::json request = body;
      request["req_id"] = std::string(protocol::OpName(op)) + "@" + std::to_string(id);
      env.Request(dave, op, id, request.dump());
    }
  }
  std::map<std::string, nlohmann::json> by_req;
  for (auto& r : env.Responses(dave, 2 * std::size(ops))) by_req[r.value("req_id", "")] = r;
  for (const auto& [op, body] : ops) {
    const std::string name(protocol::OpName(op));
    const nlohmann::json& existing = by_req[name + "@" + std::to_string(kGroup)];
    const nlohmann::json& missing = by_req[name + "@" + std::to_string(kMissing)];
    EXPECT_EQ(ErrorCode(existing), "NOT_MEMBER") << existing.dump();
    EXPECT_EQ(ErrorCode(missing), "NOT_MEMBER") << missing.dump();
    EXPECT_EQ(existing.value("error", nlohmann::json::object()).value("message", ""),
              "you are not a member of conversation " + std::to_string(kGroup))
        << name;
    EXPECT_EQ(missing.value("error", nlohmann::json::object()).value("message", ""),
              "you are not a member of conversation " + std::to_string(kMissing))
        << name;
  }
  auto bob = ChatTestEnv::Session("bob");
  EXPECT_TRUE(env.Request(bob, Op::kRename, kGroup, R"({"name":"bob's"})"));
  EXPECT_EQ(ErrorCode(env.Responses(bob)[0]), "FORBIDDEN") << "a member without the role";
}

TEST(ChatRefusalTest, PushOpsWithoutPushAreUnavailable) {
  ChatTestEnv env;
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_FALSE(env.Request(alice, Op::kPushSettings, 0, R"({"preview":false})"));
  EXPECT_FALSE(env.Request(alice, Op::kMute, kGroup, R"({"until_ms":-1})"));
  auto replies = env.Responses(alice, 2);
  EXPECT_EQ(ErrorCode(replies[0]), "UNAVAILABLE");
  EXPECT_EQ(ErrorCode(replies[1]), "UNAVAILABLE");
  EXPECT_EQ(replies[1].value("op", ""), "mute");
}

TEST(ChatRefusalTest, TypingIsRateLimitedPerUser) {
  ChatOptions options;
  options.typing_per_minute = 1;
  ChatTestEnv env(options);
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_TRUE(env.Request(alice, Op::kTyping, kGroup, R"({"typing":true})"));
  env.Responses(alice);
  EXPECT_FALSE(env.Request(alice, Op::kTyping, kGroup, R"({"typing":true})"));
  auto replies = env.Responses(alice, 2);
  EXPECT_EQ(ErrorCode(replies[0]), "");
  EXPECT_EQ(ErrorCode(replies[1]), "RATE_LIMITED");
  // The first one reached the other members, at QoS 0, and not alice.
  ASSERT_EQ(env.broker.PublishesTo(protocol::InboxTopic("bob")).size(), 1u);
  EXPECT_EQ(env.broker.PublishesTo(protocol::InboxTopic("bob"))[0].qos, 0);
  EXPECT_TRUE(env.broker.PublishesTo(protocol::InboxTopic("alice")).empty());
  env.clock.AdvanceMs(60000);
  EXPECT_TRUE(env.Request(alice, Op::kTyping, kGroup, R"({"typing":false})"));
}

TEST(ChatTypingTest, TypingSkipsMembersWithABlockEitherWayAndWaitsForTheBlocksToLoad) {
  session::HiddenUsers hidden;
  hidden.Track("alice");
  hidden.Set("alice", {"bob"});  // alice blocked bob, or bob blocked alice
  hidden.Track("carol");         // connected, blocks not loaded yet
  ChatTestEnv env({}, nullptr, &hidden);
  auto alice = ChatTestEnv::Session("alice");
  auto carol = ChatTestEnv::Session("carol");
  EXPECT_TRUE(env.Request(alice, Op::kTyping, kGroup, R"({"typing":true})"));
  EXPECT_EQ(ErrorCode(env.Responses(alice)[0]), "");
  EXPECT_EQ(env.broker.PublishesTo(protocol::InboxTopic("carol")).size(), 1u);
  EXPECT_TRUE(env.broker.PublishesTo(protocol::InboxTopic("bob")).empty());
  // Carol's blocks are unknown: answered, but her hint reaches nobody.
  EXPECT_TRUE(env.Request(carol, Op::kTyping, kGroup, R"({"typing":true})"));
  EXPECT_EQ(ErrorCode(env.Responses(carol)[0]), "");
  EXPECT_TRUE(env.broker.PublishesTo(protocol::InboxTopic("bob")).empty());
  EXPECT_TRUE(env.broker.PublishesTo(protocol::InboxTopic("alice")).empty());
  hidden.Set("carol", {});
  EXPECT_TRUE(env.Request(carol, Op::kTyping, kGroup, R"({"typing":false})"));
  env.Responses(carol, 2);
  EXPECT_EQ(env.broker.PublishesTo(protocol::InboxTopic("bob")).size(), 1u);
  EXPECT_EQ(env.broker.PublishesTo(protocol::InboxTopic("alice")).size(), 1u);
}

TEST(ChatRefusalTest, AFullQueueIsOverloaded) {
  ChatOptions options;
  options.max_queue = 0;  // every worker queue is full
  ChatTestEnv env(options);
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_FALSE(env.Request(alice, Op::kSend, kGroup, R"({"client_msg_id":"m","text":"hi"})"));
  EXPECT_FALSE(env.Request(alice, Op::kConversations, 0, "{}"));
  auto replies = env.Responses(alice, 2);
  EXPECT_EQ(ErrorCode(replies[0]), "OVERLOADED");
  EXPECT_EQ(ErrorCode(replies[1]), "OVERLOADED");
  EXPECT_EQ(env.service->stats().overloaded, 2u);
}

}  // namespace
}  // namespace mqchat::chat
