// Slow mode (issue 24) against a real broker, on SQLite and PostgreSQL: a group's owner or
// admin sets it (set_slow_mode; members, outsiders and direct conversations are refused), it
// is carried in `conversations`, a member's second message within the interval is refused with
// RATE_LIMITED and the rest of the interval as retry_after_ms (and is not stored), the owner is
// exempt, edits and reactions are not paced, turning it off lifts it at once, and an SDK client
// sending several messages at once into a slow group ends with each stored once, in order,
// because its outbox waits retry_after_ms and resends; its cache keeps the setting, and the
// owner's changes reach it as `slow_mode` conversation events. With two brokers on one store (a
// member's devices on both, or a device that reconnects to the other), the interval still holds:
// the store decides it under the conversation's lock (migration 025). The same holds for a text
// channel's slow mode (migration 026), whose moderators are exempt on every broker.
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "protocol/ops.h"
#include "support/broker_process.h"
#include "support/chat_fixture.h"
#include "support/guild_requests.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;
constexpr auto kWait = std::chrono::seconds(30);

class SlowModeTest : public ChatFixture {
 protected:
  static ChatResponse SetSlowMode(ChatTestClient& c, int64_t conv, json seconds) {
    return c.Request(Op::kSetSlowMode, 0,
                     {{"conversation_id", std::to_string(conv)}, {"seconds", std::move(seconds)}});
  }
  // The `conversations` entry of `conv` as `c` sees it (null if not listed).
  static json Summary(ChatTestClient& c, int64_t conv) {
    auto r = c.Request(Op::kConversations, 0, json::object());
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) return nullptr;
    for (const auto& s : (*r.body)["conversations"]) {
      if (s["conversation_id"] == std::to_string(conv)) return s;
    }
    return nullptr;
  }
  std::vector<json> History(ChatTestClient& c, int64_t conv) {
    auto r = c.Request(Op::kHistory, conv, {{"after_seq", 0}, {"limit", 100}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.ok() ? (*r.body)["messages"].get<std::vector<json>>() : std::vector<json>{};
  }

  // A second broker (node 1) on the same store as server_'s (an SQLite file both open, or the
  // same PostgreSQL database), started; null (and a test failure) if it did not start.
  std::unique_ptr<BrokerProcess> SecondBroker() {
    const store::StoreConfig& cfg = server_->store_config();
    BrokerOptions o;
    if (cfg.backend == store::Backend::kSqlite) {
      o.plugin_opts = {{"store", "sqlite"}, {"sqlite_path", cfg.sqlite_path}};
    } else {
      o.plugin_opts = {{"store", "postgres"}, {"pg_conninfo", cfg.pg_conninfo}};
    }
    o.plugin_opts.emplace_back("node_id", "1");
    o.plugin_opts.emplace_back("jwt_hs256_secret", kTestJwtSecret);
    auto broker = std::make_unique<BrokerProcess>(std::move(o));
    if (!broker->Start()) return nullptr;  // Start recorded why
    return broker;
  }
  std::unique_ptr<ChatTestClient> LoginTo(BrokerProcess& broker, const std::string& user,
                                          const std::string& device) {
    auto client = std::make_unique<ChatTestClient>();
    EXPECT_EQ(client->Connect(broker.port(), user, Token(user), device), 0)
        << "login of " << user << "/" << device << " to the second broker";
    return client;
  }
  // Asserts that `answer` is slow mode's refusal: RATE_LIMITED with the rest of the interval
  // (more than 0, at most `interval_ms`) as retry_after_ms and in the message. Call it through
  // ASSERT_NO_FATAL_FAILURE.
  static void ExpectSlowModeRefusal(const ChatResponse& answer, int64_t interval_ms) {
    ASSERT_EQ(answer.error_code(), "RATE_LIMITED") << answer.Describe();
    const int64_t wait = (*answer.body)["error"].value("retry_after_ms", int64_t{0});
    EXPECT_GT(wait, 0) << answer.Describe();
    EXPECT_LE(wait, interval_ms) << answer.Describe();
    EXPECT_EQ((*answer.body)["error"].value("message", ""),
              "this conversation is in slow mode; wait " + std::to_string(wait) +
                  " ms before sending again")
        << answer.Describe();
  }
  // Resends `text` as `cid` from `c` into `conv` until it is accepted (within kWait), without
  // sleeping on the wait the server gives: each refusal meanwhile must be slow mode's
  // RATE_LIMITED with a wait within `interval_ms` (a failure otherwise). The last answer.
  ChatResponse ResendUntilAccepted(ChatTestClient& c, int64_t conv, const std::string& text,
                                   const std::string& cid, int64_t interval_ms) {
    ChatResponse answer;
    WaitFor(
        [&] {
          answer = c.Send(conv, text, cid);
          if (answer.error_code() != "RATE_LIMITED") return true;
          ExpectSlowModeRefusal(answer, interval_ms);
          return false;
        },
        kWait, "the paced message " + cid + " accepted once the interval is over");
    return answer;
  }
  // The texts of the messages (kind message) of `conv`, in seq order.
  std::vector<std::string> Texts(ChatTestClient& c, int64_t conv) {
    std::vector<std::string> texts;
    for (const auto& m : History(c, conv)) {
      if (m.value("kind", std::string("message")) == "message") texts.push_back(m["text"]);
    }
    return texts;
  }

  TempDir dir_{"mqchat-slow-mode"};
};

TEST_P(SlowModeTest, TheIntervalHoldsAcrossBrokersSharingTheStore) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto second = SecondBroker();
  ASSERT_NE(second, nullptr);
  auto alice = Login("alice");
  const int64_t group = alice->CreateGroup("slow", {"bob"});
  ASSERT_GT(group, 0);
  constexpr int64_t kSeconds = 5;
  ASSERT_TRUE(SetSlowMode(*alice, group, kSeconds).ok());
  auto bob_phone = Login("bob", "phone");                // on the first broker
  auto bob_laptop = LoginTo(*second, "bob", "laptop");  // on the second
  auto alice_tablet = LoginTo(*second, "alice", "tablet");

  const auto first_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(bob_phone->Send(group, "from the phone", "b1").ok());
  // Through the other broker, within the interval: refused with the rest of it, not stored.
  ASSERT_NO_FATAL_FAILURE(
      ExpectSlowModeRefusal(bob_laptop->Send(group, "from the laptop", "b2"), kSeconds * 1000));
  EXPECT_EQ(Texts(*alice, group), (std::vector<std::string>{"from the phone"}));
  // And back on the first broker, which admitted the first message itself: refused too.
  EXPECT_EQ(bob_phone->Send(group, "again from the phone", "b3").error_code(), "RATE_LIMITED");

  // The owner is exempt on both brokers.
  ASSERT_TRUE(alice->Send(group, "owner 1", "a1").ok());
  ASSERT_TRUE(alice_tablet->Send(group, "owner 2", "a2").ok());

  // The refused message, resent with its client_msg_id until taken: refused through the
  // interval, then stored once, after the others.
  ChatResponse again =
      ResendUntilAccepted(*bob_laptop, group, "from the laptop", "b2", kSeconds * 1000);
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_FALSE((*again.body)["duplicate"].get<bool>());
  EXPECT_GE(std::chrono::steady_clock::now() - first_at,
            std::chrono::milliseconds(kSeconds * 1000 - 100));
  EXPECT_TRUE(bob_laptop->Send(group, "from the laptop", "b2").ok());  // a resend: its ack
  EXPECT_EQ(Texts(*alice, group), (std::vector<std::string>{"from the phone", "owner 1",
                                                             "owner 2", "from the laptop"}));
  // The interval runs again from that message, on the first broker too.
  EXPECT_EQ(bob_phone->Send(group, "again from the phone", "b3").error_code(), "RATE_LIMITED");
}

