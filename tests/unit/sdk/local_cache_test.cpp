// LocalCache: the SDK's SQLite cache in a temp file (messages, cursors, conversations, outbox).
#include "src/local_cache.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace mqchat::sdk {
namespace {

Message Msg(int64_t conversation, int64_t seq, const std::string& text = "t") {
  return Message{conversation, seq, 1000 + seq, "alice", "c" + std::to_string(seq), text, 5};
}

class SdkLocalCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<LocalCache> Open(const std::string& user = "alice") {
    auto cache = LocalCache::Open(path_, user);
    EXPECT_TRUE(cache.ok()) << cache.status().ToString();
    return cache.ok() ? std::move(*cache) : nullptr;
  }

  test::TempDir dir_{"mqchat-cache"};
  std::string path_ = dir_.File("cache.db");
};

TEST_F(SdkLocalCacheTest, BelongsToOneUser) {
  ASSERT_NE(Open("alice"), nullptr);
  auto other = LocalCache::Open(path_, "bob");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(Open("alice"), nullptr);
}

TEST_F(SdkLocalCacheTest, MessagesAreKeyedByConversationAndSeq) {
  auto cache = Open();
  EXPECT_TRUE(*cache->PutMessage(Msg(7, 1, "first")));
  EXPECT_FALSE(*cache->PutMessage(Msg(7, 1, "again")));  // duplicate: kept once, first wins
  EXPECT_TRUE(*cache->PutMessage(Msg(8, 1)));
  auto msgs = cache->Messages(7, 0, INT64_MAX, 10);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].text, "first");
  EXPECT_EQ((*msgs)[0].message_id, 1001);
}

TEST_F(SdkLocalCacheTest, CursorAdvancesOnlyOverContiguousMessages) {
  auto cache = Open();
  for (int64_t seq : {1, 2, 4}) ASSERT_TRUE(cache->PutMessage(Msg(7, seq)).ok());
  auto move = cache->AdvanceCursor(7, 0);
  ASSERT_TRUE(move.ok());
  EXPECT_EQ(move->old_seq, 0);
  EXPECT_EQ(move->new_seq, 2);  // 3 is missing
  ASSERT_TRUE(cache->PutMessage(Msg(7, 3)).ok());
  move = cache->AdvanceCursor(7, 0);
  EXPECT_EQ(move->old_seq, 2);
  EXPECT_EQ(move->new_seq, 4);
  EXPECT_EQ(*cache->MaxStoredSeq(7), 4);
  // A floor (what sync proved complete) moves it past a gap; it never moves back.
  move = cache->AdvanceCursor(7, 10);
  EXPECT_EQ(move->new_seq, 10);
  move = cache->AdvanceCursor(7, 3);
  EXPECT_EQ(move->new_seq, 10);
}

TEST_F(SdkLocalCacheTest, CursorWalksPastManyMessages) {
  auto cache = Open();
  {
    LocalCache::Transaction txn(*cache);
    for (int64_t seq = 1; seq <= 1500; ++seq) ASSERT_TRUE(cache->PutMessage(Msg(9, seq)).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(cache->AdvanceCursor(9, 0)->new_seq, 1500);
}

TEST_F(SdkLocalCacheTest, CursorsAndMessagesSurviveReopening) {
  {
    auto cache = Open();
    ASSERT_TRUE(cache->PutMessage(Msg(7, 1)).ok());
    ASSERT_TRUE(cache->AdvanceCursor(7, 0).ok());
    ASSERT_TRUE(cache->AdvanceCursor(8, 5).ok());
  }
  auto cache = Open();
  auto cursors = cache->Cursors();
  ASSERT_TRUE(cursors.ok());
  EXPECT_EQ(*cursors, (std::vector<std::pair<int64_t, int64_t>>{{7, 1}, {8, 5}}));
  EXPECT_EQ(cache->Messages(7, 0, INT64_MAX, 10)->size(), 1u);
}

TEST_F(SdkLocalCacheTest, OutboxKeepsOrderAcrossReopening) {
  {
    auto cache = Open();
    for (const char* id : {"a", "b", "c"}) {
      OutboxEntry e;
      e.client_msg_id = id;
      e.conversation_id = 7;
      e.text = std::string("text ") + id;
      ASSERT_TRUE(cache->AddOutbox(e).ok());
    }
    ASSERT_TRUE(cache->RemoveOutbox("b").ok());
    OutboxEntry dup;
    dup.client_msg_id = "a";
    EXPECT_FALSE(cache->AddOutbox(dup).ok());  // client_msg_ids are unique
  }
  auto cache = Open();
  auto outbox = cache->Outbox();
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].client_msg_id, "a");
  EXPECT_EQ((*outbox)[1].client_msg_id, "c");
  EXPECT_EQ((*outbox)[1].text, "text c");
  EXPECT_LT((*outbox)[0].position, (*outbox)[1].position);
  EXPECT_EQ(*cache->OutboxSize(), 2u);
}

