// The message events of issue 16 in the SDK without a broker (an in-memory or temp-file cache,
// the real callback thread, inbox payloads as the server writes them): an edit, a deletion or a
// reaction is applied to its message once, as the cursor passes it, and reaches the app as a
// MessageUpdate, never as a new message; unknown kinds are skipped; events are not unread; a
// deleted message's text is gone from the cache file; older cache files migrate.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine_fakes.h"
#include "protocol/fields.h"
#include "protocol/topics.h"
#include "sqlite/sqlite_helpers.h"
#include "src/ingest.h"
#include "support/temp_dir.h"

namespace mqchat::sdk {
namespace {

namespace fields = protocol::fields;
namespace values = protocol::values;
using test::OnLoop;

const std::string kThumbs = "\xF0\x9F\x91\x8D";  // U+1F44D
const std::string kHeart = "\xE2\x9D\xA4";       // U+2764

// A `message` inbox event: a plain message when `kind` is empty, else an event on `target`.
std::string Entry(int64_t seq, const std::string& sender, const std::string& text,
                  const std::string& kind = "", int64_t target = 0) {
  nlohmann::json e;
  e[std::string(fields::kType)] = std::string(values::kEventTypeMessage);
  e[std::string(fields::kConversationId)] = 7;
  e[std::string(fields::kSeq)] = seq;
  e[std::string(fields::kMessageId)] = 100 + seq;
  e[std::string(fields::kSender)] = sender;
  e[std::string(fields::kClientMsgId)] = sender + std::to_string(seq);
  e[std::string(fields::kText)] = text;
  e[std::string(fields::kSentAtMs)] = 1700000000000 + seq;
  if (!kind.empty()) {
    e[std::string(fields::kKind)] = kind;
    e[std::string(fields::kTargetSeq)] = target;
  }
  return e.dump();
}

class MessageEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.username = "alice";
    options_.device_id = "phone";
    auto cache = LocalCache::Open(path_, "alice");
    ASSERT_TRUE(cache.ok()) << cache.status().ToString();
    cache_ = std::move(cache).value();
    Conversation c;
    c.id = 7;
    c.members = {{"alice", MemberRole::kMember, 0}, {"bob", MemberRole::kMember, 0}};
    ASSERT_TRUE(cache_->PutConversation(c).ok());
    dispatcher_.SetMessageHandler([this](const Message& m) {
      std::lock_guard<std::mutex> lock(mu_);
      messages_.push_back(m);
    });
    dispatcher_.SetMessageUpdateHandler([this](const MessageUpdate& u) {
      std::lock_guard<std::mutex> lock(mu_);
      updates_.push_back(u);
    });
    IngestHooks hooks;
    hooks.on_response = [](const std::string&) {};
    hooks.on_gap = [] {};
    hooks.on_unknown_conversation = [] {};
    ingest_ = std::make_unique<Ingest>(options_, loop_, *cache_, dispatcher_, EngineLog(),
                                       std::move(hooks));
  }
  void TearDown() override {
    loop_.Stop();
    dispatcher_.Stop();
  }
  void Receive(const std::string& payload) {
    ingest_->Enqueue(protocol::InboxTopic("alice"), payload);
  }
  // Waits until what was received is applied and its callbacks have run.
  void Settle() {
    OnLoop(loop_, [] {});
    std::promise<void> ran;
    dispatcher_.Run([&] { ran.set_value(); });
    ASSERT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  std::vector<Message> Cached() {
    auto msgs = cache_->Messages(7, 0, INT64_MAX, 100);
    EXPECT_TRUE(msgs.ok()) << msgs.status().ToString();
    return msgs.ok() ? *msgs : std::vector<Message>{};
  }
  std::vector<int64_t> DeliveredSeqs() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> out;
    for (const auto& m : messages_) out.push_back(m.seq);
    return out;
  }
  std::vector<MessageUpdate> Updates() {
    std::lock_guard<std::mutex> lock(mu_);
    return updates_;
  }
  int64_t Unread() {
    auto list = cache_->Summaries();
    EXPECT_TRUE(list.ok());
    return list.ok() && !list->empty() ? (*list)[0].unread : -1;
  }