TEST_P(SlowModeTest, OwnersAndAdminsSetItAndAMembersSecondMessageWaitsTheInterval) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol", "dave"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto dave = Login("dave");
  const int64_t group = alice->CreateGroup("slow", {"bob", "carol"});
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(group, 0);
  ASSERT_GT(dm, 0);

  EXPECT_EQ(SetSlowMode(*bob, group, 5).error_code(), "FORBIDDEN");  // a member
  EXPECT_EQ(SetSlowMode(*dave, group, 5).error_code(), "NOT_MEMBER");
  EXPECT_EQ(SetSlowMode(*dave, group + 1000, 5).error_code(), "NOT_MEMBER");
  EXPECT_EQ(SetSlowMode(*alice, dm, 5).error_code(), "FORBIDDEN");  // no owner in a direct one
  EXPECT_EQ(SetSlowMode(*alice, group, -1).error_code(), "BAD_REQUEST");
  EXPECT_EQ(SetSlowMode(*alice, group, 21601).error_code(), "BAD_REQUEST");
  EXPECT_FALSE(Summary(*bob, group).contains("slow_mode_s"));  // off: absent

  constexpr int64_t kSeconds = 2;
  auto set = SetSlowMode(*alice, group, kSeconds);
  ASSERT_TRUE(set.ok()) << set.Describe();
  EXPECT_EQ((*set.body)["slow_mode_s"], kSeconds);
  EXPECT_EQ((*set.body)["conversation_id"], std::to_string(group));
  EXPECT_EQ(Summary(*bob, group)["slow_mode_s"], kSeconds);

  const auto first_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(bob->Send(group, "b1", "b1").ok());
  // The owner is exempt; a member's reactions (and edits) are not paced.
  for (int i = 1; i <= 3; ++i) {
    auto sent = alice->Send(group, "a" + std::to_string(i), "a" + std::to_string(i));
    ASSERT_TRUE(sent.ok()) << sent.Describe();
  }
  auto react = bob->Request(Op::kReact, group,
                            {{"client_msg_id", "r1"}, {"seq", 2}, {"emoji", "👍"}});
  EXPECT_TRUE(react.ok()) << react.Describe();
  // A member's second message within the interval: refused with the rest of it, not stored.
  ASSERT_NO_FATAL_FAILURE(ExpectSlowModeRefusal(bob->Send(group, "b2", "b2"), kSeconds * 1000));

  // Resent until taken: refused through the interval, then stored, once.
  ChatResponse again = ResendUntilAccepted(*bob, group, "b2", "b2", kSeconds * 1000);
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_FALSE((*again.body)["duplicate"].get<bool>());
  EXPECT_GE(std::chrono::steady_clock::now() - first_at,
            std::chrono::milliseconds(kSeconds * 1000 - 100));
  EXPECT_EQ(Texts(*alice, group), (std::vector<std::string>{"b1", "a1", "a2", "a3", "b2"}));

  // Off again: at once, on this broker.
  auto off = SetSlowMode(*alice, group, 0);
  ASSERT_TRUE(off.ok()) << off.Describe();
  EXPECT_FALSE(Summary(*bob, group).contains("slow_mode_s"));
  for (int i = 3; i <= 5; ++i) {
    auto sent = bob->Send(group, "b" + std::to_string(i), "b" + std::to_string(i));
    EXPECT_TRUE(sent.ok()) << sent.Describe();
  }
}

