// Oversize and over-deep requests over a real broker: the plugin answers TOO_LARGE (PUBACK 0x87)
// without parsing them, Mosquitto's message_size_limit refuses bigger ones up to max_packet_size
// (PUBACK 0x95), the publisher stays connected, and everyone else's sends go on working. (Packets
// over max_packet_size disconnect the publisher: payload_memory_test.cpp.)
#include <gtest/gtest.h>

#include <string>

#include "protocol/requests.h"
#include "support/chat_fixture.h"

namespace mqchat::test {
namespace {

constexpr int kV5NotAuthorized = 0x87;
constexpr int kV5PacketTooLarge = 0x95;  // what Mosquitto 2.0.11 puts in the PUBACK
constexpr std::chrono::milliseconds kNoAnswerWait{1000};

class OversizeRequestTest : public ChatFixture {};

// A send whose unknown field "x" nests `depth` arrays, padded with spaces to `size` bytes.
std::string NestedSend(const std::string& req_id, size_t depth, size_t size) {
  std::string payload = R"({"req_id":")" + req_id + R"(","client_msg_id":"c","text":"t","x":)" +
                        std::string(depth, '[') + std::string(depth, ']') + "}";
  if (payload.size() < size) payload.insert(payload.size() - 1, size - payload.size(), ' ');
  return payload;
}

TEST_P(OversizeRequestTest, RefusedWithTooLargeWhileOthersKeepChatting) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  protocol::RequestLimits limits;  // the plugin runs with the default max_message_chars
  const size_t limit = protocol::MaxRequestBytes(limits);

  // Over the plugin's limit, under the broker's message_size_limit: refused unread.
  auto big =
      alice->RequestRaw(protocol::Op::kSend, conv, NestedSend("big", 100000, limit + 1), "big");
  EXPECT_EQ(big.puback, kV5NotAuthorized);
  EXPECT_EQ(big.error_code(), "TOO_LARGE") << big.Describe().substr(0, 300);
  EXPECT_NE(big.Describe().find("payload has " + std::to_string(limit + 1) + " bytes"),
            std::string::npos)
      << big.Describe().substr(0, 300);

  // Within the byte limit but nested far too deep: refused at the fifth level, req_id echoed.
  auto deep = alice->RequestRaw(protocol::Op::kSend, conv, NestedSend("deep", 500000, 0), "deep");
  EXPECT_EQ(deep.puback, kV5NotAuthorized);
  EXPECT_EQ(deep.error_code(), "TOO_LARGE") << deep.Describe().substr(0, 300);
  ASSERT_TRUE(deep.body);
  EXPECT_EQ((*deep.body)["req_id"], "deep");

  // 1.5 MiB: over message_size_limit but under max_packet_size, so Mosquitto reads it and drops
  // it before the plugin (no JSON answer).
  auto huge = alice->RequestRaw(protocol::Op::kSend, conv, NestedSend("huge", 1 << 19, 3 << 19),
                                "huge", kNoAnswerWait);
  EXPECT_EQ(huge.puback, kV5PacketTooLarge);
  EXPECT_TRUE(alice->mqtt().IsConnected());

  // Nothing was stored, and both still chat normally.
  auto from_bob = bob->Send(conv, "still here", "b-1");
  ASSERT_TRUE(from_bob.ok()) << from_bob.Describe();
  EXPECT_EQ((*from_bob.body)["seq"], 1);
  auto at_alice = alice->WaitMessages(conv, 1);
  ASSERT_EQ(at_alice.size(), 1u);
  EXPECT_EQ(at_alice[0]["text"], "still here");
  auto from_alice = alice->Send(conv, "me too", "a-1");
  ASSERT_TRUE(from_alice.ok()) << from_alice.Describe();
  EXPECT_EQ((*from_alice.body)["seq"], 2);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, OversizeRequestTest,
                         ::testing::Values(::mqchat::test::StoreKind::kSqlite));

}  // namespace
}  // namespace mqchat::test
