// ChatStore's event kinds (migration 010), on SQLite and PostgreSQL alike: edits, deletions for
// everyone, reactions and replies take seqs in AppendBatch like messages, change their target's
// current state in the same transaction, are refused with a reason by the rules, are idempotent
// by client_msg_id, and leave the unread count alone; `ReadMessages` shows messages as they
// are now; a deleted text leaves no trace in the database.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

constexpr ConversationId kGroup = 4242;
constexpr int64_t kWindowMs = 60'000;

class ChatEventsTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto store = OpenChatStore(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    for (const char* user : {"alice", "bob", "carol"}) {
      ASSERT_TRUE(store_->EnsureUser(user, Now()).ok()) << user;
    }
    // alice owns the group; bob and carol are plain members.
    ASSERT_TRUE(store_->CreateGroup(kGroup, "alice", "g", {"bob", "carol"}, 100, Now()).ok());
  }

  int64_t Now() { return now_ms_ += 1000; }

  AppendRequest Req(const std::string& sender, const std::string& client_msg_id, EventKind kind,
                    int64_t target_seq, const std::string& text) {
    AppendRequest req;
    req.conversation_id = kGroup;
    req.sender = sender;
    req.client_msg_id = client_msg_id;
    req.text = text;
    req.message_id = ++next_message_id_;
    req.created_at_ms = Now();
    req.kind = kind;
    req.target_seq = target_seq;
    req.edit_window_ms = kWindowMs;
    return req;
  }
  AppendRequest Msg(const std::string& sender, const std::string& id, const std::string& text) {
    return Req(sender, id, EventKind::kMessage, 0, text);
  }

  std::vector<AppendResult> Append(const std::vector<AppendRequest>& batch) {
    auto results = store_->AppendBatch(batch);
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    return results.ok() ? *results : std::vector<AppendResult>(batch.size());
  }
  AppendResult One(const AppendRequest& req) { return Append({req}).front(); }

  std::vector<MessageView> View(const std::string& reader) {
    auto page = store_->ReadMessages(kGroup, reader, 0, 0, 100);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : std::vector<MessageView>{};
  }
  std::vector<StoredMessage> Log() {
    auto log = store_->ReadHistory(kGroup, 0, 0, 100);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? *log : std::vector<StoredMessage>{};
  }
  ConversationSummary Summary(const std::string& user) {
    auto list = store_->ListConversations(user);
    EXPECT_TRUE(list.ok() && list->size() == 1);
    return list.ok() && !list->empty() ? list->front() : ConversationSummary{};
  }

  // Rows of the whole database (any table we store text in) that contain `needle`, counted over
  // a connection of the test's own, outside the store.
  int64_t RowsContaining(const std::string& needle) {
    const std::string sql =
        "SELECT (SELECT count(*) FROM messages WHERE body LIKE '%" + needle + "%') + "
        "(SELECT count(*) FROM push_jobs WHERE preview_text LIKE '%" + needle + "%')";
    if (is_sqlite()) {
      auto db = OpenSqlite(config_.sqlite_path);
      EXPECT_TRUE(db.ok());
      auto stmt = PrepareSqlite(db->get(), sql);
      EXPECT_TRUE(stmt.ok());
      auto row = StepSqlite(stmt->get());
      EXPECT_TRUE(row.ok() && *row);
      return ColumnInt64(stmt->get(), 0);
    }
    auto conn = ConnectPg(config_.pg_conninfo);
    EXPECT_TRUE(conn.ok());
    auto res = ExecPgSql(conn->get(), sql.c_str());
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    auto count = PgInt64(res->get(), 0, 0);
    return count.ok() ? *count : -1;
  }

  ChatStorePtr store_;
  int64_t now_ms_ = 1'700'000'000'000;
  int64_t next_message_id_ = 7'000'000'000'000'000'000;
};

TEST_P(ChatEventsTest, AnEditTakesASeqAndReplacesTheText) {
  ASSERT_EQ(One(Msg("alice", "m1", "helo")).message.seq, 1);
  const AppendResult edit = One(Req("alice", "e1", EventKind::kEdit, 1, "hello"));
  ASSERT_EQ(edit.outcome, AppendOutcome::kStored);
  EXPECT_EQ(edit.message.seq, 2);
  EXPECT_EQ(edit.message.kind, EventKind::kEdit);
  EXPECT_EQ(edit.message.target_seq, 1);

  const auto log = Log();  // what sync carries: both events, the message as it is now
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].text, "hello");
  EXPECT_EQ(log[0].edited_at_ms, edit.message.created_at_ms);
  EXPECT_EQ(log[1].kind, EventKind::kEdit);
  EXPECT_EQ(log[1].text, "hello");
  const auto view = View("bob");  // what history shows: the message only
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].message.text, "hello");
  EXPECT_GT(view[0].message.edited_at_ms, 0);
}