TEST_P(SlowModeTest, AnSdkClientWaitsTheIntervalAndStoresEveryMessageOnceInOrder) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t group = alice->CreateGroup("slow", {"bob"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(SetSlowMode(*alice, group, 1).ok());

  auto options = ClientOptions::Builder()
                     .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                     .Token("bob", Token("bob"))
                     .Device("sdk")
                     .CachePath(dir_.File("bob.db"))
                     .Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto client = Client::Create(*options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE((*client)->Connect().ok());
  auto summaries = (*client)->Conversations().get();
  ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
  ASSERT_EQ(summaries->size(), 1u);
  EXPECT_EQ((*summaries)[0].slow_mode_s, 1);

  constexpr int kCount = 3;
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
  // One a second: the third came at least two intervals after the first.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1900));
  EXPECT_EQ(*(*client)->PendingSends(), 0u);
  auto messages = History(*alice, group);
  ASSERT_EQ(messages.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(messages[i]["text"], "m" + std::to_string(i));

  // The cache keeps the setting, and the owner's change reaches it as a `slow_mode` event.
  auto cached_slow_mode = [&] {
    auto cached = (*client)->CachedConversations();
    return cached.ok() && cached->size() == 1 ? (*cached)[0].slow_mode_s : int64_t{-1};
  };
  EXPECT_EQ(cached_slow_mode(), 1);
  ASSERT_TRUE(SetSlowMode(*alice, group, 30).ok());
  EXPECT_TRUE(WaitFor([&] { return cached_slow_mode() == 30; }, kWait,
                      "the slow_mode event in bob's cache"));
  ASSERT_TRUE(SetSlowMode(*alice, group, 0).ok());
  EXPECT_TRUE(WaitFor([&] { return cached_slow_mode() == 0; }, kWait,
                      "slow mode off in bob's cache"));
  client->reset();
}

MQCHAT_INSTANTIATE_FOR_STORES(SlowModeTest);

// A text channel's slow mode, decided by the store as a group's is: a reader whose devices are
// on two brokers of one store waits the interval on both, and a member with manage_messages
// is exempt on both (AppendRequest::slow_mode_exempt).
class ChannelSlowModeTest : public SlowModeTest, protected GuildRequests {};

TEST_P(ChannelSlowModeTest, TheIntervalHoldsAcrossBrokersSharingTheStore) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "dan"});
  auto second = SecondBroker();
  ASSERT_NE(second, nullptr);
  auto olga = Login("olga");
  auto bob_phone = Login("bob", "phone");  // on the first broker
  auto dan = Login("dan", "phone");
  Guild(*olga, {bob_phone.get(), dan.get()});
  const int64_t general = general_;
  ASSERT_NE(general, 0);
  ASSERT_FALSE(GiveRole(*olga, "dan", kManageMessages).empty());
  constexpr int64_t kSeconds = 5;
  auto set = SetSlowMode(*olga, general, kSeconds);
  ASSERT_TRUE(set.ok()) << set.Describe();
  // On the second broker after the change: its cache loads the channel with its slow mode.
  auto bob_laptop = LoginTo(*second, "bob", "laptop");
  auto dan_laptop = LoginTo(*second, "dan", "laptop");
  for (ChatTestClient* c : {bob_phone.get(), dan.get(), bob_laptop.get(), dan_laptop.get()}) {
    Barrier(*c);
  }

  ASSERT_TRUE(bob_phone->Send(general, "from the phone", "b1").ok());
  // Through the other broker, within the interval: refused with the rest of it, not stored.
  ASSERT_NO_FATAL_FAILURE(
      ExpectSlowModeRefusal(bob_laptop->Send(general, "from the laptop", "b2"), kSeconds * 1000));
  EXPECT_EQ(Texts(*olga, general), (std::vector<std::string>{"from the phone"}));

  // manage_messages: exempt on both brokers, twice on each.
  for (ChatTestClient* c : {dan.get(), dan_laptop.get(), dan.get(), dan_laptop.get()}) {
    auto sent = c->Send(general, "dan", "d" + std::to_string(++next_req_));
    ASSERT_TRUE(sent.ok()) << sent.Describe();
  }
  // The refused message, resent until taken: once, after the others.
  ChatResponse again =
      ResendUntilAccepted(*bob_laptop, general, "from the laptop", "b2", kSeconds * 1000);
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_FALSE((*again.body)["duplicate"].get<bool>());
  EXPECT_EQ(Texts(*olga, general), (std::vector<std::string>{"from the phone", "dan", "dan", "dan",
                                                             "dan", "from the laptop"}));
  // The interval runs again from that message, on the first broker too.
  EXPECT_EQ(bob_phone->Send(general, "again from the phone", "b3").error_code(), "RATE_LIMITED");
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelSlowModeTest);

}  // namespace
}  // namespace mqchat::test
