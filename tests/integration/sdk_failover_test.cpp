// Two brokers sharing PostgreSQL (and Redis), and SDK clients given both addresses: when the
// sender's broker is SIGKILLed mid-burst, the client moves to the other broker, resends what
// was not acknowledged with the same client_msg_id and catches up by sync. Every send is
// acknowledged exactly once, and the receiver gets every message once, in order, gapless.
#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/shared_brokers.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(60);
constexpr int kBurst = 400;

struct Peer {
  ~Peer() { client.reset(); }  // first: its destructor runs queued callbacks

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
};

class SdkFailoverTest : public SharedBrokersTest {
 protected:
  std::string Uri(int broker) const {
    return "tcp://127.0.0.1:" + std::to_string(brokers_.at(broker)->port());
  }

  // `user`'s SDK client, given the brokers in `order`.
  std::unique_ptr<Peer> Connect(const std::string& user, std::vector<int> order) {
    std::vector<std::string> uris;
    for (int b : order) uris.push_back(Uri(b));
    auto options = ClientOptions::Builder()
                       .Servers(uris)
                       .Token(user, Token(user))
                       .Device("sdk")
                       .CachePath(dir_.File(user + ".db"))
                       .AutoReconnect(true, std::chrono::milliseconds(20),
                                      std::chrono::milliseconds(300))
                       .ConnectTimeout(std::chrono::seconds(5))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    if (!options.ok()) return nullptr;
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    auto peer = std::make_unique<Peer>();
    peer->client = std::move(*client);
    Peer* p = peer.get();
    p->client->OnMessage([p](const Message& m) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->messages.push_back(m);
    });
    Status s = p->client->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return peer;
  }

  TempDir dir_{"mqchat-failover"};
};

TEST_F(SdkFailoverTest, SenderMovesToTheOtherBrokerAndNothingIsLostOrDuplicated) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto alice = Connect("alice", {0, 1});  // on broker 1, which dies
  auto bob = Connect("bob", {1, 0});      // on broker 2
  ASSERT_TRUE(alice && bob);
  // Token users get their rows asynchronously, on their own broker's writer: bob's may not be
  // there yet when alice asks through the other broker.
  std::optional<Conversation> conv;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto opened = alice->client->OpenDirect("bob");
        if (opened.wait_for(kWait) != std::future_status::ready) return false;
        auto r = opened.get();
        if (r.ok()) conv = *r;
        return r.ok();
      },
      kWait, "alice opens a conversation with bob"));

  // Shared with the callbacks, which may outlive this scope if an assertion returns early.
  struct Progress {
    std::mutex mu;
    std::vector<int> acks_of;  // acks per send index
    std::vector<int64_t> seqs;
    std::atomic<int> acked{0};
    std::atomic<int> failed{0};
    std::promise<void> some_acked;
  };
  auto progress = std::make_shared<Progress>();
  progress->acks_of.assign(kBurst, 0);
  auto some_acked = progress->some_acked.get_future();
  for (int i = 0; i < kBurst; ++i) {
    alice->client->Send(conv->id, "burst " + std::to_string(i), [progress, i](Result<Ack> r) {
      {
        std::lock_guard<std::mutex> lock(progress->mu);
        ++progress->acks_of[i];
        if (r.ok()) progress->seqs.push_back(r->seq);
      }
      if (!r.ok()) ++progress->failed;
      if (++progress->acked == 50) progress->some_acked.set_value();
    });
  }
  ASSERT_EQ(some_acked.wait_for(kWait), std::future_status::ready);
  brokers_[0]->Kill();
  const size_t unacked_at_kill = *alice->client->PendingSends();
  EXPECT_GT(unacked_at_kill, 0u) << "the kill should land mid-burst";

  // No restart: alice must get everything acknowledged through broker 2.
  ASSERT_TRUE(WaitFor([&] { return progress->acked >= kBurst; }, kWait, "every send answered"));
  EXPECT_EQ(progress->failed, 0);
  EXPECT_EQ(*alice->client->PendingSends(), 0u);
  {
    std::lock_guard<std::mutex> lock(progress->mu);
    for (int i = 0; i < kBurst; ++i) EXPECT_EQ(progress->acks_of[i], 1) << "send " << i;
    std::sort(progress->seqs.begin(), progress->seqs.end());
    ASSERT_EQ(progress->seqs.size(), static_cast<size_t>(kBurst));
    for (int i = 0; i < kBurst; ++i) ASSERT_EQ(progress->seqs[i], i + 1) << "acked seqs";
  }
  ASSERT_TRUE(WaitFor([&] { return bob->Of(conv->id).size() >= kBurst; }, kWait,
                      "bob receives the burst"));
  // A marker after the burst: anything still on its way to bob is in before it.
  auto marker = alice->client->Send(conv->id, "burst " + std::to_string(kBurst));
  ASSERT_EQ(marker.wait_for(kWait), std::future_status::ready);
  ASSERT_TRUE(marker.get().ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Of(conv->id).size() >= kBurst + 1; }, kWait, "marker"));
  auto got = bob->Of(conv->id);
  ASSERT_EQ(got.size(), static_cast<size_t>(kBurst + 1)) << "a message arrived twice";
  for (int i = 0; i <= kBurst; ++i) {
    ASSERT_EQ(got[i].text, "burst " + std::to_string(i)) << "position " << i;
    ASSERT_EQ(got[i].seq, i + 1) << "position " << i;
  }
}

}  // namespace
}  // namespace mqchat::test