TEST_P(ChatEventsTest, RefusalsSayWhyAndTakeNoSeq) {
  One(Msg("alice", "m1", "mine"));                              // 1
  One(Msg("bob", "m2", "his"));                                 // 2
  One(Req("bob", "r1", EventKind::kReactionAdd, 1, "\xF0\x9F\x91\x8D"));  // 3
  auto refused = [&](const AppendRequest& req) {
    const AppendResult r = One(req);
    EXPECT_EQ(r.outcome, AppendOutcome::kRefused) << req.client_msg_id;
    return r.refusal;
  };
  EXPECT_EQ(refused(Req("alice", "x1", EventKind::kEdit, 2, "not mine")), EventRefusal::kNotAuthor);
  EXPECT_EQ(refused(Req("bob", "x2", EventKind::kDelete, 1, "")), EventRefusal::kNotAuthor);
  EXPECT_EQ(refused(Req("alice", "x3", EventKind::kEdit, 99, "gone")),
            EventRefusal::kUnknownTarget);
  EXPECT_EQ(refused(Req("bob", "x4", EventKind::kEdit, 3, "a reaction")),
            EventRefusal::kUnknownTarget);
  EXPECT_EQ(refused(Req("bob", "x5", EventKind::kReactionAdd, 1, "\xF0\x9F\x91\x8D")),
            EventRefusal::kNoChange);
  EXPECT_EQ(refused(Req("carol", "x6", EventKind::kReactionRemove, 1, "\xF0\x9F\x91\x8D")),
            EventRefusal::kNoChange);
  now_ms_ += kWindowMs;  // alice's message is now older than the edit window
  EXPECT_EQ(refused(Req("alice", "x7", EventKind::kEdit, 1, "late")),
            EventRefusal::kEditWindowClosed);
  ASSERT_EQ(One(Req("alice", "d1", EventKind::kDelete, 1, "")).outcome, AppendOutcome::kStored);
  EXPECT_EQ(refused(Req("bob", "x8", EventKind::kReactionAdd, 1, "\xF0\x9F\x98\x80")),
            EventRefusal::kTargetDeleted);
  EXPECT_EQ(refused(Req("carol", "x9", EventKind::kMessage, 1, "a reply")),
            EventRefusal::kTargetDeleted);
  EXPECT_EQ(One(Msg("carol", "m3", "next")).message.seq, 5);  // refusals took no seq
}

TEST_P(ChatEventsTest, AnEditWindowOfZeroIsForever) {
  One(Msg("alice", "m1", "old"));
  now_ms_ += 10 * kWindowMs;
  AppendRequest edit = Req("alice", "e1", EventKind::kEdit, 1, "still mine");
  edit.edit_window_ms = 0;
  EXPECT_EQ(One(edit).outcome, AppendOutcome::kStored);
}

TEST_P(ChatEventsTest, DeletedTextLeavesNoTraceInTheDatabase) {
  One(Msg("bob", "m1", "zebra-secret one"));                      // 1
  One(Req("bob", "e1", EventKind::kEdit, 1, "zebra-secret two"));  // 2
  One(Req("carol", "r1", EventKind::kReactionAdd, 1, "\xE2\x9D\xA4"));
  ASSERT_GT(RowsContaining("zebra-secret"), 0);
  // alice deletes bob's message: the group's owner may.
  const AppendResult del = One(Req("alice", "d1", EventKind::kDelete, 1, ""));
  ASSERT_EQ(del.outcome, AppendOutcome::kStored);
  EXPECT_EQ(del.message.seq, 4);
  EXPECT_EQ(RowsContaining("zebra-secret"), 0);

  const auto view = View("bob");
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].message.seq, 1);  // the tombstone keeps its seq
  EXPECT_EQ(view[0].message.text, "");
  EXPECT_GT(view[0].message.deleted_at_ms, 0);
  EXPECT_TRUE(view[0].reactions.empty());
}

TEST_P(ChatEventsTest, ReactionsAggregateWithTheReadersOwn) {
  const std::string up = "\xF0\x9F\x91\x8D", heart = "\xE2\x9D\xA4\xEF\xB8\x8F";
  One(Msg("alice", "m1", "vote"));
  Append({Req("bob", "r1", EventKind::kReactionAdd, 1, up),
          Req("carol", "r2", EventKind::kReactionAdd, 1, up),
          Req("carol", "r3", EventKind::kReactionAdd, 1, heart)});
  auto view = View("carol");
  ASSERT_EQ(view.size(), 1u);
  ASSERT_EQ(view[0].reactions.size(), 2u);
  const ReactionCount* thumbs = nullptr;
  for (const auto& r : view[0].reactions) {
    if (r.emoji == up) thumbs = &r;
  }
  ASSERT_NE(thumbs, nullptr);
  EXPECT_EQ(thumbs->count, 2);
  EXPECT_TRUE(thumbs->mine);
  EXPECT_EQ(One(Req("carol", "r4", EventKind::kReactionRemove, 1, up)).outcome,
            AppendOutcome::kStored);
  view = View("carol");
  ASSERT_EQ(view[0].reactions.size(), 2u);
  for (const auto& r : view[0].reactions) {
    if (r.emoji == up) {
      EXPECT_EQ(r.count, 1);
      EXPECT_FALSE(r.mine);
    } else {
      EXPECT_TRUE(r.mine);
    }
  }
}

