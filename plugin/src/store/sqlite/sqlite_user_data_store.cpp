#include "store/sqlite/sqlite_user_data_store.h"

#include <utility>

#include "store/sqlite/sqlite_attachment_sql.h"
#include "store/sqlite/sqlite_chat_sql.h"

namespace mqchat::store {
namespace {

constexpr char kProfile[] =
    "SELECT user_id, username, state, created_at_ms FROM users WHERE username = ?1";
constexpr char kConversations[] =
    "SELECT c.conversation_id, c.kind, c.name, m.role, m.joined_at_ms FROM members m "
    "JOIN conversations c ON c.conversation_id = m.conversation_id WHERE m.username = ?1 "
    "ORDER BY c.conversation_id";
constexpr char kMembers[] =
    "SELECT username FROM members WHERE conversation_id = ?1 ORDER BY username";
// By the primary key's order from a (conversation, seq) position: a walk in short statements.
constexpr char kSentAfter[] =
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, "
    "target_seq, edited_at_ms, deleted_at_ms FROM messages "
    "WHERE sender = ?1 AND (conversation_id, seq) > (?2, ?3) ORDER BY conversation_id, seq "
    "LIMIT ?4";
// A message becomes a tombstone (deleted now unless before), an edit loses its text.
constexpr char kErase[] =
    "UPDATE messages SET body = '', attachments = '', deleted_at_ms = CASE WHEN kind = 0 AND "
    "deleted_at_ms = 0 "
    "THEN ?3 ELSE deleted_at_ms END WHERE conversation_id = ?1 AND seq = ?2";
constexpr char kScrubPreview[] =
    "UPDATE push_jobs SET preview_text = NULL WHERE conversation_id = ?1 AND last_seq = ?2 "
    "AND preview_text IS NOT NULL";
constexpr char kAudit[] =
    "INSERT INTO audit_log (at_ms, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kListAudit[] =
    "SELECT audit_id, at_ms, actor, action, subject, detail FROM audit_log WHERE audit_id > ?1 "
    "ORDER BY audit_id LIMIT ?2";

bool HasText(const StoredMessage& m) {
  if (m.kind == EventKind::kMessage) return !m.text.empty() || m.deleted_at_ms == 0;
  return m.kind == EventKind::kEdit && !m.text.empty();
}

}  // namespace

Result<std::unique_ptr<SqliteUserDataStore>> SqliteUserDataStore::Create(SqliteDbPtr db) {
  if (db == nullptr) return Status::InvalidArgument("SqliteUserDataStore needs a database");
  std::unique_ptr<SqliteUserDataStore> store(new SqliteUserDataStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteUserDataStore::PrepareAll() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&profile_, kProfile},       {&conversations_, kConversations},
      {&members_, kMembers},       {&sent_after_, kSentAfter},
      {&erase_, kErase},           {&scrub_preview_, kScrubPreview},
      {&audit_, kAudit},
      {&list_audit_, kListAudit},
      {&release_attachments_, sqlite_attachment_sql::kReleaseRange},
      {&unlink_attachments_, sqlite_attachment_sql::kUnlinkRange},
  };
  for (const auto& [stmt, sql] : all) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, PrepareSqlite(db_.get(), sql));
  }
  return Status::Ok();
}

Result<UserProfile> SqliteUserDataStore::Profile(const std::string& user) {
  sqlite3_stmt* stmt = profile_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, std::string_view(user)));
  if (!has_row) return Status::NotFound("no such user: " + user);
  return UserProfile{ColumnInt64(stmt, 0), ColumnText(stmt, 1),
                     static_cast<int>(ColumnInt64(stmt, 2)), ColumnInt64(stmt, 3)};
}

Result<std::vector<UserConversation>> SqliteUserDataStore::Conversations(
    const std::string& user) {
  std::vector<UserConversation> out;
  {
    sqlite3_stmt* stmt = conversations_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, std::string_view(user)));
    while (has_row) {
      UserConversation c;
      c.id = ColumnInt64(stmt, 0);
      c.kind = static_cast<ConversationKind>(ColumnInt64(stmt, 1));
      c.name = ColumnText(stmt, 2);
      c.role = static_cast<MemberRole>(ColumnInt64(stmt, 3));
      c.joined_at_ms = ColumnInt64(stmt, 4);
      out.push_back(std::move(c));
      MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
    }
  }
  for (UserConversation& c : out) {
    sqlite3_stmt* stmt = members_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, c.id));
    while (has_row) {
      c.members.push_back(ColumnText(stmt, 0));
      MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
    }
  }
  return out;
}