  mqchat::test::TempDir dir_{"mqchat-events"};
  std::string path_ = dir_.File("cache.db");
  ClientOptions options_;
  std::unique_ptr<LocalCache> cache_;
  EventDispatcher dispatcher_{100, nullptr};
  EventLoop loop_;
  std::unique_ptr<Ingest> ingest_;
  std::mutex mu_;
  std::vector<Message> messages_;       // guarded by mu_
  std::vector<MessageUpdate> updates_;  // guarded by mu_
};

// The reactions of a range of messages are read in one query (LocalCache::DecorateRange): each
// message gets its own, whichever messages and events lie between them.
TEST_F(MessageEventsTest, EachMessageOfARangeKeepsItsOwnReactions) {
  Receive(Entry(1, "bob", "one"));
  Receive(Entry(2, "bob", "two"));
  Receive(Entry(3, "carol", "three"));
  Receive(Entry(4, "carol", kThumbs, std::string(values::kEventReact), 1));
  Receive(Entry(5, "alice", kHeart, std::string(values::kEventReact), 3));
  Receive(Entry(6, "bob", kHeart, std::string(values::kEventReact), 3));
  Receive(Entry(7, "bob", "four"));
  Settle();
  auto cached = Cached();
  ASSERT_EQ(cached.size(), 4u);
  ASSERT_EQ(cached[0].reactions.size(), 1u);
  EXPECT_EQ(cached[0].reactions[0].emoji, kThumbs);
  EXPECT_FALSE(cached[0].reactions[0].mine);
  EXPECT_TRUE(cached[1].reactions.empty());
  ASSERT_EQ(cached[2].reactions.size(), 1u);
  EXPECT_EQ(cached[2].reactions[0].emoji, kHeart);
  EXPECT_EQ(cached[2].reactions[0].count, 2);
  EXPECT_TRUE(cached[2].reactions[0].mine);
  EXPECT_TRUE(cached[3].reactions.empty());
  // A range that starts after the first reacted message.
  auto later = cache_->Messages(7, 2, INT64_MAX, 1);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].seq, 3);
  ASSERT_EQ((*later)[0].reactions.size(), 1u);
  EXPECT_EQ((*later)[0].reactions[0].count, 2);
}

TEST_F(MessageEventsTest, EditsAndReactionsUpdateTheirMessageAndAreNoNewMessages) {
  Receive(Entry(1, "bob", "helo"));
  Receive(Entry(2, "bob", "hello", std::string(values::kEventEdit), 1));
  Receive(Entry(3, "bob", kThumbs, std::string(values::kEventReact), 1));
  Receive(Entry(4, "carol", kThumbs, std::string(values::kEventReact), 1));
  Receive(Entry(5, "alice", kHeart, std::string(values::kEventReact), 1));  // another device
  Receive(Entry(6, "carol", kThumbs, std::string(values::kEventUnreact), 1));
  Receive(Entry(7, "bob", "after"));
  Settle();
  EXPECT_EQ(DeliveredSeqs(), (std::vector<int64_t>{1, 7}));
  auto updates = Updates();
  ASSERT_EQ(updates.size(), 5u);
  EXPECT_EQ(updates[0].kind, MessageUpdate::Kind::kEdited);
  EXPECT_EQ(updates[0].event_seq, 2);
  EXPECT_EQ(updates[0].message.seq, 1);
  EXPECT_EQ(updates[0].message.text, "hello");
  EXPECT_EQ(updates[0].message.edited_at_ms, 1700000000002);
  EXPECT_EQ(updates[1].kind, MessageUpdate::Kind::kReacted);
  EXPECT_EQ(updates[1].emoji, kThumbs);
  EXPECT_EQ(updates[2].message.reactions.size(), 1u);
  EXPECT_EQ(updates[2].message.reactions[0].count, 2);
  EXPECT_EQ(updates[4].kind, MessageUpdate::Kind::kUnreacted);
  EXPECT_EQ(updates[4].actor, "carol");

  auto cached = Cached();
  ASSERT_EQ(cached.size(), 2u) << "events are not messages";
  EXPECT_EQ(cached[0].text, "hello");
  EXPECT_TRUE(cached[0].edited());
  ASSERT_EQ(cached[0].reactions.size(), 2u);  // by emoji
  EXPECT_EQ(cached[0].reactions[0].emoji, kHeart);
  EXPECT_EQ(cached[0].reactions[0].count, 1);
  EXPECT_TRUE(cached[0].reactions[0].mine);
  EXPECT_EQ(cached[0].reactions[1].emoji, kThumbs);
  EXPECT_EQ(cached[0].reactions[1].count, 1);  // carol took hers back
  EXPECT_FALSE(cached[0].reactions[1].mine);
  EXPECT_EQ(*cache_->Cursor(7), 7);
  // alice's own reaction (seq 5) moved her read_seq; only "after" (7) is unread.
  EXPECT_EQ(Unread(), 1);
  auto list = cache_->Summaries();
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE((*list)[0].last_message.has_value());
  EXPECT_EQ((*list)[0].last_message->seq, 7);
}

