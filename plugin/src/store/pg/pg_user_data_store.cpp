#include "store/pg/pg_user_data_store.h"

#include <iterator>

#include "store/pg/pg_attachment_sql.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_search_sql.h"

namespace mqchat::store {
namespace {

constexpr PgStatement kProfile = {
    "mqchat_userdata_profile",
    "SELECT user_id, username, state, created_at_ms FROM users WHERE username = $1::text"};
constexpr PgStatement kConversations = {
    "mqchat_userdata_conversations",
    "SELECT c.conversation_id, c.kind, c.name, m.role, m.joined_at_ms, "
    "(SELECT string_agg(o.username, E'\\n' ORDER BY o.username) FROM members o "
    "WHERE o.conversation_id = c.conversation_id) FROM members m "
    "JOIN conversations c ON c.conversation_id = m.conversation_id "
    "WHERE m.username = $1::text ORDER BY c.conversation_id"};
// By the primary key's order from a (conversation, seq) position: a walk in short statements.
constexpr PgStatement kSentAfter = {
    "mqchat_userdata_sent_after",
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, "
    "target_seq, edited_at_ms, deleted_at_ms FROM messages WHERE sender = $1::text "
    "AND (conversation_id, seq) > ($2::bigint, $3::bigint) ORDER BY conversation_id, seq "
    "LIMIT $4::bigint"};
// A message becomes a tombstone (deleted now unless before), an edit loses its text.
constexpr PgStatement kErase = {
    "mqchat_userdata_erase",
    "UPDATE messages SET body = '', attachments = '', deleted_at_ms = CASE WHEN kind = 0 AND "
    "deleted_at_ms = 0 THEN $3::bigint ELSE deleted_at_ms END WHERE conversation_id = $1::bigint "
    "AND seq = $2::bigint"};
constexpr PgStatement kScrubPreview = {
    "mqchat_userdata_scrub_preview",
    // With it, the message's attachment links (store/attachments.h).
    "WITH " MQCHAT_PG_RELEASE_ATTACHMENTS("$2::bigint", "$2::bigint")
    " UPDATE push_jobs SET preview_text = NULL WHERE conversation_id = $1::bigint "
    "AND last_seq = $2::bigint AND preview_text IS NOT NULL"};
constexpr PgStatement kAudit = {"mqchat_userdata_audit",
                                "INSERT INTO audit_log (at_ms, actor, action, subject, detail) "
                                "VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text)"};

constexpr PgStatement kListAudit = {
    "mqchat_userdata_list_audit",
    "SELECT audit_id, at_ms, actor, action, subject, detail FROM audit_log "
    "WHERE audit_id > $1::bigint ORDER BY audit_id LIMIT $2::bigint"};

// A row moved from a shard (migration 030): inserted once whatever the number of tries.
constexpr PgStatement kImportAudit = {
    "mqchat_userdata_import_audit",
    "INSERT INTO audit_log (at_ms, actor, action, subject, detail, origin) "
    "VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text) "
    "ON CONFLICT (origin) DO NOTHING"};
constexpr PgStatement kDropAudit = {"mqchat_userdata_drop_audit",
                                    "DELETE FROM audit_log WHERE audit_id <= $1::bigint"};

constexpr const PgStatement* kAllStatements[] = {&kProfile,
                                                 &kConversations,
                                                 &kSentAfter,
                                                 &kErase,
                                                 &kScrubPreview,
                                                 &kAudit,
                                                 &kListAudit,
                                                 &kImportAudit,
                                                 &kDropAudit,
                                                 &pg_search_sql::kLockIndex,
                                                 &pg_search_sql::kPruneRange};

bool HasText(const StoredMessage& m) {
  if (m.kind == EventKind::kMessage) return !m.text.empty() || m.deleted_at_ms == 0;
  return m.kind == EventKind::kEdit && !m.text.empty();
}

}  // namespace

Result<std::unique_ptr<PgUserDataStore>> PgUserDataStore::Create(PgConnPtr conn) {
  if (conn == nullptr) return Status::InvalidArgument("PgUserDataStore needs a connection");
  MQCHAT_ASSIGN_OR_RETURN(PgConnection ready,
                          PgConnection::Create(std::move(conn), {std::begin(kAllStatements),
                                                                 std::end(kAllStatements)}));
  return std::unique_ptr<PgUserDataStore>(new PgUserDataStore(std::move(ready)));
}

Result<PgResultPtr> PgUserDataStore::Run(const PgStatement& stmt, const PgParams& params) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return ExecPrepared(conn_.get(), stmt, params);
}

Result<UserProfile> PgUserDataStore::Profile(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(kProfile, PgParams().Text(user)));
  if (PQntuples(res.get()) == 0) return Status::NotFound("no such user: " + user);
  UserProfile p;
  MQCHAT_ASSIGN_OR_RETURN(p.user_id, PgInt64(res.get(), 0, 0));
  p.username = PgText(res.get(), 0, 1);
  MQCHAT_ASSIGN_OR_RETURN(int64_t state, PgInt64(res.get(), 0, 2));
  p.state = static_cast<int>(state);
  MQCHAT_ASSIGN_OR_RETURN(p.created_at_ms, PgInt64(res.get(), 0, 3));
  return p;
}

