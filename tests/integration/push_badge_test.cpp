// Badge counts in push notifications (docs/PROTOCOL.md 7.2 and 7.4), end to end with a fake
// gateway (HttpTestServer): counts.unread is the user's unread total across conversations
// (muted ones excluded), counts.messages the notification's own batch; a read or a mute on one
// device sends the user's other devices a counts-only notification; the coalescing delay makes
// a pipelined burst one notification. On one broker (SQLite and PostgreSQL) and on two brokers
// sharing PostgreSQL, where reads, sends and deliveries happen on different brokers.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "mqchat/client.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"
#include "support/http_test_server.h"
#include "support/shared_brokers.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

// The notifications the gateway accepted for `token`, in arrival order.
std::vector<json> NotificationsFor(const HttpTestServer& gateway, const std::string& token) {
  std::vector<json> out;
  for (const auto& ex : gateway.Exchanges()) {
    const auto tokens = NotificationTokens(ex.request.json);
    if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) continue;
    if (ex.reply.status < 200 || ex.reply.status >= 300) continue;
    out.push_back(ex.request.json["notification"]);
  }
  return out;
}

// Messages announced so far for `token` in conversation `room`.
int64_t MessagesAnnounced(const HttpTestServer& gateway, const std::string& token, int64_t room) {
  int64_t n = 0;
  for (const auto& note : NotificationsFor(gateway, token)) {
    if (note.value("room_id", "") == std::to_string(room))
      n += note["counts"]["messages"].get<int64_t>();
  }
  return n;
}

// Waits until `watcher` sees `user`'s presence as `online` (the broker's own view of them).
bool WaitPresence(ChatTestClient& watcher, const std::string& user, bool online) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto msg = watcher.mqtt().WaitMessage(left, protocol::PresenceTopic(user));
    if (!msg) return false;
    auto p = protocol::DecodePresence(msg->payload);
    if (p.ok() && p->online == online) return true;
  }
  return false;
}

// Logs `user`'s `device` in on broker `broker` (0-based).
using LoginFn = std::function<std::unique_ptr<ChatTestClient>(int broker, const std::string& user,
                                                              const std::string& device)>;

// The badge sequence of carol's phone while she is offline: alice writes in three
// conversations (1, then 2, then 3 messages), then carol, on her laptop (broker `laptop_broker`),
// mutes the third and reads the first. Expected counts.unread: 1, 3, 6, then counts-only 3
// (the muted conversation leaves the badge) and 2 (the read).
void RunBadgeScenario(const HttpTestServer& gateway, const LoginFn& login, int laptop_broker) {
  {
    auto phone = login(0, "carol", "phone");
    auto r = phone->Request(protocol::Op::kPushRegister, 0,
                            {{"platform", "fcm"}, {"token", "tok-phone"}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    phone->Disconnect();
  }
  auto alice = login(0, "alice", "d1");
  const std::vector<int64_t> convs = {alice->OpenDirect("carol"),
                                      alice->CreateGroup("B", {"carol"}),
                                      alice->CreateGroup("C", {"carol"})};
  for (int64_t conv : convs) ASSERT_GT(conv, 0);
  ASSERT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);
  ASSERT_TRUE(WaitPresence(*alice, "carol", false)) << "carol offline for alice's broker";

  std::vector<int64_t> badges;
  auto expect_notification = [&](size_t n) {
    ASSERT_TRUE(WaitFor([&] { return NotificationsFor(gateway, "tok-phone").size() >= n; },
                        seconds(20), "notification " + std::to_string(n)));
  };
  for (size_t i = 0; i < convs.size(); ++i) {
    const int messages = static_cast<int>(i) + 1;
    for (int m = 0; m < messages; ++m) {
      ASSERT_TRUE(
          alice->Send(convs[i], "m", "c" + std::to_string(i) + "-" + std::to_string(m)).ok());
    }
    ASSERT_TRUE(
        WaitFor([&] { return MessagesAnnounced(gateway, "tok-phone", convs[i]) >= messages; },
                seconds(20), "conversation " + std::to_string(i) + " announced"));
    const auto sent = NotificationsFor(gateway, "tok-phone");
    ASSERT_EQ(sent.size(), i + 1) << "one notification per burst";
    EXPECT_EQ(sent.back()["counts"]["messages"], messages);
  }

  auto laptop = login(laptop_broker, "carol", "laptop");
  auto muted = laptop->Request(protocol::Op::kMute, convs[2], {{"until_ms", -1}});
  ASSERT_TRUE(muted.ok()) << muted.Describe();
  expect_notification(4);
  auto read = laptop->Request(protocol::Op::kRead, convs[0], {{"seq", 1}});
  ASSERT_TRUE(read.ok()) << read.Describe();
  expect_notification(5);

  const auto sent = NotificationsFor(gateway, "tok-phone");
  ASSERT_EQ(sent.size(), 5u);
  for (const auto& n : sent) badges.push_back(n["counts"]["unread"].get<int64_t>());
  EXPECT_EQ(badges, (std::vector<int64_t>{1, 3, 6, 3, 2}));
  for (size_t i = 3; i < 5; ++i) {
    EXPECT_FALSE(sent[i].contains("event_id")) << "counts-only: " << sent[i].dump();
    EXPECT_FALSE(sent[i].contains("content"));
    EXPECT_EQ(sent[i]["prio"], "low");
    EXPECT_EQ(sent[i]["counts"].size(), 1u) << "no messages count";
  }
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(sent[i]["room_id"], std::to_string(convs[i]));
}

class PushBadgeTest : public ChatFixture {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    ChatFixture::SetUp();
  }
  // push_coalesce_ms is left at its default (1000 ms).
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"push_gateway_url", gateway_->Url()}, {"presence_min_interval_ms", "0"}};
  }

  std::unique_ptr<HttpTestServer> gateway_;
};