TEST_F(MessageEventsTest, EventsDoNotRaiseTheUnreadCount) {
  Receive(Entry(1, "bob", "one"));
  Receive(Entry(2, "bob", "two", std::string(values::kEventEdit), 1));
  Receive(Entry(3, "bob", kThumbs, std::string(values::kEventReact), 1));
  Settle();
  EXPECT_EQ(Unread(), 1);
  EXPECT_EQ(*cache_->TotalUnread(), 1);
}

TEST_F(MessageEventsTest, AnEventBeyondAGapWaitsForItsMessage) {
  Receive(Entry(3, "bob", "fixed", std::string(values::kEventEdit), 1));
  Settle();
  EXPECT_TRUE(Updates().empty());
  Receive(Entry(2, "bob", "two"));
  Receive(Entry(1, "bob", "fxied"));
  Receive(Entry(3, "bob", "fixed", std::string(values::kEventEdit), 1));  // again: sync raced
  Settle();
  EXPECT_EQ(DeliveredSeqs(), (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(Updates().size(), 1u) << "applied once";
  EXPECT_EQ(Cached()[0].text, "fixed");
}

TEST_F(MessageEventsTest, UnknownKindsAreSkippedButPassed) {
  Receive(Entry(1, "bob", "one"));
  Receive(Entry(2, "bob", "a poll?", "poll", 1));
  Receive(Entry(3, "bob", "three"));
  Settle();
  EXPECT_EQ(DeliveredSeqs(), (std::vector<int64_t>{1, 3}));
  EXPECT_TRUE(Updates().empty());
  EXPECT_EQ(Cached().size(), 2u);
  EXPECT_EQ(*cache_->Cursor(7), 3);
}

// Rows of the cache file whose text contains `needle`, read outside the cache.
int64_t RowsContaining(const std::string& path, const std::string& needle) {
  auto db = OpenSqlite(path, SqliteOpenOptions{});
  EXPECT_TRUE(db.ok());
  auto stmt = PrepareSqlite(db->get(), "SELECT count(*) FROM messages WHERE text LIKE '%" +
                                           needle + "%'");
  EXPECT_TRUE(stmt.ok());
  auto row = StepSqlite(stmt->get());
  EXPECT_TRUE(row.ok() && *row);
  return ColumnInt64(stmt->get(), 0);
}

TEST_F(MessageEventsTest, ADeletionLeavesATombstoneAndNoText) {
  Receive(Entry(1, "bob", "secret one"));
  Receive(Entry(2, "bob", "secret two", std::string(values::kEventEdit), 1));
  Receive(Entry(3, "bob", kThumbs, std::string(values::kEventReact), 1));
  Receive(Entry(4, "bob", "re: that", "", 0));
  Settle();
  EXPECT_GT(RowsContaining(path_, "secret"), 0);
  Receive(Entry(5, "bob", "", std::string(values::kEventDelete), 1));
  Receive(Entry(6, "bob", "late", std::string(values::kEventEdit), 1));  // never undeletes
  Settle();
  auto cached = Cached();
  ASSERT_EQ(cached.size(), 2u);
  EXPECT_TRUE(cached[0].deleted);
  EXPECT_EQ(cached[0].text, "");
  EXPECT_TRUE(cached[0].reactions.empty());
  auto updates = Updates();
  ASSERT_EQ(updates.size(), 3u) << "the edit of a deleted message is not reported";
  EXPECT_EQ(updates[2].kind, MessageUpdate::Kind::kDeleted);
  EXPECT_TRUE(updates[2].message.deleted);
  EXPECT_EQ(RowsContaining(path_, "secret"), 0);
  EXPECT_EQ(RowsContaining(path_, "late"), 0);
}

TEST_F(MessageEventsTest, RepliesQuoteTheirMessage) {
  Receive(Entry(1, "bob", std::string(150, 'x')));
  nlohmann::json reply = nlohmann::json::parse(Entry(2, "carol", "agreed"));
  reply[std::string(fields::kReplyTo)] = 1;
  Receive(reply.dump());
  Settle();
  auto cached = Cached();
  ASSERT_EQ(cached.size(), 2u);
  EXPECT_EQ(cached[1].reply_to, 1);
  ASSERT_TRUE(cached[1].reply.has_value());
  EXPECT_EQ(cached[1].reply->sender, "bob");
  EXPECT_EQ(cached[1].reply->snippet, std::string(100, 'x') + "\xE2\x80\xA6");
  Receive(Entry(3, "bob", "", std::string(values::kEventDelete), 1));
  Settle();
  cached = Cached();
  ASSERT_TRUE(cached[1].reply.has_value());
  EXPECT_TRUE(cached[1].reply->deleted);
  EXPECT_EQ(cached[1].reply->snippet, "");
}

// A cache written by an SDK of schema version 2 (before the message events) opens, keeps its
// messages, cursors and unsent messages, and takes events from then on.
TEST(SdkCacheMigrationTest, AVersion2CacheMigrates) {
  mqchat::test::TempDir dir{"mqchat-cache-v2"};
  const std::string path = dir.File("cache.db");
  {
    auto db = OpenSqlite(path, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(ExecSqlite(db->get(), R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('user', 'alice');
CREATE TABLE conversations(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '', last_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0, members TEXT NOT NULL DEFAULT '[]',
  muted_until_ms INTEGER NOT NULL DEFAULT 0);
INSERT INTO conversations(id, kind, last_seq, read_seq) VALUES(7, 'direct', 1, 0);
CREATE TABLE messages(conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  message_id INTEGER NOT NULL, sender TEXT NOT NULL, client_msg_id TEXT NOT NULL,
  text TEXT NOT NULL, sent_at_ms INTEGER NOT NULL,
  PRIMARY KEY(conversation_id, seq)) WITHOUT ROWID;
INSERT INTO messages VALUES(7, 1, 101, 'bob', 'b1', 'old', 5);
CREATE TABLE cursors(conversation_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
INSERT INTO cursors VALUES(7, 1);
CREATE TABLE outbox(position INTEGER PRIMARY KEY AUTOINCREMENT,
  client_msg_id TEXT NOT NULL UNIQUE, conversation_id INTEGER NOT NULL, text TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
INSERT INTO outbox(client_msg_id, conversation_id, text, created_ms) VALUES('a1', 7, 'hi', 6);
PRAGMA user_version=2;)sql")
                    .ok());
  }
  auto cache = LocalCache::Open(path, "alice");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  auto outbox = (*cache)->Outbox();
  ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].kind, "");  // a plain send
  EXPECT_EQ(*(*cache)->Cursor(7), 1);
  LogEntry edit;
  edit.message = Message{7, 2, 102, "bob", "b2", "new", 9};
  edit.kind = std::string(values::kEventEdit);
  edit.target_seq = 1;
  ASSERT_TRUE(*(*cache)->PutEntry(edit));
  auto update = (*cache)->ApplyEvent(edit);
  ASSERT_TRUE(update.ok()) << update.status().ToString();
  ASSERT_TRUE(update->has_value());
  EXPECT_EQ((*update)->message.text, "new");
  cache->reset();
  auto again = LocalCache::Open(path, "alice");  // version 3 now: opens as is
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto msgs = (*again)->Messages(7, 0, INT64_MAX, 10);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].text, "new");
  EXPECT_EQ((*again)->Summaries()->at(0).unread, 1);
}

}  // namespace
}  // namespace mqchat::sdk