Result<std::vector<UserConversation>> PgUserDataStore::Conversations(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(kConversations, PgParams().Text(user)));
  std::vector<UserConversation> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    UserConversation c;
    MQCHAT_ASSIGN_OR_RETURN(c.id, PgInt64(res.get(), row, 0));
    MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(res.get(), row, 1));
    c.kind = static_cast<ConversationKind>(kind);
    c.name = PgText(res.get(), row, 2);
    MQCHAT_ASSIGN_OR_RETURN(int64_t role, PgInt64(res.get(), row, 3));
    c.role = static_cast<MemberRole>(role);
    MQCHAT_ASSIGN_OR_RETURN(c.joined_at_ms, PgInt64(res.get(), row, 4));
    const std::string members = PgText(res.get(), row, 5);  // usernames have no '\n'
    for (size_t start = 0; start < members.size();) {
      size_t end = members.find('\n', start);
      if (end == std::string::npos) end = members.size();
      c.members.push_back(members.substr(start, end - start));
      start = end + 1;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<StoredMessage>> PgUserDataStore::SentAfter(const std::string& user,
                                                              std::pair<int64_t, int64_t> after,
                                                              int batch) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(kSentAfter, PgParams().Text(user).Int(after.first).Int(after.second).Int(batch)));
  std::vector<StoredMessage> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(StoredMessage m, pg_chat_sql::ReadMessage(res.get(), row, 0));
    out.push_back(std::move(m));
  }
  return out;
}

Status PgUserDataStore::ForEachSent(const std::string& user, int batch,
                                    const std::function<Status(const StoredMessage&)>& each) {
  std::pair<int64_t, int64_t> after{0, 0};
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<StoredMessage> page, SentAfter(user, after, batch));
    for (const StoredMessage& m : page) MQCHAT_RETURN_IF_ERROR(each(m));
    if (page.size() < static_cast<size_t>(batch)) return Status::Ok();
    after = {page.back().conversation_id, page.back().seq};
  }
}

Result<int64_t> PgUserDataStore::EraseSent(const std::string& user, int64_t now_ms, int batch) {
  int64_t erased = 0;
  std::pair<int64_t, int64_t> after{0, 0};
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<StoredMessage> page, SentAfter(user, after, batch));
    MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
    for (const StoredMessage& m : page) {
      if (!HasText(m)) continue;
      const PgParams key = PgParams().Int(m.conversation_id).Int(m.seq);
      MQCHAT_RETURN_IF_ERROR(ExecPrepared(conn_.get(), kErase, PgParams(key).Int(now_ms)).status());
      MQCHAT_RETURN_IF_ERROR(ExecPrepared(conn_.get(), kScrubPreview, key).status());
      // Its search index entries (an edit's are its target's), after the erasure and under the
      // conversation's index lock (pg_search_sql.h).
      MQCHAT_RETURN_IF_ERROR(
          ExecPrepared(conn_.get(), pg_search_sql::kLockIndex, PgParams().Int(m.conversation_id))
              .status());
      MQCHAT_RETURN_IF_ERROR(
          ExecPrepared(conn_.get(), pg_search_sql::kPruneRange,
                       PgParams().Int(m.conversation_id).Int(m.seq - 1).Int(m.seq))
              .status());
      if (m.kind == EventKind::kMessage) ++erased;
    }
    MQCHAT_RETURN_IF_ERROR(txn.Commit());
    if (page.size() < static_cast<size_t>(batch)) return erased;
    after = {page.back().conversation_id, page.back().seq};
  }
}

Status PgUserDataStore::Audit(const std::string& actor, const std::string& action,
                              const std::string& subject, const std::string& detail,
                              int64_t now_ms) {
  return Run(kAudit, PgParams().Int(now_ms).Text(actor).Text(action).Text(subject).Text(detail))
      .status();
}

Result<std::vector<AuditEntry>> PgUserDataStore::ListAudit(int64_t after_id, int limit) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(kListAudit, PgParams().Int(after_id).Int(int64_t{limit})));
  const PGresult* r = res.get();
  std::vector<AuditEntry> out;
  for (int row = 0; row < PQntuples(r); ++row) {
    AuditEntry e;
    MQCHAT_ASSIGN_OR_RETURN(e.id, PgInt64(r, row, 0));
    MQCHAT_ASSIGN_OR_RETURN(e.at_ms, PgInt64(r, row, 1));
    e.actor = PgText(r, row, 2);
    e.action = PgText(r, row, 3);
    e.subject = PgText(r, row, 4);
    e.detail = PgText(r, row, 5);
    out.push_back(std::move(e));
  }
  return out;
}

Status PgUserDataStore::ImportAudit(const std::vector<AuditEntry>& rows,
                                    const std::string& origin) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  for (const AuditEntry& e : rows) {
    const std::string key = origin + ":" + std::to_string(e.id) + ":" + std::to_string(e.at_ms);
    MQCHAT_RETURN_IF_ERROR(ExecPrepared(conn_.get(), kImportAudit,
                                        PgParams()
                                            .Int(e.at_ms)
                                            .Text(e.actor)
                                            .Text(e.action)
                                            .Text(e.subject)
                                            .Text(e.detail)
                                            .Text(key))
                               .status());
  }
  return txn.Commit();
}

Status PgUserDataStore::DropAuditThrough(int64_t id) {
  return Run(kDropAudit, PgParams().Int(id)).status();
}

}  // namespace mqchat::store
