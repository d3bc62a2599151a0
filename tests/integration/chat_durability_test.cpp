// What was acknowledged survives: the broker SIGKILLed mid-burst, and PostgreSQL stopped
// mid-stream. Real broker, real stores.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "protocol/topics.h"
#include "support/chat_fixture.h"
#include "support/postgres_instance.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

// Pages through sync until nothing is left; returns every message by (conversation, seq).
std::map<std::pair<int64_t, int64_t>, nlohmann::json> SyncAll(ChatTestClient& client) {
  std::map<std::pair<int64_t, int64_t>, nlohmann::json> got;
  std::map<std::string, int64_t> cursors;
  for (int round = 0; round < 100; ++round) {
    auto r = client.Request(protocol::Op::kSync, 0, {{"cursors", cursors}, {"limit", 50}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) break;
    bool more = false;
    for (const auto& c : (*r.body)["conversations"]) {
      const int64_t conv = JsonId(c["conversation_id"]);
      for (const auto& m : c["messages"]) {
        const int64_t seq = m["seq"].get<int64_t>();
        EXPECT_TRUE(got.emplace(std::make_pair(conv, seq), m).second)
            << "sync returned seq " << seq << " twice";
        cursors[std::to_string(conv)] = std::max(cursors[std::to_string(conv)], seq);
      }
      more = more || c["has_more"].get<bool>();
    }
    if (!more) break;
  }
  return got;
}

class DurabilityTest : public ChatFixture {};

TEST_P(DurabilityTest, EveryAckedMessageSurvivesSigkillExactlyOnce) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);

  // Fire a burst without waiting for acks, then kill the broker as soon as some acks are in.
  constexpr int kBurst = 300;
  const std::string topic = protocol::RequestTopic(protocol::Op::kSend, conv);
  for (int i = 0; i < kBurst; ++i) {
    nlohmann::json body = {{"client_msg_id", "k" + std::to_string(i)},
                           {"text", "burst " + std::to_string(i)},
                           {"req_id", "k" + std::to_string(i)}};
    ASSERT_LT(alice->mqtt().Publish(topic, body.dump(), 1), 0x80);
  }
  std::map<std::string, int64_t> acked;  // client_msg_id -> seq
  const std::string replies = protocol::UserPrefix("alice") + "reply/#";
  while (acked.size() < 50) {
    auto msg = alice->mqtt().WaitMessage(std::chrono::seconds(15), replies);
    ASSERT_TRUE(msg.has_value()) << "acks stopped after " << acked.size();
    auto json = nlohmann::json::parse(msg->payload, nullptr, false);
    ASSERT_TRUE(json.value("ok", false)) << msg->payload;
    acked[json["client_msg_id"]] = json["seq"].get<int64_t>();
  }
  server_->broker().Kill();
  // Acks already on the wire when the broker died still count: they were sent after commit.
  for (auto& m : alice->mqtt().Drain()) {
    auto json = nlohmann::json::parse(m.payload, nullptr, false);
    if (json.is_object() && json.value("op", "") == "send" && json.value("ok", false)) {
      acked[json["client_msg_id"]] = json["seq"].get<int64_t>();
    }
  }
  ASSERT_TRUE(server_->broker().Start());

  auto bob = Login("bob", "new-phone");
  auto synced = SyncAll(*bob);
  std::set<std::string> client_ids;
  int64_t expected_seq = 1;
  for (const auto& [key, m] : synced) {
    EXPECT_EQ(key.second, expected_seq++) << "gap in the stored sequence";
    EXPECT_TRUE(client_ids.insert(m["client_msg_id"]).second) << "stored twice: " << m.dump();
  }
  for (const auto& [cid, seq] : acked) {
    auto it = synced.find({conv, seq});
    ASSERT_NE(it, synced.end()) << "acked " << cid << " (seq " << seq << ") lost";
    EXPECT_EQ(it->second["client_msg_id"], cid);
  }
  // Retrying an acked message after the restart returns the original ack.
  const auto& [cid, seq] = *acked.begin();
  auto alice2 = Login("alice", "phone2");
  auto again = alice2->Send(conv, "retry", cid);
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["duplicate"], true);
  EXPECT_EQ((*again.body)["seq"], seq);
}

MQCHAT_INSTANTIATE_FOR_STORES(DurabilityTest);

// PostgreSQL only: the store goes away mid-stream and comes back.
class StoreOutageTest : public ChatFixture {};

TEST_P(StoreOutageTest, SendsFailRetryablyWhileStoreIsDownAndResumeByThemselves) {
  MQCHAT_REQUIRE_SERVER();
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_TRUE(alice->Send(conv, "before", "o-0").ok());

  ASSERT_TRUE(pg->Stop().ok());
  auto down = alice->Send(conv, "during", "o-1");
  ASSERT_TRUE(down.body.has_value()) << "no answer while the store is down";
  EXPECT_EQ(down.error_code(), "UNAVAILABLE") << down.Describe();
  EXPECT_EQ((*down.body)["error"]["retryable"], true);
  EXPECT_TRUE(alice->mqtt().IsConnected());

  ASSERT_TRUE(pg->Start().ok());
  ChatResponse later;
  ASSERT_TRUE(WaitFor(
      [&] {
        later = alice->Send(conv, "during", "o-1");  // the same client_msg_id: safe to retry
        return later.ok();
      },
      std::chrono::seconds(30), "sends to succeed after the store returned"));
  EXPECT_EQ((*later.body)["seq"], 2) << "the failed attempt must not have taken a seq";

  auto msgs = bob->WaitMessages(conv, 2);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1]["text"], "during");
  // The reader's connection learns of the restart on its first query, which fails retryably
  // (the contract: retry UNAVAILABLE); the next one reconnects.
  ChatResponse history;
  ASSERT_TRUE(WaitFor(
      [&] {
        history = bob->Request(protocol::Op::kHistory, conv, {});
        EXPECT_TRUE(history.ok() || history.error_code() == "UNAVAILABLE") << history.Describe();
        return history.ok();
      },
      std::chrono::seconds(30), "history after the store returned"));
  EXPECT_EQ((*history.body)["messages"].size(), 2u) << "nothing stored twice";
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreOutageTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
