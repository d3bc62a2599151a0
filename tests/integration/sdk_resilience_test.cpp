// The client SDK's delivery guarantees over a real broker: the broker SIGKILLed mid-burst,
// messages written while it is down, an app restarted after missing 1,000 messages, and an
// outbox that outlives the app. Every message must arrive exactly once, in order.
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(60);
constexpr int kBurst = 1000;

struct Peer {
  // The client goes first: its destructor runs queued callbacks, which write the fields below.
  ~Peer() { client.reset(); }

  std::unique_ptr<Client> client;
  mutable std::mutex mu;
  std::vector<Message> messages;  // OnMessage order

  std::vector<Message> Of(int64_t conversation) const {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<Message> out;
    for (const auto& m : messages) {
      if (m.conversation_id == conversation) out.push_back(m);
    }
    return out;
  }
  size_t CountOf(int64_t conversation) const { return Of(conversation).size(); }
};

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "no result in time";
  return f.get();
}

// `got` holds exactly texts prefix+0 .. prefix+(n-1), in that order, with consecutive seqs.
void ExpectExactlyInOrder(const std::vector<Message>& got, const std::string& prefix, int n,
                          int64_t first_seq) {
  ASSERT_EQ(got.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(got[i].text, prefix + std::to_string(i)) << "position " << i;
    ASSERT_EQ(got[i].seq, first_seq + i) << "position " << i;
  }
}

class SdkResilienceTest : public ChatFixture {
 protected:
  std::unique_ptr<Peer> Make(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("sdk")
                       .CachePath(dir_.File(user + ".db"))
                       .AutoReconnect(true, std::chrono::milliseconds(20),
                                      std::chrono::milliseconds(300))
                       .ConnectTimeout(std::chrono::seconds(5))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    auto peer = std::make_unique<Peer>();
    peer->client = std::move(*client);
    Peer* p = peer.get();
    p->client->OnMessage([p](const Message& m) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->messages.push_back(m);
    });
    return peer;
  }
  std::unique_ptr<Peer> Connect(const std::string& user) {
    auto peer = Make(user);
    Status s = peer->client->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return peer;
  }
  static bool Online(const Peer& p) { return p.client->state() == ConnectionState::kOnline; }

  TempDir dir_{"mqchat-sdk"};
};

TEST_P(SdkResilienceTest, BrokerKilledMidBurstDeliversEveryMessageOnceInOrder) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();

  // Shared with the callbacks, which may outlive this scope if an assertion returns early.
  struct Progress {
    std::atomic<int> acked{0};
    std::atomic<int> failed{0};
    std::promise<void> some_acked;
  };
  auto progress = std::make_shared<Progress>();
  auto some_acked = progress->some_acked.get_future();
  for (int i = 0; i < kBurst; ++i) {
    alice->client->Send(conv->id, "burst " + std::to_string(i), [progress](Result<Ack> r) {
      if (!r.ok()) {
        ++progress->failed;
        ADD_FAILURE() << r.status().ToString();
      }
      if (++progress->acked == 100) progress->some_acked.set_value();
    });
  }
  ASSERT_EQ(some_acked.wait_for(kWait), std::future_status::ready);
  server_->broker().Kill();
  const size_t unacked_at_kill = *alice->client->PendingSends();
  EXPECT_GT(unacked_at_kill, 0u) << "the kill should land mid-burst";
  ASSERT_TRUE(WaitFor([&] { return !Online(*alice) && !Online(*bob); }, kWait,
                      "both clients notice the broker is gone"));
  ASSERT_TRUE(server_->broker().Start());

  ASSERT_TRUE(WaitFor([&] { return progress->acked == kBurst; }, kWait, "every send acknowledged"));
  EXPECT_EQ(progress->failed, 0);
  EXPECT_EQ(*alice->client->PendingSends(), 0u);
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) >= kBurst; }, kWait,
                      "bob receives the burst"));
  ExpectExactlyInOrder(bob->Of(conv->id), "burst ", kBurst, 1);
  ASSERT_TRUE(WaitFor([&] { return alice->CountOf(conv->id) >= kBurst; }, kWait,
                      "alice's own copies"));
  ExpectExactlyInOrder(alice->Of(conv->id), "burst ", kBurst, 1);
}

TEST_P(SdkResilienceTest, MessagesWrittenWhileBrokerIsDownArriveAfterItReturns) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  ASSERT_TRUE(Get(alice->client->Send(conv->id, "before")).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) == 1; }, kWait, "first message"));

  server_->broker().Kill();
  ASSERT_TRUE(WaitFor([&] { return !Online(*alice) && !Online(*bob); }, kWait,
                      "both clients notice the broker is gone"));
  std::vector<std::future<Result<Ack>>> acks;
  for (int i = 0; i < 20; ++i) {
    acks.push_back(alice->client->Send(conv->id, "offline " + std::to_string(i)));
  }
  EXPECT_EQ(*alice->client->PendingSends(), 20u);
  ASSERT_TRUE(server_->broker().Start());

  for (auto& a : acks) {
    auto r = Get(std::move(a));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) >= 21; }, kWait, "bob catches up"));
  auto got = bob->Of(conv->id);
  got.erase(got.begin());
  ExpectExactlyInOrder(got, "offline ", 20, 2);
}

