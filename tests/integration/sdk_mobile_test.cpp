// The SDK on a phone (issue 25), over a real broker with the plugin, both stores, and a push
// gateway played by HttpTestServer: a token registered through the SDK, the app sent to the
// background (typing off, presence offline), a notification at the gateway, HandlePushPayload
// fetching exactly the announced messages, the foreground delivering nothing twice; mute and
// unmute through the SDK; NetworkChanged reconnecting without waiting out a backoff step.
#include <algorithm>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/http_test_server.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kWait = seconds(30);

// One SDK client and what it reported.
struct Phone {
  ~Phone() { client.reset(); }  // first: queued callbacks write the fields below

  std::unique_ptr<Client> client;
  mutable std::mutex mu;
  std::vector<Message> messages;
  std::vector<ConnectionEvent> connection;
  std::vector<TypingEvent> typing;
  std::vector<PresenceEvent> presence;

  std::vector<Message> Of(int64_t conversation) const {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<Message> out;
    for (const auto& m : messages) {
      if (m.conversation_id == conversation) out.push_back(m);
    }
    return out;
  }
  size_t ConnectionEvents() const {
    std::lock_guard<std::mutex> lock(mu);
    return connection.size();
  }
  // A connection event with this state among those from index `from` on.
  bool SawState(ConnectionState state, size_t from) const {
    std::lock_guard<std::mutex> lock(mu);
    for (size_t i = from; i < connection.size(); ++i) {
      if (connection[i].state == state) return true;
    }
    return false;
  }
  // The latest typing state `user` showed in `conversation`: 1, 0, or -1 for none yet.
  int TypingOf(const std::string& user, int64_t conversation) const {
    std::lock_guard<std::mutex> lock(mu);
    int state = -1;
    for (const auto& t : typing) {
      if (t.user == user && t.conversation_id == conversation) state = t.typing ? 1 : 0;
    }
    return state;
  }
  int PresenceOf(const std::string& user) const {
    std::lock_guard<std::mutex> lock(mu);
    int state = -1;
    for (const auto& p : presence) {
      if (p.user == user) state = p.online ? 1 : 0;
    }
    return state;
  }
};

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "no result in time";
  return f.get();
}

class SdkMobileTest : public ChatFixture {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    ChatFixture::SetUp();
  }

  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    // A burst sent back to back is one notification (PROTOCOL.md 7.2, "Coalescing delay").
    return {{"push_gateway_url", gateway_->Url()},
            {"push_timeout_ms", "2000"},
            {"push_backoff_base_ms", "20"},
            {"push_backoff_max_ms", "200"},
            {"push_coalesce_ms", "1500"},
            {"push_coalesce_max_ms", "8000"},
            {"push_app_id", "com.example.chat"}};
  }

  std::unique_ptr<Phone> Make(const std::string& user, const std::string& device,
                              milliseconds reconnect_min = milliseconds(50)) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device(device)
                       .CachePath(dir_.File(user + "-" + device + ".db"))
                       .AutoReconnect(true, reconnect_min, std::max(reconnect_min, milliseconds(500)))
                       .ConnectTimeout(seconds(5))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    if (!options.ok()) return nullptr;
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    auto phone = std::make_unique<Phone>();
    phone->client = std::move(*client);
    Phone* p = phone.get();
    p->client->OnMessage([p](const Message& m) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->messages.push_back(m);
    });
    p->client->OnConnectionChange([p](const ConnectionEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->connection.push_back(e);
    });
    p->client->OnTyping([p](const TypingEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->typing.push_back(e);
    });
    p->client->OnPresence([p](const PresenceEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->presence.push_back(e);
    });
    return phone;
  }

  std::unique_ptr<Phone> Online(const std::string& user, const std::string& device = "phone") {
    auto phone = Make(user, device);
    if (!phone) return nullptr;
    Status s = phone->client->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    EXPECT_TRUE(WaitFor([&] { return phone->client->state() == ConnectionState::kOnline; }, kWait,
                        user + " online"));
    return phone;
  }

  // Message notifications (with an event_id; not counts-only) the gateway took for `token`.
  std::vector<json> Notices(const std::string& token) const {
    std::vector<json> out;
    for (const auto& ex : gateway_->Exchanges()) {
      const auto tokens = NotificationTokens(ex.request.json);
      if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) continue;
      const json& n = ex.request.json["notification"];
      if (n.contains("event_id")) out.push_back(n);
    }
    return out;
  }

  // What a gateway hands the app (FCM data / APNs userInfo: strings).
  static std::map<std::string, std::string> Fields(const json& n) {
    return {{"event_id", n["event_id"].get<std::string>()},
            {"room_id", n["room_id"].get<std::string>()},
            {"first_seq", std::to_string(n["first_seq"].get<int64_t>())},
            {"last_seq", std::to_string(n["last_seq"].get<int64_t>())},
            {"sender", n["sender"].get<std::string>()}};
  }

  std::unique_ptr<HttpTestServer> gateway_;
  TempDir dir_{"mqchat-sdk-mobile"};
};

