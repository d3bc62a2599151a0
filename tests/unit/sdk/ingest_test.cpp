// Ingest without a broker (an in-memory cache, the real callback thread): messages reach the
// app once each, in seq order, only as the conversation's cursor passes them; a gap and an
// unknown conversation ask for sync; replies go to the request tracker's hook.
#include "src/ingest.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine_fakes.h"
#include "src/privacy.h"
#include "protocol/fields.h"
#include "protocol/topics.h"

namespace mqchat::sdk {
namespace {

namespace fields = protocol::fields;
using test::OnLoop;

std::string MessageEvent(int64_t conversation_id, int64_t seq) {
  nlohmann::json e;
  e[std::string(fields::kType)] = std::string(protocol::values::kEventTypeMessage);
  e[std::string(fields::kConversationId)] = conversation_id;
  e[std::string(fields::kSeq)] = seq;
  e[std::string(fields::kMessageId)] = 100 + seq;
  e[std::string(fields::kSender)] = "bob";
  e[std::string(fields::kClientMsgId)] = "c" + std::to_string(seq);
  e[std::string(fields::kText)] = "text " + std::to_string(seq);
  e[std::string(fields::kSentAtMs)] = 1700000000000 + seq;
  return e.dump();
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.username = "alice";
    options_.device_id = "phone";
    cache_ = test::MemoryCache("alice");
    ASSERT_NE(cache_, nullptr);
    dispatcher_.SetMessageHandler([this](const Message& m) {
      std::lock_guard<std::mutex> lock(mu_);
      delivered_.push_back(m.seq);
    });
    IngestHooks hooks;
    hooks.on_response = [this](const std::string& payload) { responses_.push_back(payload); };
    hooks.on_gap = [this] { ++gaps_; };
    hooks.on_unknown_conversation = [this] { ++unknown_; };
    ingest_ = std::make_unique<Ingest>(options_, loop_, *cache_, dispatcher_, EngineLog(),
                                       std::move(hooks));
  }
  void TearDown() override {
    loop_.Stop();
    dispatcher_.Stop();
  }
  // Waits until what was enqueued so far is applied and its events have run on the callback
  // thread; returns the seqs delivered so far.
  std::vector<int64_t> Settle() {
    OnLoop(loop_, [] {});  // the drain was posted before this
    std::promise<void> ran;
    dispatcher_.Run([&] { ran.set_value(); });  // runs after the events emitted before it
    EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }

