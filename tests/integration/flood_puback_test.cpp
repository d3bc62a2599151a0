// The cheap refusal of a flooding client (issue 24, send_puback_refusal = 1): once an MQTT 5
// client has been answered RATE_LIMITED with a wait, its further sends before that wait has
// passed are refused in the broker's ACL check, with PUBACK 0x87 and no JSON answer, and nothing
// of them is stored; after the wait its sends are admitted again. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "protocol/topics.h"
#include "support/chat_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
constexpr int kBurst = 3;
constexpr int kNotAuthorized = 0x87;

class SendPubackRefusalTest : public ChatFixture {
 protected:
  // One message a second: a refusal's wait (up to 1 s) is long enough for a few publishes on
  // a loaded machine.
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"send_rate_per_s", "1"},
            {"send_burst", std::to_string(kBurst)},
            {"fanout_per_s", "0"},
            {"send_puback_refusal", "1"}};
  }
};

TEST_P(SendPubackRefusalTest, SendsDuringTheWaitGetPuback0x87AndAreNotStored) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto flooder = Login("mallory");
  const int64_t group = flooder->CreateGroup("flooded", {"bob"});
  ASSERT_GT(group, 0);

  int first_refused = -1;
  int64_t retry_after_ms = 0;
  for (int i = 0; i < 20 && first_refused < 0; ++i) {
    auto r = flooder->Send(group, "m" + std::to_string(i), "m" + std::to_string(i));
    if (!r.ok()) {
      ASSERT_EQ(r.error_code(), "RATE_LIMITED") << r.Describe();
      first_refused = i;
      retry_after_ms = (*r.body)["error"].value("retry_after_ms", int64_t{0});
    }
  }
  ASSERT_GE(first_refused, kBurst);
  ASSERT_GT(retry_after_ms, 0);
  const auto refused_at = std::chrono::steady_clock::now();

  // Raw sends right after the refusal: refused in the ACL check while the wait (at least
  // 1 s: the closed interval of one message) lasts.
  const std::string topic = protocol::RequestTopic(protocol::Op::kSend, group);
  int denied = 0;
  for (int i = 0; i < 3; ++i) {
    json body = {{"req_id", "x" + std::to_string(i)},
                 {"client_msg_id", "x" + std::to_string(i)},
                 {"text", "during the wait"}};
    const int reason = flooder->mqtt().Publish(topic, body.dump(), 1);
    if (std::chrono::steady_clock::now() - refused_at < std::chrono::milliseconds(900)) {
      EXPECT_EQ(reason, kNotAuthorized) << "send " << i << " during the wait";
    }
    if (reason == kNotAuthorized) ++denied;
  }
  EXPECT_GT(denied, 0);

  // After the wait, the refused message and the next one are admitted (a send still inside
  // the wait would get 0x87 and no answer: the test client would wait for one in vain).
  std::this_thread::sleep_until(refused_at + std::chrono::milliseconds(retry_after_ms));
  for (int i = first_refused; i <= first_refused + 1; ++i) {
    ChatResponse r;
    ASSERT_TRUE(WaitFor(
        [&] {
          r = flooder->Send(group, "m" + std::to_string(i), "m" + std::to_string(i));
          if (r.ok() || (r.body && r.error_code() != "RATE_LIMITED")) return true;
          // Waiting is what the protocol asks for here (PUBACK 0x87 carries no wait).
          const int64_t wait =
              r.body ? (*r.body)["error"].value("retry_after_ms", int64_t{100}) : 100;
          std::this_thread::sleep_for(std::chrono::milliseconds(wait));
          return false;
        },
        std::chrono::seconds(30), "message admitted after the wait"));
    ASSERT_TRUE(r.ok()) << r.Describe();
  }

  // Stored: exactly the admitted ones, in order; none of the 0x87 ones.
  auto bob = Login("bob");
  auto h = bob->Request(protocol::Op::kHistory, group, {{"after_seq", 0}, {"limit", 100}});
  ASSERT_TRUE(h.ok()) << h.Describe();
  auto messages = (*h.body)["messages"];
  ASSERT_EQ(messages.size(), static_cast<size_t>(first_refused + 2));
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i]["client_msg_id"], "m" + std::to_string(i));
  }
}

// A 3.1.1 client would take a denied publish's plain PUBACK for success: it keeps the JSON
// RATE_LIMITED answer.
TEST_P(SendPubackRefusalTest, AnMqtt311ClientKeepsTheJsonRefusal) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto flooder = Login("mallory", "d1", /*mqtt_version=*/4);
  const int64_t group = flooder->CreateGroup("flooded", {"bob"});
  ASSERT_GT(group, 0);
  int refusals = 0;
  for (int i = 0; i < 20 && refusals < 2; ++i) {
    auto r = flooder->Send(group, "m" + std::to_string(i), "m" + std::to_string(i));
    if (!r.ok()) {
      ASSERT_EQ(r.error_code(), "RATE_LIMITED") << r.Describe();
      ++refusals;
    }
  }
  EXPECT_EQ(refusals, 2) << "each send past the burst answered in JSON";
}

MQCHAT_INSTANTIATE_FOR_STORES(SendPubackRefusalTest);

}  // namespace
}  // namespace mqchat::test