TEST_P(PushBadgeTest, BadgeIsTheUnreadTotalAndDropsWhenAnotherDeviceReads) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  RunBadgeScenario(
      *gateway_,
      [this](int, const std::string& user, const std::string& device) {
        return Login(user, device);
      },
      0);
}

// 20 runs of a pipelined burst on the default delay (1000 ms), meant to pass while other suites
// load the machine (ctest -j2, a parallel benchmark): the coalescing delay is a debounce on the
// writer's clock (PROTOCOL 7.2), so a stall of the broker thread or the disk in the middle of a
// burst puts the notification off instead of splitting the burst.
TEST_P(PushBadgeTest, PipelinedBurstsOfTwentyAreOneNotificationEach) {
  MQCHAT_REQUIRE_SERVER();
  constexpr int kRuns = 20;
  constexpr int kBurst = 20;
  std::vector<std::string> users = {"alice"};
  for (int i = 0; i < kRuns; ++i) users.push_back("r" + std::to_string(i));
  Register(users);
  for (int i = 0; i < kRuns; ++i) {
    auto device = Login(users[i + 1], "phone");
    auto r = device->Request(protocol::Op::kPushRegister, 0,
                             {{"platform", "fcm"}, {"token", "tok-" + users[i + 1]}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    device->Disconnect();
  }
  auto alice = Login("alice");
  std::vector<int64_t> convs;
  for (int i = 0; i < kRuns; ++i) {
    convs.push_back(alice->OpenDirect(users[i + 1]));
    ASSERT_GT(convs.back(), 0);
  }
  // Each run: 20 sends published back to back (QoS 0, nothing awaited in between).
  for (int i = 0; i < kRuns; ++i) {
    const std::string topic = protocol::RequestTopic(protocol::Op::kSend, convs[i]);
    for (int m = 1; m <= kBurst; ++m) {
      const std::string id = "b" + std::to_string(i) + "-" + std::to_string(m);
      const json body = {{"req_id", id}, {"client_msg_id", id}, {"text", "m" + std::to_string(m)}};
      ASSERT_EQ(alice->mqtt().Publish(topic, body.dump(), 0), 0);
    }
  }
  for (int i = 0; i < kRuns; ++i) {
    const std::string token = "tok-" + users[i + 1];
    ASSERT_TRUE(WaitFor([&] { return MessagesAnnounced(*gateway_, token, convs[i]) >= kBurst; },
                        seconds(30), "run " + std::to_string(i) + " announced"));
    const auto sent = NotificationsFor(*gateway_, token);
    ASSERT_EQ(sent.size(), 1u) << "run " << i << ": one notification for the burst";
    EXPECT_EQ(sent[0]["counts"]["messages"], kBurst);
    EXPECT_EQ(sent[0]["counts"]["unread"], kBurst);
    EXPECT_EQ(sent[0]["last_seq"], kBurst);
  }
}

// The debounce end to end: six messages 300 ms apart span 1.5 s, longer than the delay
// (1000 ms), but each comes within the delay of the previous one, so they are one notification
// (with a window fixed at the first message, the first notification would say 4 at most).
TEST_P(PushBadgeTest, MessagesLessThanTheDelayApartAreOneNotification) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  {
    auto phone = Login("carol", "phone");
    auto r = phone->Request(protocol::Op::kPushRegister, 0,
                            {{"platform", "fcm"}, {"token", "tok-phone"}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    phone->Disconnect();
  }
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  ASSERT_GT(conv, 0);
  ASSERT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);
  ASSERT_TRUE(WaitPresence(*alice, "carol", false)) << "carol offline";
  constexpr int kMessages = 6;
  for (int m = 1; m <= kMessages; ++m) {
    // The pacing is the scenario (messages spread over longer than the delay), not a wait for
    // an event.
    if (m > 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(alice->Send(conv, "m" + std::to_string(m), "p" + std::to_string(m)).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return MessagesAnnounced(*gateway_, "tok-phone", conv) >= kMessages; },
                      seconds(20), "every message announced"));
  const auto sent = NotificationsFor(*gateway_, "tok-phone");
  ASSERT_EQ(sent.size(), 1u) << "one notification for the paced burst";
  EXPECT_EQ(sent[0]["counts"]["messages"], kMessages);
}

// The SDK's TotalUnread equals push's badge after a mute: carol's phone is offline with a push
// target; alice writes 2 messages in one conversation and 3 in another; carol's laptop (SDK)
// mutes the second. The counts-only notification says 2, and so do the laptop's TotalUnread
// and, after the `mute` event, the TotalUnread of her tablet (another SDK device), also offline
// from its cache.
TEST_P(PushBadgeTest, SdkTotalUnreadEqualsTheBadgeAfterAMute) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  {
    auto phone = Login("carol", "phone");
    auto r = phone->Request(protocol::Op::kPushRegister, 0,
                            {{"platform", "fcm"}, {"token", "tok-phone"}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    phone->Disconnect();
  }
  auto alice = Login("alice", "d1");
  const int64_t a = alice->OpenDirect("carol");
  const int64_t b = alice->CreateGroup("B", {"carol"});
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  for (int m = 0; m < 2; ++m) ASSERT_TRUE(alice->Send(a, "m", "a" + std::to_string(m)).ok());
  for (int m = 0; m < 3; ++m) ASSERT_TRUE(alice->Send(b, "m", "b" + std::to_string(m)).ok());

  TempDir dir("mqchat-sdk-mute");
  auto connect = [&](const std::string& device, bool online = true) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token("carol", Token("carol"))
                       .Device(device)
                       .CachePath(dir.File(device + ".db"))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    std::unique_ptr<Client> c = client.ok() ? std::move(*client) : nullptr;
    if (c && online) EXPECT_TRUE(c->Connect().ok());
    return c;
  };
  auto get = [](auto f) {
    EXPECT_EQ(f.wait_for(seconds(20)), std::future_status::ready);
    return f.get();
  };
  auto laptop = connect("laptop");
  auto tablet = connect("tablet");
  ASSERT_TRUE(laptop && tablet);
  ASSERT_TRUE(get(laptop->Conversations()).ok());
  ASSERT_TRUE(get(tablet->Conversations()).ok());
  EXPECT_EQ(*laptop->TotalUnread(), 5);

  const size_t before = NotificationsFor(*gateway_, "tok-phone").size();
  Status muted = get(laptop->Mute(b, -1));
  ASSERT_TRUE(muted.ok()) << muted.ToString();
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto sent = NotificationsFor(*gateway_, "tok-phone");
        return sent.size() > before && !sent.back().contains("event_id");
      },
      seconds(20), "the counts-only notification after the mute"));
  const int64_t badge =
      NotificationsFor(*gateway_, "tok-phone").back()["counts"]["unread"].get<int64_t>();
  EXPECT_EQ(badge, 2);
  EXPECT_EQ(*laptop->TotalUnread(), badge);
  ASSERT_TRUE(WaitFor([&] { return *tablet->TotalUnread() == badge; }, seconds(20),
                      "the tablet learns the mute from its inbox"));
  tablet.reset();
  auto offline = connect("tablet", false);  // the cache keeps the mute across restarts
  ASSERT_TRUE(offline);
  EXPECT_EQ(*offline->TotalUnread(), badge);
  ASSERT_TRUE(offline->Connect().ok());
  auto list = get(offline->Conversations());  // the server's list agrees
  ASSERT_TRUE(list.ok());
  for (const auto& c : *list) EXPECT_EQ(c.muted_until_ms, c.id == b ? -1 : 0) << c.id;
  EXPECT_EQ(*offline->TotalUnread(), badge);
}

