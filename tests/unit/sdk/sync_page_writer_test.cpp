// SyncPageWriter without a broker (an in-memory cache, the real engine and callback threads): a
// sync page is stored in steps of whole conversations, one cache transaction each, and what
// arrives meanwhile (a reply, a live message) is handled between the steps; every message still
// reaches the app once, in seq order.
#include "src/sync_page_writer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine_fakes.h"
#include "protocol/fields.h"
#include "protocol/topics.h"

namespace mqchat::sdk {
namespace {

namespace fields = protocol::fields;
using test::OnLoop;

constexpr int kMessagesEach = 100;
constexpr int kConversations = 12;  // 1,200 messages: steps of 5, 5 and 2 conversations

nlohmann::json MessageJson(int64_t conversation_id, int64_t seq) {
  nlohmann::json m;
  m[std::string(fields::kConversationId)] = conversation_id;
  m[std::string(fields::kSeq)] = seq;
  m[std::string(fields::kMessageId)] = conversation_id * 1000 + seq;
  m[std::string(fields::kSender)] = "bob";
  m[std::string(fields::kClientMsgId)] = "c" + std::to_string(conversation_id * 1000 + seq);
  m[std::string(fields::kText)] = "text " + std::to_string(seq);
  m[std::string(fields::kSentAtMs)] = 1700000000000 + seq;
  return m;
}

// A first sync's page: conversations 1..kConversations, seqs 1..kMessagesEach each.
nlohmann::json FirstPage() {
  nlohmann::json entries = nlohmann::json::array();
  for (int64_t c = 1; c <= kConversations; ++c) {
    nlohmann::json messages = nlohmann::json::array();
    for (int64_t s = 1; s <= kMessagesEach; ++s) messages.push_back(MessageJson(c, s));
    entries.push_back({{std::string(fields::kConversationId), c},
                       {std::string(fields::kLastSeq), kMessagesEach},
                       {std::string(fields::kMessages), std::move(messages)},
                       {std::string(fields::kHasMore), false}});
  }
  return {{std::string(fields::kConversations), std::move(entries)}};
}

class SyncPageWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.username = "alice";
    options_.device_id = "phone";
    cache_ = test::MemoryCache("alice");
    ASSERT_NE(cache_, nullptr);
    dispatcher_.SetMessageHandler([this](const Message& m) {
      std::lock_guard<std::mutex> lock(mu_);
      delivered_[m.conversation_id].push_back(m.seq);
    });
    IngestHooks hooks;
    hooks.on_response = [this](const std::string&) { stored_at_response_.push_back(Stored()); };
    hooks.on_gap = [] {};
    hooks.on_unknown_conversation = [] {};
    ingest_ = std::make_unique<Ingest>(options_, loop_, *cache_, dispatcher_, EngineLog(),
                                       std::move(hooks));
    writer_ = std::make_unique<SyncPageWriter>(loop_, *ingest_, *cache_, EngineLog());
  }
  void TearDown() override {
    loop_.Stop();
    dispatcher_.Stop();
  }

  // Engine thread: the conversations whose cursor passed all their messages.
  int Stored() const {
    int n = 0;
    for (int64_t c = 1; c <= kConversations; ++c) n += *cache_->Cursor(c) >= kMessagesEach;
    return n;
  }

  // Stores FirstPage() and, on the engine thread right after (before its first step ran),
  // `meanwhile`; waits for the page to be stored and its messages delivered. Returns
  // Stored() before each step.
  std::vector<int> StorePage(const std::function<void()>& meanwhile = [] {}) {
    std::vector<int> before_steps;
    std::promise<bool> done;
    OnLoop(loop_, [&] {
      writer_->Store(
          FirstPage(),
          [&] {
            before_steps.push_back(Stored());
            return true;
          },
          [&](bool more) { done.set_value(more); });
      meanwhile();
    });
    auto finished = done.get_future();
    EXPECT_EQ(finished.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_FALSE(finished.get());
    std::promise<void> ran;
    dispatcher_.Run([&] { ran.set_value(); });  // after the messages emitted before it
    EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return before_steps;
  }

  // Every conversation's messages delivered once, in seq order (conversation 12 up to `last`).
  void ExpectDeliveredOnceInOrder(int64_t last_of_12 = kMessagesEach) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_EQ(delivered_.size(), static_cast<size_t>(kConversations));
    for (const auto& [c, seqs] : delivered_) {
      std::vector<int64_t> expected;
      for (int64_t s = 1; s <= (c == kConversations ? last_of_12 : kMessagesEach); ++s) {
        expected.push_back(s);
      }
      EXPECT_EQ(seqs, expected) << "conversation " << c;
    }
  }

  ClientOptions options_;
  std::unique_ptr<LocalCache> cache_;
  EventDispatcher dispatcher_{100, nullptr};
  EventLoop loop_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<SyncPageWriter> writer_;
  std::mutex mu_;
  std::map<int64_t, std::vector<int64_t>> delivered_;  // guarded by mu_
  std::vector<int> stored_at_response_;                // engine thread
};

TEST_F(SyncPageWriterTest, APageIsStoredInStepsOfWholeConversations) {
  // Three steps (three transactions), not one for the page nor one per message: 500 messages
  // each, whole conversations.
  EXPECT_EQ(StorePage(), (std::vector<int>{0, 5, 10}));
  OnLoop(loop_, [&] { EXPECT_EQ(Stored(), kConversations); });
  ExpectDeliveredOnceInOrder();
}

TEST_F(SyncPageWriterTest, AReplyThatArrivesMeanwhileIsHandledBetweenSteps) {
  StorePage([&] {
    ingest_->Enqueue(protocol::ReplyTopic("alice", "phone"), R"({"op":"history","ok":true})");
  });
  // Queued behind the first step only, not behind the whole page.
  OnLoop(loop_, [&] { EXPECT_EQ(stored_at_response_, std::vector<int>{5}); });
  ExpectDeliveredOnceInOrder();
}

TEST_F(SyncPageWriterTest, ALiveMessageBetweenStepsIsDeliveredOnceInOrder) {
  nlohmann::json event = MessageJson(kConversations, kMessagesEach + 1);  // the last step's
  event[std::string(fields::kType)] = std::string(protocol::values::kEventTypeMessage);
  StorePage([&] { ingest_->Enqueue(protocol::InboxTopic("alice"), event.dump()); });
  OnLoop(loop_, [&] { EXPECT_EQ(*cache_->Cursor(kConversations), kMessagesEach + 1); });
  ExpectDeliveredOnceInOrder(kMessagesEach + 1);
}

TEST_F(SyncPageWriterTest, APageNoLongerWantedStopsBetweenStepsKeepingWhatItStored) {
  std::promise<void> asked_twice;
  int asked = 0;
  OnLoop(loop_, [&] {
    writer_->Store(
        FirstPage(),
        [&] {
          if (++asked < 2) return true;
          asked_twice.set_value();
          return false;  // the link went away after the first step
        },
        [](bool) { ADD_FAILURE() << "a dropped page finished"; });
  });
  ASSERT_EQ(asked_twice.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  OnLoop(loop_, [&] {
    EXPECT_EQ(Stored(), 5);
    EXPECT_EQ(*cache_->Cursor(6), 0);
  });
}

}  // namespace
}  // namespace mqchat::sdk