TEST_P(ChatEventsTest, AReplyQuotesItsMessageUntilItIsDeleted) {
  const std::string long_text(150, 'q');
  One(Msg("alice", "m1", long_text));
  ASSERT_EQ(One(Req("bob", "m2", EventKind::kMessage, 1, "answer")).outcome,
            AppendOutcome::kStored);
  auto view = View("carol");
  ASSERT_EQ(view.size(), 2u);
  ASSERT_TRUE(view[1].reply.has_value());
  EXPECT_EQ(view[1].reply->seq, 1);
  EXPECT_EQ(view[1].reply->sender, "alice");
  EXPECT_EQ(view[1].reply->snippet, std::string(100, 'q') + "\xE2\x80\xA6");
  EXPECT_FALSE(view[1].reply->deleted);
  EXPECT_FALSE(view[0].reply.has_value());
  One(Req("alice", "d1", EventKind::kDelete, 1, ""));
  view = View("carol");
  ASSERT_TRUE(view[1].reply.has_value());
  EXPECT_TRUE(view[1].reply->deleted);
  EXPECT_EQ(view[1].reply->snippet, "");
}

TEST_P(ChatEventsTest, EveryKindIsIdempotentByClientMsgId) {
  One(Msg("alice", "m1", "x"));
  const std::vector<AppendRequest> kinds = {
      Req("alice", "e1", EventKind::kEdit, 1, "y"),
      Req("bob", "r1", EventKind::kReactionAdd, 1, "\xF0\x9F\x91\x8D"),
      Req("bob", "r2", EventKind::kReactionRemove, 1, "\xF0\x9F\x91\x8D"),
      Req("alice", "d1", EventKind::kDelete, 1, ""),
  };
  for (const AppendRequest& req : kinds) {
    const AppendResult first = One(req);
    ASSERT_EQ(first.outcome, AppendOutcome::kStored) << req.client_msg_id;
    const AppendResult again = One(req);  // a resend, after the target changed or vanished
    EXPECT_EQ(again.outcome, AppendOutcome::kDuplicate) << req.client_msg_id;
    EXPECT_EQ(again.message.seq, first.message.seq);
    EXPECT_EQ(again.message.message_id, first.message.message_id);
  }
  EXPECT_EQ(Log().size(), 5u);
}

TEST_P(ChatEventsTest, ABatchSeesItsOwnEarlierEvents) {
  const auto results = Append({Msg("alice", "m1", "draft"),
                               Req("alice", "e1", EventKind::kEdit, 1, "final"),
                               Req("bob", "r1", EventKind::kReactionAdd, 1, "\xF0\x9F\x91\x8D"),
                               Req("bob", "r2", EventKind::kReactionAdd, 1, "\xF0\x9F\x91\x8D"),
                               Req("alice", "d1", EventKind::kDelete, 1, ""),
                               Req("alice", "e2", EventKind::kEdit, 1, "after")});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[1].outcome, AppendOutcome::kStored);
  EXPECT_EQ(results[2].outcome, AppendOutcome::kStored);
  EXPECT_EQ(results[3].refusal, EventRefusal::kNoChange);
  EXPECT_EQ(results[4].outcome, AppendOutcome::kStored);
  EXPECT_EQ(results[4].message.seq, 4);
  EXPECT_EQ(results[5].refusal, EventRefusal::kTargetDeleted);
  EXPECT_EQ(RowsContaining("draft") + RowsContaining("final"), 0);
}

TEST_P(ChatEventsTest, OnlyMessagesAreUnreadOrTheLastMessage) {
  One(Msg("alice", "m1", "one"));
  One(Msg("alice", "m2", "two"));
  One(Req("alice", "r1", EventKind::kReactionAdd, 1, "\xF0\x9F\x91\x8D"));
  One(Req("alice", "e1", EventKind::kEdit, 1, "uno"));
  const ConversationSummary bob = Summary("bob");
  EXPECT_EQ(bob.last_seq, 4);
  EXPECT_EQ(bob.unread, 2);
  ASSERT_TRUE(bob.last_message.has_value());
  EXPECT_EQ(bob.last_message->seq, 2);
  ASSERT_TRUE(store_->MarkRead(kGroup, "bob", 1).ok());
  EXPECT_EQ(Summary("bob").unread, 1);
  EXPECT_EQ(Summary("alice").unread, 0);  // her own events moved her read marker
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(ChatEventsTest);

}  // namespace
}  // namespace mqchat::store
