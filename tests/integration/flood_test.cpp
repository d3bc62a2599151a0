// Flood protection against a real broker (issue 24): a user flooding a group is refused with
// RATE_LIMITED (and retry_after_ms) once past the burst, a refused message is not stored, a
// resend of a stored one still gets its original ack when over the limit, and an SDK client
// sending far faster than its limit ends with every message stored once and in order, because
// its outbox waits retry_after_ms and resends. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
constexpr auto kWait = std::chrono::seconds(30);
constexpr int kRatePerS = 20;
constexpr int kBurst = 10;

class SendFloodTest : public ChatFixture {
 protected:
  // Small limits keep the test short: 20 messages a second, 10 at once.
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"send_rate_per_s", std::to_string(kRatePerS)},
            {"send_burst", std::to_string(kBurst)},
            {"fanout_per_s", "0"}};
  }

  // The messages of `conv`, oldest first (one history page of up to 100).
  std::vector<json> History(ChatTestClient& c, int64_t conv) {
    auto r = c.Request(protocol::Op::kHistory, conv, {{"after_seq", 0}, {"limit", 100}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.ok() ? (*r.body)["messages"].get<std::vector<json>>() : std::vector<json>{};
  }

  TempDir dir_{"mqchat-flood"};
};

TEST_P(SendFloodTest, AFlooderIsRateLimitedWithinItsBurstAndWhatIsRefusedIsNotStored) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob", "carol"});
  auto flooder = Login("mallory");
  const int64_t group = flooder->CreateGroup("flooded", {"bob", "carol"});
  ASSERT_GT(group, 0);

  // As fast as the broker answers: the first refusal comes once the burst is spent, plus the
  // tokens refilled meanwhile (kRatePerS a second: one per send when an ack takes 1/kRatePerS,
  // as on a loaded machine with PostgreSQL), and no later.
  int first_refused = -1;
  json refusal;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 50 && first_refused < 0; ++i) {
    auto r = flooder->Send(group, "flood " + std::to_string(i), "f" + std::to_string(i));
    if (!r.ok()) {
      ASSERT_EQ(r.error_code(), "RATE_LIMITED") << r.Describe();
      first_refused = i;
      refusal = (*r.body)["error"];
    }
  }
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_GE(first_refused, kBurst);
  const int refilled = static_cast<int>(std::ceil(elapsed_s * kRatePerS));
  EXPECT_LE(first_refused, kBurst + refilled + 1)
      << "refused only past the burst and what " << elapsed_s << " s refilled";
  EXPECT_TRUE(refusal["retryable"].get<bool>());
  const int64_t retry_after_ms = refusal.value("retry_after_ms", int64_t{0});
  EXPECT_GT(retry_after_ms, 0);
  EXPECT_LE(retry_after_ms, 1000 / kRatePerS);

  // Over the limit, a resend of a stored message still gets its original ack.
  auto resend = flooder->Send(group, "flood 0", "f0");
  ASSERT_TRUE(resend.ok()) << resend.Describe();
  EXPECT_TRUE((*resend.body)["duplicate"].get<bool>());
  EXPECT_EQ((*resend.body)["seq"], 1);

  // The refused one, resent after the wait the server gave (the one wait this test is about),
  // is stored, once.
  const std::string refused_id = "f" + std::to_string(first_refused);
  ChatResponse again;
  ASSERT_TRUE(WaitFor(
      [&] {
        again = flooder->Send(group, "flood " + std::to_string(first_refused), refused_id);
        if (again.ok() || again.error_code() != "RATE_LIMITED") return true;
        std::this_thread::sleep_for(
            std::chrono::milliseconds((*again.body)["error"].value("retry_after_ms", int64_t{1})));
        return false;
      },
      std::chrono::seconds(10), "the refused message accepted after retry_after_ms"));
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_FALSE((*again.body)["duplicate"].get<bool>());

  // Stored: exactly the accepted ones, each once, in the order sent.
  auto bob = Login("bob");
  auto messages = History(*bob, group);
  ASSERT_EQ(messages.size(), static_cast<size_t>(first_refused + 1));
  for (int i = 0; i <= first_refused; ++i) {
    EXPECT_EQ(messages[i]["seq"], i + 1);
    EXPECT_EQ(messages[i]["client_msg_id"], "f" + std::to_string(i));
  }
}

