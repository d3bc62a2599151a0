// The send limits on ChatService's request path (send_limits.h): RATE_LIMITED with the wait,
// nothing stored for a refused send, the store check that still acks an idempotent resend,
// the fan-out budget by conversation size, and the service users' own limits.
#include "chat/send_limits.h"

#include <map>

#include <gtest/gtest.h>

#include "chat_test_env.h"

namespace mqchat::chat {
namespace {

using nlohmann::json;
using protocol::Op;
using test::ChatTestEnv;
using test::kGroup;

// A send whose req_id is its client_msg_id.
std::string Send(const std::string& client_msg_id) {
  return json{{"req_id", client_msg_id}, {"client_msg_id", client_msg_id}, {"text", "hi"}}.dump();
}
// Responses by req_id (the refusals made at once come before the writer's answers).
std::map<std::string, json> ByReqId(const std::vector<json>& replies) {
  std::map<std::string, json> out;
  for (const auto& r : replies) out[r.value("req_id", "")] = r;
  return out;
}
std::string Code(const json& r) {
  return r.value("ok", false) ? "" : r.value("error", json::object()).value("code", "none");
}
int64_t RetryAfter(const json& r) {
  return r.value("error", json::object()).value("retry_after_ms", int64_t{0});
}

ChatOptions Limits(SendRate sends, SendRate fanout) {
  ChatOptions options;
  options.send_limits.sends = sends;
  options.send_limits.fanout = fanout;
  return options;
}

TEST(SendLimitsTest, ReactionsEditsAndDeletesSpendTheSameBudget) {
  ChatTestEnv env(Limits({5, 3}, {0, 0}));
  auto alice = ChatTestEnv::Session("alice");
  auto event = [](const std::string& id, const std::string& extra) {
    return R"({"req_id":")" + id + R"(","client_msg_id":")" + id + R"(","seq":1)" + extra + "}";
  };
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("m0")));
  EXPECT_TRUE(env.Request(alice, Op::kReact, kGroup, event("r0", R"(,"emoji":"❤")")));
  EXPECT_TRUE(env.Request(alice, Op::kEdit, kGroup, event("e0", R"(,"text":"v2")")));
  // The burst of 3 is spent: each kind is refused with the wait.
  EXPECT_TRUE(env.Request(alice, Op::kReact, kGroup, event("r1", R"(,"emoji":"❤")")));
  EXPECT_TRUE(env.Request(alice, Op::kEdit, kGroup, event("e1", R"(,"text":"v3")")));
  EXPECT_TRUE(env.Request(alice, Op::kDelete, kGroup, event("d1", "")));
  auto replies = ByReqId(env.Responses(alice, 6));
  for (const char* ok : {"m0", "r0", "e0"}) EXPECT_EQ(Code(replies[ok]), "") << ok;
  for (const char* refused : {"r1", "e1", "d1"}) {
    EXPECT_EQ(Code(replies[refused]), "RATE_LIMITED") << refused;
    EXPECT_EQ(RetryAfter(replies[refused]), 200) << refused;
  }
  EXPECT_EQ(replies["r1"].value("op", ""), "react");
  std::lock_guard<std::mutex> lock(env.data->mu);
  EXPECT_EQ(env.data->messages[kGroup].size(), 3u);  // the message, a reaction, an edit
}