TEST_P(SdkMobileTest, BackgroundPushFetchesTheAnnouncedMessagesAndForegroundRepeatsNothing) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto bob = Online("bob");
  auto alice = Online("alice", "laptop");
  ASSERT_TRUE(bob && alice);
  ASSERT_TRUE(Get(bob->client->PushRegister(PushPlatform::kFcm, "tok-bob")).ok());
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  ASSERT_TRUE(Get(alice->client->WatchPresence("bob")).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 1; }, kWait, "bob online"));

  ASSERT_TRUE(Get(alice->client->Send(conv->id, "m0")).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Of(conv->id).size() == 1; }, kWait, "m0 live"));
  ASSERT_TRUE(Get(bob->client->SetTyping(conv->id, true)).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->TypingOf("bob", conv->id) == 1; }, kWait, "typing"));

  // Background: typing off, a clean disconnect, presence offline.
  bob->client->EnterBackground();
  ASSERT_TRUE(WaitFor([&] { return alice->TypingOf("bob", conv->id) == 0; }, kWait,
                      "typing off when bob left"));
  ASSERT_TRUE(WaitFor([&] { return bob->client->state() == ConnectionState::kDisconnected; },
                      kWait, "bob disconnected"));
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 0; }, kWait, "bob offline"));

  // A burst while bob is away: one notification at the gateway.
  std::vector<std::future<Result<Ack>>> acks;
  for (const char* text : {"m1", "m2", "m3"}) acks.push_back(alice->client->Send(conv->id, text));
  for (auto& a : acks) ASSERT_TRUE(Get(std::move(a)).ok());
  ASSERT_TRUE(WaitFor([&] { return !Notices("tok-bob").empty(); }, kWait, "a notification"));
  const json notice = Notices("tok-bob").front();
  ASSERT_EQ(notice["room_id"], std::to_string(conv->id));
  ASSERT_EQ(notice["first_seq"], 2);
  ASSERT_EQ(notice["last_seq"], 4) << notice.dump();
  EXPECT_EQ(bob->Of(conv->id).size(), 1u) << "nothing reached bob before the fetch";

  auto fetched = Get(bob->client->HandlePushPayload(Fields(notice), seconds(20)));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_TRUE(fetched->complete);
  EXPECT_EQ(fetched->notice.conversation_id, conv->id);
  ASSERT_EQ(fetched->messages.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(fetched->messages[i].seq, i + 2);
    EXPECT_EQ(fetched->messages[i].text, "m" + std::to_string(i + 1));
  }
  auto cached = bob->client->CachedMessages(conv->id);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->size(), 4u) << "m0 .. m3 in the cache, offline";
  // The fetch's connection is closed again: bob stays in the background.
  ASSERT_TRUE(WaitFor([&] { return bob->client->state() == ConnectionState::kDisconnected; },
                      kWait, "disconnected after the fetch"));
  ASSERT_TRUE(WaitFor([&] { return bob->Of(conv->id).size() == 4; }, kWait, "delivered"));

  // Foreground: connected and synced; every message was delivered once.
  ASSERT_TRUE(Get(bob->client->EnterForeground()).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->client->state() == ConnectionState::kOnline; }, kWait,
                      "bob online again"));
  ASSERT_TRUE(Get(alice->client->Send(conv->id, "m4")).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Of(conv->id).size() >= 5; }, kWait, "m4 live"));
  const auto got = bob->Of(conv->id);
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(got[i].text, "m" + std::to_string(i));
  }
  EXPECT_EQ(Notices("tok-bob").size(), 1u) << "bob was online for m4: no notification";
}

TEST_P(SdkMobileTest, HandlePushPayloadRefusesWhatAnnouncesNoMessages) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto bob = Make("bob", "phone");
  ASSERT_TRUE(bob);
  // A counts-only notification, and a forged one: refused without the network.
  auto counts_only = Get(bob->client->HandlePushPayload({{"prio", "low"}}, seconds(5)));
  EXPECT_EQ(counts_only.status().code(), Code::kInvalidArgument);
  auto forged = Get(bob->client->HandlePushPayload(
      {{"room_id", "12"}, {"first_seq", "5"}, {"last_seq", "-1"}}, seconds(5)));
  EXPECT_EQ(forged.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Get(bob->client->PushRegister(PushPlatform::kApns, "")).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Get(bob->client->SetPushSettings(PushSettings{})).code(), Code::kInvalidArgument);
  // Offline, like every request.
  EXPECT_EQ(Get(bob->client->PushUnregister()).status().code(), Code::kUnavailable);
}

