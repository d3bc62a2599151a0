// Ids after a restart: a broker continues after the largest id in its store, so a wall clock
// that stepped back across the restart cannot make it issue an id again. The step back is
// simulated by a stored message whose id is an hour ahead of the clock.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "ids/snowflake.h"
#include "store/chat_store.h"
#include "store/store_factory.h"
#include "support/chat_fixture.h"

namespace mqchat::test {
namespace {

class RestartIdsTest : public ChatFixture {};

TEST_P(RestartIdsTest, IdsContinueAfterTheLargestStoredOne) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  alice->Disconnect();
  server_->broker().Stop();

  // The id this node would have issued an hour from now, in its last busy millisecond.
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t ahead = ((now_ms + 3'600'000 - SnowflakeGenerator::kEpochMs)
                         << (SnowflakeGenerator::kNodeBits + SnowflakeGenerator::kCounterBits)) |
                        ((int64_t{1} << SnowflakeGenerator::kCounterBits) - 1);
  {
    auto opened = store::OpenChatStore(server_->store_config());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::AppendRequest req;
    req.conversation_id = conv;
    req.sender = "alice";
    req.client_msg_id = "from-the-future";
    req.text = "sent before the clock stepped back";
    req.message_id = ahead;
    req.created_at_ms = now_ms;
    auto stored = (*opened)->AppendBatch({req});
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    ASSERT_EQ((*stored)[0].outcome, store::AppendOutcome::kStored);
  }

  ASSERT_TRUE(server_->broker().Start());
  alice = Login("alice");
  auto ack = alice->Send(conv, "after the restart", "now");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  EXPECT_GT(JsonId((*ack.body)["message_id"]), ahead);
  EXPECT_GT(alice->CreateGroup("new", {"bob"}), ahead);  // conversation ids too
}

MQCHAT_INSTANTIATE_FOR_STORES(RestartIdsTest);

}  // namespace
}  // namespace mqchat::test