  ClientOptions options_;
  std::unique_ptr<LocalCache> cache_;
  EventDispatcher dispatcher_{100, nullptr};
  EventLoop loop_;
  std::unique_ptr<Ingest> ingest_;
  std::mutex mu_;
  std::vector<int64_t> delivered_;  // guarded by mu_
  // Engine thread until Settle() returns.
  std::vector<std::string> responses_;
  int gaps_ = 0;
  int unknown_ = 0;
};

TEST_F(IngestTest, MessagesReachTheAppOnceEachInSeqOrder) {
  const std::string inbox = protocol::InboxTopic("alice");
  ingest_->Enqueue(inbox, MessageEvent(7, 2));
  EXPECT_TRUE(Settle().empty());  // seq 1 is missing: 2 waits for it
  EXPECT_EQ(gaps_, 1);
  EXPECT_EQ(unknown_, 1);  // conversation 7 is not in the cache

  ingest_->Enqueue(inbox, MessageEvent(7, 1));
  EXPECT_EQ(Settle(), (std::vector<int64_t>{1, 2}));

  ingest_->Enqueue(inbox, MessageEvent(7, 2));  // a duplicate (sync and live delivery raced)
  ingest_->Enqueue(inbox, MessageEvent(7, 3));
  EXPECT_EQ(Settle(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(*cache_->Cursor(7), 3);
  EXPECT_EQ(gaps_, 1);
}

TEST_F(IngestTest, RepliesGoToTheTrackerAndTheRestIsIgnored) {
  ingest_->Enqueue(protocol::ReplyTopic("alice", "phone"), R"({"op":"typing","ok":true})");
  ingest_->Enqueue(protocol::InboxTopic("alice"), "not json");
  ingest_->Enqueue("mqchat/v1/u/alice/elsewhere", MessageEvent(7, 1));
  EXPECT_TRUE(Settle().empty());
  EXPECT_EQ(responses_, std::vector<std::string>{R"({"op":"typing","ok":true})"});
  EXPECT_EQ(gaps_, 0);
}

// The privacy event (this user's block list, from any of their devices) reaches the cache and
// the app once per change; the same settings again change nothing and emit nothing.
TEST_F(IngestTest, PrivacyEventsAreCachedAndEmittedWhenTheyChange) {
  std::vector<PrivacySettings> seen;
  dispatcher_.SetPrivacyHandler([&](const PrivacySettings& p) {
    std::lock_guard<std::mutex> lock(mu_);
    seen.push_back(p);
  });
  const std::string inbox = protocol::InboxTopic("alice");
  const std::string event =
      R"({"type":"privacy","blocked":[{"user":"bob","blocked_at_ms":5}],"dm_policy":"shared_group"})";
  ingest_->Enqueue(inbox, event);
  Settle();
  ingest_->Enqueue(inbox, event);
  Settle();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_TRUE(seen[0].IsBlocked("bob"));
    EXPECT_FALSE(seen[0].IsBlocked("carol"));
    EXPECT_EQ(seen[0].dm_policy, DmPolicy::kSharedGroup);
  }
  auto cached = CachedPrivacy(*cache_);
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  EXPECT_EQ(*cached, seen[0]);
  ingest_->Enqueue(inbox, R"({"type":"privacy","blocked":[],"dm_policy":"everyone"})");
  Settle();
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[1].blocked.empty());
  EXPECT_EQ(CachedPrivacy(*cache_)->dm_policy, DmPolicy::kEveryone);
}

// A profile event reaches the app once per change and the profile cache has it; the same
// profile again, or an older one, changes nothing and emits nothing; a malformed one is
// ignored.
TEST_F(IngestTest, ProfileEventsAreCachedAndEmittedWhenTheyChange) {
  std::vector<Profile> seen;
  dispatcher_.SetProfileHandler([&](const Profile& p) {
    std::lock_guard<std::mutex> lock(mu_);
    seen.push_back(p);
  });
  const std::string inbox = protocol::InboxTopic("alice");
  auto event = [](const std::string& name, int64_t at) {
    return R"({"type":"profile","user":"bob","display_name":")" + name +
           R"(","status_text":"","avatar":{"type":"image/png","url":"/v1/users/bob/avatar?v=1"},)" +
           R"("updated_at_ms":)" + std::to_string(at) + "}";
  };
  EXPECT_FALSE(ingest_->profiles().Get("bob").has_value());
  ingest_->Enqueue(inbox, event("Bob B.", 10));
  ingest_->Enqueue(inbox, event("Bob B.", 10));  // the same again
  ingest_->Enqueue(inbox, event("Bobby", 5));    // older than what is known
  ingest_->Enqueue(inbox, R"({"type":"profile","user":"bob"})");
  Settle();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].user, "bob");
    EXPECT_EQ(seen[0].display_name, "Bob B.");
    EXPECT_EQ(seen[0].avatar_url, "/v1/users/bob/avatar?v=1");
    EXPECT_EQ(seen[0].avatar_type, "image/png");
  }
  EXPECT_EQ(ingest_->profiles().Get("bob"), seen[0]);
  ingest_->Enqueue(inbox, event("Bob", 11));
  Settle();
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(ingest_->profiles().Get("bob")->display_name, "Bob");
  EXPECT_TRUE(delivered_.empty()) << "a profile event is not a message";
}

// A `slow_mode` conversation event (set_slow_mode by an owner or admin) reaches the app as
// kSlowMode and the cache keeps the new setting (CachedConversations shows it).
TEST_F(IngestTest, ASlowModeEventIsCachedAndEmitted) {
  std::vector<ConversationEvent> seen;
  dispatcher_.SetConversationHandler([&](const ConversationEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    seen.push_back(e);
  });
  const std::string inbox = protocol::InboxTopic("alice");
  auto event = [](const char* name, int64_t seconds) {
    nlohmann::json c = {{"conversation_id", "9"}, {"kind", "group"}, {"name", "team"},
                        {"last_seq", 3},
                        {"members", {{{"user", "bob"}, {"role", "owner"}, {"read_seq", 3}},
                                     {{"user", "alice"}, {"role", "member"}, {"read_seq", 0}}}}};
    if (seconds > 0) c["slow_mode_s"] = seconds;
    return nlohmann::json{{"type", "conversation"}, {"event", name}, {"conversation", c},
                          {"actor", "bob"}, {"users", nlohmann::json::array()}}
        .dump();
  };
  ingest_->Enqueue(inbox, event("created", 0));
  ingest_->Enqueue(inbox, event("slow_mode", 30));
  Settle();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].kind, ConversationEvent::Kind::kSlowMode);
    EXPECT_EQ(seen[1].conversation.slow_mode_s, 30);
    EXPECT_EQ(seen[1].actor, "bob");
  }
  auto cached = cache_->Summaries();
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  ASSERT_EQ(cached->size(), 1u);
  EXPECT_EQ((*cached)[0].slow_mode_s, 30);
  ingest_->Enqueue(inbox, event("slow_mode", 0));  // off: the field is absent
  Settle();
  EXPECT_EQ((*cache_->GetConversation(9))->slow_mode_s, 0);
}

}  // namespace
}  // namespace mqchat::sdk