TEST_P(SdkMobileTest, MuteThroughTheSdkSuppressesTheNotification) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto bob = Online("bob");
  auto alice = Online("alice", "laptop");
  ASSERT_TRUE(bob && alice);
  ASSERT_TRUE(Get(bob->client->PushRegister(PushPlatform::kApns, "tok-bob")).ok());
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  ASSERT_TRUE(Get(bob->client->Mute(conv->id, -1)).ok());
  ASSERT_TRUE(Get(alice->client->WatchPresence("bob")).ok());
  bob->client->EnterBackground();
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 0; }, kWait, "bob offline"));

  auto muted = Get(alice->client->Send(conv->id, "while muted"));
  ASSERT_TRUE(muted.ok());
  // Bob unmutes on another device (his phone stays in the background); the next message is
  // announced, and the one sent while muted never was.
  auto tablet = Online("bob", "tablet");
  ASSERT_TRUE(tablet);
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 1; }, kWait, "tablet online"));
  ASSERT_TRUE(Get(tablet->client->Unmute(conv->id)).ok());
  ASSERT_TRUE(Get(tablet->client->PushUnregister()).ok());  // none there: removed false
  tablet.reset();
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 0; }, kWait, "tablet gone"));
  auto loud = Get(alice->client->Send(conv->id, "after unmute"));
  ASSERT_TRUE(loud.ok());
  ASSERT_TRUE(WaitFor([&] { return !Notices("tok-bob").empty(); }, kWait, "a notification"));
  const auto notices = Notices("tok-bob");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["first_seq"], loud->seq);
  EXPECT_EQ(notices[0]["last_seq"], loud->seq);
  EXPECT_GT(loud->seq, muted->seq);
}

TEST_P(SdkMobileTest, PushUnregisterReportsWhetherThereWasATarget) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto bob = Online("bob");
  ASSERT_TRUE(bob);
  auto none = Get(bob->client->PushUnregister());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(*none);
  ASSERT_TRUE(Get(bob->client->PushRegister(PushPlatform::kWebPush, "tok-web")).ok());
  PushSettings settings;
  settings.preview = false;
  ASSERT_TRUE(Get(bob->client->SetPushSettings(settings)).ok());
  auto removed = Get(bob->client->PushUnregister());
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_TRUE(*removed);
}

TEST_P(SdkMobileTest, NetworkChangedReconnectsWithoutWaitingOutTheBackoff) {
  constexpr auto kAtOnce = seconds(20);
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  // A backoff step of 30 to 60 s: a reconnect by the backoff would miss the deadlines below,
  // which leave a loaded CI machine 20 s for a reconnect started at once.
  auto bob = Make("bob", "phone", seconds(60));
  ASSERT_TRUE(bob);
  ASSERT_TRUE(bob->client->Connect().ok());
  ASSERT_TRUE(WaitFor([&] { return bob->client->state() == ConnectionState::kOnline; }, kWait,
                      "online"));

  // On a working connection: a new one at once.
  size_t mark = bob->ConnectionEvents();
  bob->client->NetworkChanged();
  ASSERT_TRUE(WaitFor([&] { return bob->SawState(ConnectionState::kConnecting, mark); },
                      kAtOnce, "the old link dropped"));
  ASSERT_TRUE(WaitFor([&] { return bob->SawState(ConnectionState::kOnline, mark); }, kAtOnce,
                      "online again"));

  // In a backoff wait (the broker was gone, and is back): at once, not after the step.
  mark = bob->ConnectionEvents();
  server_->broker().Kill();
  ASSERT_TRUE(WaitFor([&] { return bob->SawState(ConnectionState::kConnecting, mark); }, kWait,
                      "the loss seen"));
  ASSERT_TRUE(server_->broker().Start());
  mark = bob->ConnectionEvents();
  bob->client->NetworkChanged();
  ASSERT_TRUE(WaitFor([&] { return bob->SawState(ConnectionState::kOnline, mark); }, kAtOnce,
                      "online well within one backoff step"));
  auto alice = Online("alice", "laptop");
  ASSERT_TRUE(alice);
  auto conv = Get(bob->client->OpenDirect("alice"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_TRUE(Get(bob->client->Send(conv->id, "over the new network")).ok());
}

TEST_P(SdkMobileTest, NetworkChangedDoesNothingInTheBackground) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto bob = Online("bob");
  ASSERT_TRUE(bob);
  bob->client->EnterBackground();
  ASSERT_TRUE(WaitFor([&] { return bob->client->state() == ConnectionState::kDisconnected; },
                      kWait, "disconnected"));
  const size_t mark = bob->ConnectionEvents();
  bob->client->NetworkChanged();
  // Foreground afterwards: the events after the mark are this connection's only, so the
  // network change started none of its own.
  ASSERT_TRUE(Get(bob->client->EnterForeground()).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->client->state() == ConnectionState::kOnline; }, kWait,
                      "online"));
  std::lock_guard<std::mutex> lock(bob->mu);
  int connecting = 0;
  for (size_t i = mark; i < bob->connection.size(); ++i) {
    if (bob->connection[i].state == ConnectionState::kConnecting) ++connecting;
  }
  EXPECT_EQ(connecting, 1);
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkMobileTest);

}  // namespace
}  // namespace mqchat::test