TEST_F(SdkLocalCacheTest, TransactionRollsBackUnlessCommitted) {
  auto cache = Open();
  {
    LocalCache::Transaction txn(*cache);
    ASSERT_TRUE(cache->PutMessage(Msg(7, 1)).ok());
  }
  EXPECT_TRUE(cache->Messages(7, 0, INT64_MAX, 10)->empty());
  {
    LocalCache::Transaction txn(*cache);
    ASSERT_TRUE(cache->PutMessage(Msg(7, 1)).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(cache->Messages(7, 0, INT64_MAX, 10)->size(), 1u);
}

TEST_F(SdkLocalCacheTest, ConversationsKeepTheHighestSeqsAndCanBeDropped) {
  auto cache = Open();
  Conversation c{7, ConversationKind::kGroup, "Team", 3,
                 {{"alice", MemberRole::kOwner, 0}, {"bob", MemberRole::kMember, 0}}};
  ASSERT_TRUE(cache->PutConversation(c, 2).ok());
  c.last_seq = 1;  // an older snapshot
  c.name = "Team 2";
  ASSERT_TRUE(cache->PutConversation(c, 1).ok());
  Message from_bob = Msg(7, 5);
  from_bob.sender = "bob";  // the user's own messages are never unread (see below)
  ASSERT_TRUE(cache->PutMessage(from_bob).ok());
  auto list = cache->Summaries();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "Team 2");
  EXPECT_EQ((*list)[0].last_seq, 5);  // the newest stored message counts
  EXPECT_EQ((*list)[0].read_seq, 2);
  EXPECT_EQ((*list)[0].unread, 3);
  ASSERT_TRUE((*list)[0].last_message.has_value());
  EXPECT_EQ((*list)[0].members, (std::vector<std::string>{"alice", "bob"}));
  auto got = cache->GetConversation(7);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((**got).members[0].role, MemberRole::kOwner);

  ASSERT_TRUE(cache->AdvanceCursor(7, 5).ok());
  ASSERT_TRUE(cache->DropConversation(7).ok());
  EXPECT_TRUE(cache->Summaries()->empty());
  EXPECT_TRUE(cache->Messages(7, 0, INT64_MAX, 10)->empty());
  EXPECT_EQ(*cache->Cursor(7), 0);
}

// The server's rule: storing a message moves its sender's read_seq up to its seq. The cache
// keeps it for the user's own messages whichever comes first, the message or the row.
TEST_F(SdkLocalCacheTest, OwnMessagesMoveReadSeqAndAreNeverUnread) {
  auto cache = Open();
  Message bobs = Msg(7, 1);
  bobs.sender = "bob";
  ASSERT_TRUE(cache->PutMessage(bobs).ok());
  ASSERT_TRUE(cache->PutMessage(Msg(7, 2)).ok());  // alice's, before the row is known
  Conversation c{7, ConversationKind::kDirect, "", 1, {{"alice", MemberRole::kMember, 0}}};
  ASSERT_TRUE(cache->PutConversation(c, 0).ok());  // a snapshot older than message 2
  EXPECT_EQ((*cache->Summaries())[0].read_seq, 2);

  bobs.seq = 3;
  ASSERT_TRUE(cache->PutMessage(bobs).ok());
  EXPECT_EQ((*cache->Summaries())[0].unread, 1);
  ASSERT_TRUE(cache->PutMessage(Msg(7, 4)).ok());
  ASSERT_TRUE(cache->PutConversation(c, 1).ok());  // an older snapshot never lowers it
  auto list = cache->Summaries();
  EXPECT_EQ((*list)[0].last_seq, 4);
  EXPECT_EQ((*list)[0].read_seq, 4);
  EXPECT_EQ((*list)[0].unread, 0);
}

ConversationSummary Unread(int64_t id, int64_t last_seq, int64_t read_seq, int64_t muted) {
  ConversationSummary s;
  s.id = id;
  s.kind = ConversationKind::kGroup;
  s.last_seq = last_seq;
  s.read_seq = read_seq;
  s.unread = last_seq - read_seq;
  s.members = {"alice", "bob"};
  s.muted_until_ms = muted;
  return s;
}

// TotalUnread leaves out conversations muted now (for good or until a future time), as push's
// counts.unread does; an expired mute counts again. The mute survives reopening.
TEST_F(SdkLocalCacheTest, TotalUnreadLeavesOutMutedConversations) {
  const int64_t future = int64_t{4102444800000};  // 2100-01-01
  {
    auto cache = Open();
    ASSERT_TRUE(cache->PutSummary(Unread(1, 5, 2, 0)).ok());         // 3 unread
    ASSERT_TRUE(cache->PutSummary(Unread(2, 4, 0, -1)).ok());        // muted for good
    ASSERT_TRUE(cache->PutSummary(Unread(3, 7, 0, future)).ok());    // muted until 2100
    ASSERT_TRUE(cache->PutSummary(Unread(4, 1, 0, 1000)).ok());      // mute expired in 1970
    EXPECT_EQ(*cache->TotalUnread(), 3 + 1);
    ASSERT_TRUE(cache->SetMute(2, 0).ok());  // unmuted on this device
    EXPECT_EQ(*cache->TotalUnread(), 3 + 4 + 1);
  }
  auto cache = Open();
  EXPECT_EQ(*cache->TotalUnread(), 3 + 4 + 1);
  auto list = cache->Summaries();
  ASSERT_TRUE(list.ok());
  for (const auto& s : *list) {
    if (s.id == 3) EXPECT_EQ(s.muted_until_ms, future);
    if (s.id == 2) EXPECT_EQ(s.muted_until_ms, 0);
  }
}

// A cache written by an SDK of schema version 1 (no mute column) opens, keeps its rows and
// learns mutes.
TEST_F(SdkLocalCacheTest, SchemaVersionOneFileIsMigrated) {
  {
    auto db = OpenSqlite(path_, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(ExecSqlite(db->get(), R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('user', 'alice');
CREATE TABLE conversations(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '', last_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0, members TEXT NOT NULL DEFAULT '[]');
INSERT INTO conversations(id, kind, last_seq, read_seq) VALUES(9, 'group', 6, 1);
PRAGMA user_version=1;)sql")
                    .ok());
  }
  auto cache = Open();
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(*cache->TotalUnread(), 5);
  ASSERT_TRUE(cache->SetMute(9, -1).ok());
  EXPECT_EQ(*cache->TotalUnread(), 0);
  cache.reset();
  EXPECT_EQ(*Open()->TotalUnread(), 0);
}

// Slow mode (issue 24) is kept with the conversation: from the list (PutSummary) and from a
// conversation event (PutConversation), across reopening; a schema version 4 file gains it.
TEST_F(SdkLocalCacheTest, SlowModeIsKeptWithTheConversation) {
  {
    auto db = OpenSqlite(path_, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(ExecSqlite(db->get(), R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('user', 'alice');
CREATE TABLE conversations(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '', last_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0, members TEXT NOT NULL DEFAULT '[]',
  muted_until_ms INTEGER NOT NULL DEFAULT 0);
INSERT INTO conversations(id, kind, last_seq, read_seq) VALUES(9, 'group', 6, 1);
PRAGMA user_version=4;)sql")
                    .ok());
  }
  auto slow_mode_of = [](LocalCache& cache, int64_t id) {
    auto list = cache.Summaries();
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    for (const auto& s : list.ok() ? *list : std::vector<ConversationSummary>{}) {
      if (s.id == id) return s.slow_mode_s;
    }
    return int64_t{-1};
  };
  auto cache = Open();
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(slow_mode_of(*cache, 9), 0);  // the old row: off

  ConversationSummary summary;
  summary.id = 9;
  summary.kind = ConversationKind::kGroup;
  summary.name = "team";
  summary.last_seq = 6;
  summary.members = {"alice", "bob"};
  summary.slow_mode_s = 30;
  ASSERT_TRUE(cache->PutSummary(summary).ok());
  EXPECT_EQ(slow_mode_of(*cache, 9), 30);
  EXPECT_EQ((*cache->GetConversation(9))->slow_mode_s, 30);

  Conversation changed = **cache->GetConversation(9);  // as a `slow_mode` event carries it
  changed.slow_mode_s = 120;
  ASSERT_TRUE(cache->PutConversation(changed).ok());
  cache.reset();
  cache = Open();
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(slow_mode_of(*cache, 9), 120);
  EXPECT_EQ((*cache->GetConversation(9))->slow_mode_s, 120);
  changed.slow_mode_s = 0;  // turned off
  ASSERT_TRUE(cache->PutConversation(changed).ok());
  EXPECT_EQ(slow_mode_of(*cache, 9), 0);
}

TEST_F(SdkLocalCacheTest, InMemoryCacheWorks) {
  auto cache = LocalCache::Open("", "alice");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  EXPECT_TRUE(*(*cache)->PutMessage(Msg(1, 1)));
}

}  // namespace
}  // namespace mqchat::sdk