TEST(SendLimitsTest, OverTheBurstIsRateLimitedWithTheWaitAndNothingIsStored) {
  ChatTestEnv env(Limits({5, 3}, {0, 0}));
  auto alice = ChatTestEnv::Session("alice");
  auto id = [](int i) { return "m" + std::to_string(i); };
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send(id(i))));
  // Over the burst: the next ones go to the store check only (3 of them, the check budget),
  // then are refused at once, PUBACK refusal included (OnRequest false).
  for (int i = 3; i < 6; ++i) EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send(id(i))));
  EXPECT_FALSE(env.Request(alice, Op::kSend, kGroup, Send(id(6))));
  auto replies = ByReqId(env.Responses(alice, 7));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Code(replies[id(i)]), "") << i;
  for (int i = 3; i < 7; ++i) {
    EXPECT_EQ(Code(replies[id(i)]), "RATE_LIMITED") << i;
    EXPECT_EQ(RetryAfter(replies[id(i)]), 200) << i;  // one message per 200 ms
    EXPECT_TRUE(replies[id(i)]["error"]["retryable"].get<bool>());
  }
  {
    std::lock_guard<std::mutex> lock(env.data->mu);
    EXPECT_EQ(env.data->messages[kGroup].size(), 3u);
  }
  EXPECT_EQ(env.service->stats().rate_limited, 1u);
  // Once the wait is over, the next one is accepted.
  env.clock.AdvanceMs(200);
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("m3")));
  EXPECT_EQ(Code(env.Responses(alice, 8)[7]), "");
  EXPECT_EQ(env.Responses(alice, 8)[7].value("req_id", ""), "m3");
}

TEST(SendLimitsTest, AResendOfAStoredMessageGetsItsOriginalAckWhenOverTheLimit) {
  ChatTestEnv env(Limits({1, 2}, {0, 0}));
  auto alice = ChatTestEnv::Session("alice");
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("a")));
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("b")));
  auto first = env.Responses(alice, 2);
  // Over the limit now: the resend of "a" is still answered with its original ack.
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("a")));
  auto again = env.Responses(alice, 3)[2];
  ASSERT_EQ(Code(again), "");
  EXPECT_TRUE(again["duplicate"].get<bool>());
  EXPECT_EQ(again["seq"], first[0]["seq"]);
  EXPECT_EQ(again["message_id"], first[0]["message_id"]);
  // A new one is refused and not stored.
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("c")));
  EXPECT_EQ(Code(env.Responses(alice, 4)[3]), "RATE_LIMITED");
  std::lock_guard<std::mutex> lock(env.data->mu);
  EXPECT_EQ(env.data->messages[kGroup].size(), 2u);
}

TEST(SendLimitsTest, TheFanOutBudgetChargesEachMessageItsConversationsMembers) {
  // 30 deliveries per second, 6 at once; the group has 3 members.
  ChatTestEnv env(Limits({0, 0}, {30, 6}));
  auto alice = ChatTestEnv::Session("alice");
  // The first costs 1 (members not cached yet); its fan-out caches the 3 members.
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("m1")));
  env.Responses(alice, 1);
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("m2")));  // 3: 2 left
  env.Responses(alice, 2);
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("m3")));  // needs 3: refused
  auto replies = env.Responses(alice, 3);
  EXPECT_EQ(Code(replies[1]), "");
  EXPECT_EQ(Code(replies[2]), "RATE_LIMITED");
  EXPECT_EQ(RetryAfter(replies[2]), 34);  // 1 more delivery at 30/s: 33.3 ms, rounded up
}

TEST(SendLimitsTest, ServiceUsersHaveTheirOwnLimits) {
  ChatOptions options = Limits({1, 1}, {0, 0});
  options.send_limits.service_users = {"bob"};
  options.send_limits.service_sends = {0, 0};  // unlimited
  options.send_limits.service_fanout = {0, 0};
  ChatTestEnv env(options);
  auto alice = ChatTestEnv::Session("alice");
  auto bob = ChatTestEnv::Session("bob");
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(env.Request(bob, Op::kSend, kGroup, Send("b" + std::to_string(i))));
  }
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("a1")));
  EXPECT_TRUE(env.Request(alice, Op::kSend, kGroup, Send("a2")));
  auto bobs = env.Responses(bob, 50);
  for (const auto& r : bobs) EXPECT_EQ(Code(r), "");
  auto alices = env.Responses(alice, 2);
  EXPECT_EQ(Code(alices[0]), "");
  EXPECT_EQ(Code(alices[1]), "RATE_LIMITED");
}

}  // namespace
}  // namespace mqchat::chat