TEST_P(SendFloodTest, AnSdkClientSendingTooFastEndsWithEveryMessageStoredOnceInOrder) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto owner = Login("alice");
  const int64_t group = owner->CreateGroup("busy", {"bob"});
  ASSERT_GT(group, 0);
  owner->Disconnect();

  auto options = ClientOptions::Builder()
                     .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                     .Token("alice", Token("alice"))
                     .Device("sdk")
                     .CachePath(dir_.File("alice.db"))
                     .Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto client = Client::Create(*options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE((*client)->Connect().ok());

  // 50 messages at once: 10 fit the burst, the other 40 come at 20 a second after refusals.
  constexpr int kCount = 50;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<Result<Ack>>> acks;
  for (int i = 0; i < kCount; ++i) acks.push_back((*client)->Send(group, "m" + std::to_string(i)));
  int64_t last_seq = 0;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(acks[i].wait_for(kWait), std::future_status::ready) << "message " << i;
    auto ack = acks[i].get();
    ASSERT_TRUE(ack.ok()) << i << ": " << ack.status().ToString();
    EXPECT_GT(ack->seq, last_seq) << "acked out of order at " << i;
    last_seq = ack->seq;
  }
  // The limit held it back: the 40 past the burst took at least (40 - 1) / 20 s.
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(1000 * (kCount - kBurst - 1) / kRatePerS));
  EXPECT_EQ(*(*client)->PendingSends(), 0u);

  auto bob = Login("bob");
  auto messages = History(*bob, group);
  ASSERT_EQ(messages.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(messages[i]["seq"], i + 1);
    EXPECT_EQ(messages[i]["text"], "m" + std::to_string(i));
  }
  client->reset();
}

// The message events (edit, delete, react) are sends of another kind: they spend the same
// per-user budget, so a client cannot flood reactions or edits past the limit either.
TEST_P(SendFloodTest, ReactionsAndEditsSpendTheSameBudgetAsMessages) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto flooder = Login("mallory");
  const int64_t group = flooder->CreateGroup("reacted", {"bob"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(flooder->Send(group, "target", "m0").ok());
  auto react = [&](int i) {
    return flooder->Request(protocol::Op::kReact, group,
                            {{"client_msg_id", "r" + std::to_string(i)},
                             {"seq", 1},
                             {"emoji", "\xF0\x9F\x91\x8D"},
                             {"remove", i % 2 == 1}});
  };
  // Adding and removing one reaction, as fast as the broker answers: refused once the burst
  // (less the message sent above) is spent.
  // The tokens refilled while the loop runs (20 a second) add to the burst: a bound from the
  // elapsed time, as round trips are slower on PostgreSQL.
  auto refilled = [](std::chrono::steady_clock::time_point since) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - since)
                                .count() *
                            kRatePerS / 1000) +
           2;
  };
  int first_refused = -1;
  json refusal;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50 && first_refused < 0; ++i) {
    auto r = react(i);
    if (!r.ok()) {
      ASSERT_EQ(r.error_code(), "RATE_LIMITED") << r.Describe();
      first_refused = i;
      refusal = (*r.body)["error"];
    }
  }
  ASSERT_GE(first_refused, kBurst - 1);
  EXPECT_LE(first_refused, kBurst + refilled(start)) << "reactions refused only past the burst";
  EXPECT_GT(refusal.value("retry_after_ms", int64_t{0}), 0);
  EXPECT_LE(refusal.value("retry_after_ms", int64_t{0}), 1000 / kRatePerS);
  start = std::chrono::steady_clock::now();  // the budget is spent here
  // Over the limit, a resent reaction still gets its original ack, under its own op.
  auto resend = react(0);
  ASSERT_TRUE(resend.ok()) << resend.Describe();
  EXPECT_TRUE((*resend.body)["duplicate"].get<bool>());
  EXPECT_EQ((*resend.body)["seq"], 2);

  // Edits: the same budget, also from another device of the same user (this device's later
  // sends are held back behind its refused reaction until it resends it, whatever the budget).
  // Spent again at once, an edit is refused too.
  auto other_device = Login("mallory", "d2");
  int edits_refused = -1;
  for (int i = 0; i < 50 && edits_refused < 0; ++i) {
    auto r = other_device->Request(protocol::Op::kEdit, group,
                                   {{"client_msg_id", "e" + std::to_string(i)},
                                    {"seq", 1},
                                    {"text", "v" + std::to_string(i)}});
    if (!r.ok()) {
      ASSERT_EQ(r.error_code(), "RATE_LIMITED") << r.Describe();
      EXPECT_GT((*r.body)["error"].value("retry_after_ms", int64_t{0}), 0);
      edits_refused = i;
    }
  }
  ASSERT_GE(edits_refused, 0) << "edits were never refused";
  EXPECT_LE(edits_refused, refilled(start)) << "edits refused only well after the budget was spent";

  // Nothing refused was stored: the log holds the message, the accepted reactions and edits.
  auto bob = Login("bob");
  auto history = History(*bob, group);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["text"],
            edits_refused == 0 ? std::string("target") : "v" + std::to_string(edits_refused - 1));
}

MQCHAT_INSTANTIATE_FOR_STORES(SendFloodTest);

}  // namespace
}  // namespace mqchat::test