// The badge sequence across a broker SIGKILL with jobs pending: carol's phone gets 1, 3, 6 for
// alice's three conversations; then the gateway fails (503) while carol's laptop mutes the third
// and reads the first (a counts-only job) and, once she is offline again, alice writes once
// more in the second (a message job). The broker is killed with both jobs pending (each tried
// and failed once); after the restart each is delivered once, and both carry the total as it
// is then: 6 - 3 (muted) - 1 (read) + 1 (new) = 3.
TEST_P(PushBadgeTest, BadgeSequenceSurvivesASigkillWithJobsPending) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  {
    auto phone = Login("carol", "phone");
    auto r = phone->Request(protocol::Op::kPushRegister, 0,
                            {{"platform", "fcm"}, {"token", "tok-phone"}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    phone->Disconnect();
  }
  auto alice = Login("alice", "d1");
  const std::vector<int64_t> convs = {alice->OpenDirect("carol"),
                                      alice->CreateGroup("B", {"carol"}),
                                      alice->CreateGroup("C", {"carol"})};
  for (int64_t conv : convs) ASSERT_GT(conv, 0);
  ASSERT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);
  ASSERT_TRUE(WaitPresence(*alice, "carol", false)) << "carol offline";
  for (size_t i = 0; i < convs.size(); ++i) {
    // Published back to back (nothing awaited in between), so they fall within one debounce
    // (push_coalesce_ms) even on a loaded machine: awaiting each ack let a job fall due between
    // two sends under load (a fourth notification).
    const std::string topic = protocol::RequestTopic(protocol::Op::kSend, convs[i]);
    for (size_t m = 0; m <= i; ++m) {
      const std::string id = "c" + std::to_string(i) + "-" + std::to_string(m);
      const json body = {{"req_id", id}, {"client_msg_id", id}, {"text", "m"}};
      ASSERT_EQ(alice->mqtt().Publish(topic, body.dump(), 0), 0);
    }
    ASSERT_TRUE(WaitFor(
        [&] { return MessagesAnnounced(*gateway_, "tok-phone", convs[i]) >= int64_t(i + 1); },
        seconds(20), "conversation " + std::to_string(i) + " announced"));
  }
  ASSERT_EQ(NotificationsFor(*gateway_, "tok-phone").size(), 3u);

  gateway_->RespondWith(503);
  auto failed = [&](const std::string& room) {  // a refused attempt for `room` ("": counts-only)
    for (const auto& ex : gateway_->Exchanges()) {
      if (ex.reply.status == 503 && ex.request.json["notification"].value("room_id", "") == room)
        return true;
    }
    return false;
  };
  {
    auto laptop = Login("carol", "laptop");
    ASSERT_TRUE(laptop->Request(protocol::Op::kMute, convs[2], {{"until_ms", -1}}).ok());
    ASSERT_TRUE(laptop->Request(protocol::Op::kRead, convs[0], {{"seq", 1}}).ok());
    ASSERT_TRUE(WaitFor([&] { return failed(""); }, seconds(20), "counts-only job tried"));
    laptop->Disconnect();
  }
  ASSERT_TRUE(WaitPresence(*alice, "carol", false)) << "carol offline again";
  ASSERT_TRUE(alice->Send(convs[1], "m", "after").ok());
  ASSERT_TRUE(WaitFor([&] { return failed(std::to_string(convs[1])); }, seconds(20),
                      "the new message's job tried"));
  alice.reset();
  server_->broker().Kill();

  gateway_->RespondWith(200);
  ASSERT_TRUE(server_->broker().Start());
  ASSERT_TRUE(WaitFor([&] { return NotificationsFor(*gateway_, "tok-phone").size() >= 5; },
                      seconds(40), "both pending jobs delivered after the restart"));
  const auto sent = NotificationsFor(*gateway_, "tok-phone");
  ASSERT_EQ(sent.size(), 5u) << "each pending job once";
  std::vector<int64_t> badges;
  for (const auto& n : sent) badges.push_back(n["counts"]["unread"].get<int64_t>());
  EXPECT_EQ(badges, (std::vector<int64_t>{1, 3, 6, 3, 3}));
  int counts_only = 0;
  for (size_t i = 3; i < 5; ++i) {
    if (!sent[i].contains("room_id")) {
      ++counts_only;
      EXPECT_FALSE(sent[i].contains("event_id")) << sent[i].dump();
    } else {
      EXPECT_EQ(sent[i]["room_id"], std::to_string(convs[1])) << sent[i].dump();
      EXPECT_EQ(sent[i]["counts"]["messages"], 1);
    }
  }
  EXPECT_EQ(counts_only, 1);
}

MQCHAT_INSTANTIATE_FOR_STORES(PushBadgeTest);

// The same badge sequence with two brokers sharing PostgreSQL: alice and carol's phone on
// broker 1, carol's laptop (the mute and the read) on broker 2; both brokers' push workers
// deliver from the one queue.
class SharedPushBadgeTest : public SharedBrokersTest {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    SharedBrokersTest::SetUp();
  }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"push_gateway_url", gateway_->Url()},
            {"presence_grace_ms", "0"},
            {"presence_min_interval_ms", "0"}};
  }

  std::unique_ptr<HttpTestServer> gateway_;
};

TEST_F(SharedPushBadgeTest, BadgeIsTheUnreadTotalAcrossBrokers) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  RunBadgeScenario(
      *gateway_,
      [this](int broker, const std::string& user, const std::string& device) {
        return Login(broker, user, device);
      },
      1);
}

}  // namespace
}  // namespace mqchat::test