namespace mqchat::chat {
namespace {

// Sends a client has in flight behind a refused one must not take a token that refills a
// moment later: they would be stored before it (the order its outbox keeps).
TEST(SendLimitsTest, ARefusalClosesSendsForAMessageIntervalSoNoneInFlightOvertakes) {
  SendLimitOptions options;
  options.sends = {5, 2};  // a token every 200 ms
  options.fanout = {0, 0};
  SendLimits limits(options);
  int64_t t = 1000;
  EXPECT_EQ(limits.Admit({"alice", "c", "a1"}, 1, t), 0);
  EXPECT_EQ(limits.Admit({"alice", "c", "a2"}, 1, t), 0);
  // 199 ms later the bucket holds 0.995 tokens: refused. The bucket alone would admit the next
  // send 1 ms later; the refusal closes sends for a whole interval instead.
  t += 199;
  EXPECT_EQ(limits.Admit({"alice", "c", "a3"}, 1, t), 200);
  EXPECT_EQ(limits.Admit({"alice", "c2", "a4"}, 1, t + 5), 195);  // refilled, still refused
  EXPECT_EQ(limits.Admit({"bob", "c3", "b1"}, 1, t + 5), 0);      // nobody else is closed
  EXPECT_EQ(limits.Admit({"alice", "c", "a3"}, 1, t + 200), 0);   // the interval is over
}

}  // namespace
}  // namespace mqchat::chat

namespace mqchat::chat {
namespace {

// A client's send refused over the limit holds back that client's later sends until it comes
// back and is admitted, however long that takes: a send already in flight behind it that
// reached the broker after the closed interval (a slow store delayed the refusal, and an
// earlier ack let the client's window grow) would otherwise be stored before it.
TEST(SendLimitsTest, ARefusedSendHoldsBackItsClientsLaterSendsUntilItIsAdmitted) {
  SendLimitOptions options;
  options.sends = {5, 2};  // a token every 200 ms
  options.fanout = {0, 0};
  SendLimits limits(options);
  int64_t t = 1000;
  EXPECT_EQ(limits.Admit({"alice", "phone", "m1"}, 1, t), 0);
  EXPECT_EQ(limits.Admit({"alice", "phone", "m2"}, 1, t), 0);
  t += 199;
  EXPECT_GT(limits.Admit({"alice", "phone", "m3"}, 1, t), 0);
  // Long after the interval, with tokens to spare: m4 is still held back behind m3.
  t += 1000;
  EXPECT_GT(limits.Admit({"alice", "phone", "m4"}, 1, t), 0);
  // Another device of the same user keeps no order with this one.
  EXPECT_EQ(limits.Admit({"alice", "laptop", "x1"}, 1, t), 0);
  // m3 comes back and is admitted; then m4 is, once a token has refilled.
  EXPECT_EQ(limits.Admit({"alice", "phone", "m3"}, 1, t), 0);
  EXPECT_EQ(limits.Admit({"alice", "phone", "m4"}, 1, t + 400), 0);
}

// A client that never resends the refused message is not held back for ever.
TEST(SendLimitsTest, AClientThatDropsARefusedSendIsHeldBackOnlyForAWhile) {
  SendLimitOptions options;
  options.sends = {5, 1};
  options.fanout = {0, 0};
  SendLimits limits(options);
  int64_t t = 1000;
  EXPECT_EQ(limits.Admit({"alice", "phone", "m1"}, 1, t), 0);
  EXPECT_GT(limits.Admit({"alice", "phone", "m2"}, 1, t), 0);
  EXPECT_GT(limits.Admit({"alice", "phone", "m3"}, 1, t + 5000), 0);
  EXPECT_EQ(limits.Admit({"alice", "phone", "m3"}, 1, t + SendLimits::kHoldBackMs + 1000), 0);
}

}  // namespace
}  // namespace mqchat::chat