Result<std::vector<StoredMessage>> SqliteUserDataStore::SentAfter(
    const std::string& user, std::pair<int64_t, int64_t> after, int batch) {
  sqlite3_stmt* stmt = sent_after_.get();
  StmtReset reset(stmt);
  std::vector<StoredMessage> out;
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, std::string_view(user), after.first,
                                                    after.second, int64_t{batch}));
  while (has_row) {
    out.push_back(sqlite_chat_sql::ReadMessage(stmt, 0));
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

Status SqliteUserDataStore::ForEachSent(const std::string& user, int batch,
                                        const std::function<Status(const StoredMessage&)>& each) {
  std::pair<int64_t, int64_t> after{0, 0};
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<StoredMessage> page, SentAfter(user, after, batch));
    for (const StoredMessage& m : page) MQCHAT_RETURN_IF_ERROR(each(m));
    if (page.size() < static_cast<size_t>(batch)) return Status::Ok();
    after = {page.back().conversation_id, page.back().seq};
  }
}

Result<int64_t> SqliteUserDataStore::EraseSent(const std::string& user, int64_t now_ms,
                                               int batch) {
  int64_t erased = 0;
  std::pair<int64_t, int64_t> after{0, 0};
  while (true) {
    // Read outside the write transaction; each batch then holds the write lock briefly.
    MQCHAT_ASSIGN_OR_RETURN(std::vector<StoredMessage> page, SentAfter(user, after, batch));
    MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
    std::vector<IndexRange> unindex;
    for (const StoredMessage& m : page) {
      if (!HasText(m)) continue;
      unindex.push_back(IndexRange{m.conversation_id, m.seq - 1, m.seq});
      MQCHAT_RETURN_IF_ERROR(BindAndRun(erase_.get(), m.conversation_id, m.seq, now_ms));
      MQCHAT_RETURN_IF_ERROR(BindAndRun(scrub_preview_.get(), m.conversation_id, m.seq));
      // Its attachment links go with its text (store/attachments.h).
      MQCHAT_RETURN_IF_ERROR(
          BindAndRun(release_attachments_.get(), m.conversation_id, m.seq, m.seq));
      MQCHAT_RETURN_IF_ERROR(
          BindAndRun(unlink_attachments_.get(), m.conversation_id, m.seq, m.seq));
      if (m.kind == EventKind::kMessage) ++erased;
    }
    MQCHAT_RETURN_IF_ERROR(txn.Commit());
    // Then the erased messages' search index entries (an edit's are its target's).
    MQCHAT_RETURN_IF_ERROR(pruner_.Prune(unindex).WithContext("prune search index"));
    if (page.size() < static_cast<size_t>(batch)) return erased;
    after = {page.back().conversation_id, page.back().seq};
  }
}

Status SqliteUserDataStore::Audit(const std::string& actor, const std::string& action,
                                  const std::string& subject, const std::string& detail,
                                  int64_t now_ms) {
  return BindAndRun(audit_.get(), now_ms, std::string_view(actor), std::string_view(action),
                    std::string_view(subject), std::string_view(detail));
}

Result<std::vector<AuditEntry>> SqliteUserDataStore::ListAudit(int64_t after_id, int limit) {
  sqlite3_stmt* stmt = list_audit_.get();
  StmtReset reset(stmt);
  std::vector<AuditEntry> out;
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, after_id, int64_t{limit}));
  while (has_row) {
    out.push_back(AuditEntry{ColumnInt64(stmt, 0), ColumnInt64(stmt, 1), ColumnText(stmt, 2),
                             ColumnText(stmt, 3), ColumnText(stmt, 4), ColumnText(stmt, 5)});
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

}  // namespace mqchat::store
