// The SDK's first sync against a real broker, for a user in many conversations (the search
// benchmark's "outlier", docs/BENCHMARKS.md): Connect returns with the state kSyncing and the
// first sync then stores thousands of messages in the cache. A request the app makes right
// after Connect is answered while that sync is still being stored, not after it: its callback
// runs before the connection event kOnline. Meanwhile every message reaches OnMessage once,
// in seq order per conversation. Ordering assertions only; deadlines are generous.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "store/chat_store.h"
#include "store/store_factory.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(60);
constexpr int kConversations = 60;
constexpr int kMessagesEach = 100;  // the server's page limit: the first sync is one page
constexpr int64_t kFirstConversationId = 900'000;

// What the callback thread saw, in its order.
struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> steps;                     // "history", "online"
  std::map<int64_t, std::vector<int64_t>> delivered;  // conversation -> seqs, as delivered
  size_t messages = 0;
  std::optional<Result<HistoryPage>> page;

  void Step(const std::string& step) {
    std::lock_guard<std::mutex> lock(mu);
    steps.push_back(step);
    cv.notify_all();
  }
};

class SdkFirstSyncTest : public ChatFixture {
 protected:
  // With the broker stopped: "reader" and a peer in each of kConversations direct
  // conversations of kMessagesEach messages, written straight into the store (one batch).
  void Seed() {
    server_->broker().Stop();
    auto opened = store::OpenChatStore(server_->store_config());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::ChatStore& store = **opened;
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    std::vector<store::ChatStore::NewUser> users{{"reader", now_ms}};
    for (int i = 0; i < kConversations; ++i) users.push_back({"peer" + std::to_string(i), now_ms});
    ASSERT_TRUE(store.EnsureUsers(users).ok());
    std::vector<store::AppendRequest> batch;
    int64_t message_id = 5'000'000;
    for (int i = 0; i < kConversations; ++i) {
      const std::string peer = "peer" + std::to_string(i);
      auto c = store.OpenDirect(kFirstConversationId + i, "reader", peer, now_ms);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      ASSERT_EQ(c->id, kFirstConversationId + i);
      for (int k = 0; k < kMessagesEach; ++k) {
        store::AppendRequest r;
        r.conversation_id = c->id;
        r.sender = peer;
        r.client_msg_id = peer + "-" + std::to_string(k);
        r.text = "message " + std::to_string(k) + " from " + peer;
        r.message_id = ++message_id;
        r.created_at_ms = now_ms + k;
        batch.push_back(std::move(r));
      }
    }
    auto stored = store.AppendBatch(batch);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    for (const auto& r : *stored) ASSERT_EQ(r.outcome, store::AppendOutcome::kStored);
    ASSERT_TRUE(server_->broker().Start());
  }

  TempDir dir_{"mqchat-sdk-first-sync"};
};

TEST_P(SdkFirstSyncTest, ARequestRightAfterConnectIsAnsweredBeforeTheFirstSyncEnds) {
  MQCHAT_REQUIRE_SERVER();
  ASSERT_NO_FATAL_FAILURE(Seed());

  auto options = ClientOptions::Builder()
                     .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                     .Token("reader", Token("reader"))
                     .Device("first-sync")
                     .CachePath(dir_.File("reader.db"))  // a new cache: the first sync is full
                     .RequestTimeout(std::chrono::seconds(60))
                     .Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto created = Client::Create(*options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<Client> client = std::move(*created);

  auto seen = std::make_shared<Seen>();
  client->OnMessage([seen](const Message& m) {
    std::lock_guard<std::mutex> lock(seen->mu);
    seen->delivered[m.conversation_id].push_back(m.seq);
    ++seen->messages;
    seen->cv.notify_all();
  });
  client->OnConnectionChange([seen](const ConnectionEvent& e) {
    if (e.state == ConnectionState::kOnline) seen->Step("online");
  });
  ASSERT_TRUE(client->Connect().ok());
  // At once, as an app opening its first conversation does; the callback runs on the callback
  // thread in order with the events (so after "online" if it waited for the whole sync).
  client->History(kFirstConversationId + kConversations - 1, HistoryQuery::Latest(20),
                  [seen](Result<HistoryPage> r) {
                    {
                      std::lock_guard<std::mutex> lock(seen->mu);
                      seen->page = std::move(r);
                    }
                    seen->Step("history");
                  });

  const size_t total = static_cast<size_t>(kConversations) * kMessagesEach;
  std::unique_lock<std::mutex> lock(seen->mu);
  ASSERT_TRUE(seen->cv.wait_for(lock, kWait,
                                [&] { return seen->steps.size() == 2 && seen->messages >= total; }))
      << "steps " << seen->steps.size() << ", messages " << seen->messages << " of " << total;
  ASSERT_TRUE(seen->page.has_value());
  ASSERT_TRUE(seen->page->ok()) << seen->page->status().ToString();
  EXPECT_EQ((*seen->page)->messages.size(), 20u);
  EXPECT_EQ(seen->steps, (std::vector<std::string>{"history", "online"}))
      << "the history answer waited for the whole first sync";
  // Every message once, in seq order, per conversation.
  EXPECT_EQ(seen->messages, total);
  ASSERT_EQ(seen->delivered.size(), static_cast<size_t>(kConversations));
  for (const auto& [conversation, seqs] : seen->delivered) {
    std::vector<int64_t> expected;
    for (int64_t s = 1; s <= kMessagesEach; ++s) expected.push_back(s);
    EXPECT_EQ(seqs, expected) << "conversation " << conversation;
  }
  lock.unlock();
  client->Disconnect();
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkFirstSyncTest);

}  // namespace
}  // namespace mqchat::test