TEST_P(SdkResilienceTest, RestartedAppReceivesExactlyTheMessagesItMissed) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  ASSERT_TRUE(Get(alice->client->Send(conv->id, "seen")).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) == 1; }, kWait, "first message"));
  bob.reset();  // the app exits; its cache file stays

  std::vector<std::future<Result<Ack>>> acks;
  for (int i = 0; i < kBurst; ++i) {
    acks.push_back(alice->client->Send(conv->id, "missed " + std::to_string(i)));
  }
  for (auto& a : acks) ASSERT_TRUE(Get(std::move(a)).ok());

  bob = Connect("bob");  // same cache file, same device
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) >= kBurst; }, kWait,
                      "the restarted app catches up"));
  // A marker sent now arrives after anything still queued for bob; nothing may precede it twice.
  ASSERT_TRUE(Get(alice->client->Send(conv->id, "missed " + std::to_string(kBurst))).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) >= kBurst + 1; }, kWait, "marker"));
  ExpectExactlyInOrder(bob->Of(conv->id), "missed ", kBurst + 1, 2);
  auto cached = bob->client->CachedMessages(conv->id, 0, 5000);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->size(), static_cast<size_t>(kBurst + 2));
}

TEST_P(SdkResilienceTest, OutboxSurvivesAnAppRestart) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();

  alice->client->Disconnect();
  std::vector<std::future<Result<Ack>>> acks;
  for (int i = 0; i < 3; ++i) {
    acks.push_back(alice->client->Send(conv->id, "queued " + std::to_string(i)));
  }
  alice.reset();  // the app exits before it could send
  for (auto& a : acks) {
    auto r = Get(std::move(a));
    EXPECT_TRUE(r.status().IsRetryable()) << r.status().ToString();
  }

  alice = Make("alice");
  EXPECT_EQ(*alice->client->PendingSends(), 3u);
  ASSERT_TRUE(alice->client->Connect().ok());
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) >= 3; }, kWait, "queued messages"));
  ASSERT_TRUE(WaitFor([&] { return *alice->client->PendingSends() == 0; }, kWait, "outbox empty"));
  ASSERT_TRUE(Get(alice->client->Send(conv->id, "queued 3")).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) >= 4; }, kWait, "marker"));
  ExpectExactlyInOrder(bob->Of(conv->id), "queued ", 4, 1);
}

// The cache's read state, read offline on the next start, equals the server's answer for the
// sender however the broker kill falls on a burst of sends: before the first ack, just before,
// at and just after the ack of message N (100), and after the last one. Sending moves the
// sender's read position.
TEST_P(SdkResilienceTest, CachedReadStateMatchesTheServerAfterKillsMidBurst) {
  MQCHAT_REQUIRE_SERVER();
  constexpr int kSends = 200;
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  int64_t expected_seq = 0;
  for (int kill_at : {0, 99, 100, 101, kSends}) {
    SCOPED_TRACE("broker killed at ack " + std::to_string(kill_at));
    auto acked = std::make_shared<std::atomic<int>>(0);
    auto reached = std::make_shared<std::promise<void>>();
    auto reached_f = reached->get_future();
    if (kill_at == 0) reached->set_value();
    for (int i = 0; i < kSends; ++i) {
      auto done = [acked, reached, kill_at](Result<Ack> r) {
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        if (++*acked == kill_at && kill_at > 0) reached->set_value();
      };
      alice->client->Send(conv->id, "s" + std::to_string(i), std::move(done));
    }
    ASSERT_EQ(reached_f.wait_for(kWait), std::future_status::ready);
    server_->broker().Kill();
    ASSERT_TRUE(WaitFor([&] { return !Online(*alice); }, kWait, "alice notices the kill"));
    ASSERT_TRUE(server_->broker().Start());
    ASSERT_TRUE(WaitFor([&] { return *acked == kSends; }, kWait, "every send acknowledged"));
    expected_seq += kSends;
    // A message from bob after the burst: the one unread message.
    ASSERT_TRUE(WaitFor([&] { return Online(*bob); }, kWait, "bob reconnects"));
    ASSERT_TRUE(Get(bob->client->Send(conv->id, "from bob")).ok());
    ++expected_seq;
    // Each round's alice is a fresh app: it is handed this round's messages only.
    ASSERT_TRUE(WaitFor([&] { return alice->CountOf(conv->id) >= kSends + 1u; }, kWait,
                        "alice has every message"));

    alice.reset();
    alice = Make("alice");  // the next start, offline
    auto cached = alice->client->CachedConversations();
    ASSERT_TRUE(cached.ok()) << cached.status().ToString();
    ASSERT_TRUE(alice->client->Connect().ok());
    auto served = Get(alice->client->Conversations());
    ASSERT_TRUE(served.ok()) << served.status().ToString();
    ASSERT_EQ(cached->size(), 1u);
    ASSERT_EQ(served->size(), 1u);
    EXPECT_EQ((*served)[0].last_seq, expected_seq);
    EXPECT_EQ((*served)[0].unread, 1);
    EXPECT_EQ((*cached)[0].last_seq, (*served)[0].last_seq);
    EXPECT_EQ((*cached)[0].read_seq, (*served)[0].read_seq);
    EXPECT_EQ((*cached)[0].unread, (*served)[0].unread);
  }
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkResilienceTest);

}  // namespace
}  // namespace mqchat::test
