#include "store/pg/pg_retention_store.h"

#include <iterator>
#include <utility>

#include "store/pg/pg_attachment_sql.h"
#include "store/pg/pg_search_sql.h"

namespace mqchat::store {
namespace {

// The conversation's kind and the actor's role in it (NULL: not a member).
constexpr PgStatement kAccess = {
    "mqchat_retention_access",
    "SELECT c.kind, m.role FROM conversations c LEFT JOIN members m "
    "ON m.conversation_id = c.conversation_id AND m.username = $2::text "
    "WHERE c.conversation_id = $1::bigint"};
constexpr PgStatement kSet = {
    "mqchat_retention_set",
    "UPDATE conversations SET retention_days = $2::integer WHERE conversation_id = $1::bigint"};
// Slow mode raises members_version: every broker's cached members (and setting) reload.
constexpr PgStatement kSetSlowMode = {
    "mqchat_retention_set_slow_mode",
    "UPDATE conversations SET slow_mode_s = $2::integer, members_version = members_version + 1 "
    "WHERE conversation_id = $1::bigint"};
constexpr PgStatement kGet = {
    "mqchat_retention_get",
    "SELECT conversation_id, retention_days, expired_through_seq FROM conversations "
    "WHERE conversation_id = $1::bigint"};
constexpr PgStatement kList = {
    "mqchat_retention_list",
    "SELECT conversation_id, retention_days, expired_through_seq FROM conversations "
    "WHERE conversation_id > $1::bigint ORDER BY conversation_id LIMIT $2::bigint"};
// The oldest entries after the expired range (the primary key's range).
constexpr PgStatement kOldest = {
    "mqchat_retention_oldest",
    "SELECT seq, created_at_ms FROM messages WHERE conversation_id = $1::bigint "
    "AND seq > $2::bigint ORDER BY seq LIMIT $3::bigint"};
// Raises the marker only from the value read: another sweeper's batch in between wins. Takes
// the conversation row's lock first, as AppendBatch does, so the two never deadlock.
constexpr PgStatement kRaise = {
    "mqchat_retention_raise",
    "UPDATE conversations SET expired_through_seq = $3::bigint "
    "WHERE conversation_id = $1::bigint AND expired_through_seq = $2::bigint "
    "RETURNING conversation_id"};
constexpr PgStatement kDeleteMessages = {
    "mqchat_retention_delete_messages",
    "DELETE FROM messages WHERE conversation_id = $1::bigint AND seq > $2::bigint "
    "AND seq <= $3::bigint"};
constexpr PgStatement kDeleteReactions = {
    "mqchat_retention_delete_reactions",
    // With them, the range's attachment links (store/attachments.h).
    "WITH " MQCHAT_PG_RELEASE_ATTACHMENTS("$2::bigint + 1", "$3::bigint")
    " DELETE FROM reactions WHERE conversation_id = $1::bigint AND seq > $2::bigint "
    "AND seq <= $3::bigint"};
// The oldest resend keys (recent_sends_created_idx), by their tuple ids: PostgreSQL's DELETE
// has no LIMIT. A key a send took over meanwhile has a new tuple and a new time: kept.
constexpr PgStatement kPurgeResendKeys = {
    "mqchat_retention_purge_resend_keys",
    "DELETE FROM recent_sends WHERE ctid = ANY(ARRAY(SELECT ctid FROM recent_sends "
    "WHERE created_at_ms < $1::bigint ORDER BY created_at_ms LIMIT $2::bigint)) "
    "AND created_at_ms < $1::bigint"};
constexpr PgStatement kAudit = {"mqchat_retention_audit",
                                "INSERT INTO audit_log (at_ms, actor, action, subject, detail) "
                                "VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text)"};

constexpr const PgStatement* kAllStatements[] = {&kAccess,
                                                 &kSet,
                                                 &kSetSlowMode,
                                                 &kGet,
                                                 &kList,
                                                 &kOldest,
                                                 &kRaise,
                                                 &kDeleteMessages,
                                                 &kDeleteReactions,
                                                 &kAudit,
                                                 &kPurgeResendKeys,
                                                 &pg_search_sql::kLockIndex,
                                                 &pg_search_sql::kPruneRange};

Result<RetentionSetting> ReadSetting(const PGresult* res, int row) {
  RetentionSetting s;
  MQCHAT_ASSIGN_OR_RETURN(s.id, PgInt64(res, row, 0));
  if (!PgIsNull(res, row, 1)) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t days, PgInt64(res, row, 1));
    s.days = days;
  }
  MQCHAT_ASSIGN_OR_RETURN(s.expired_through_seq, PgInt64(res, row, 2));
  return s;
}

}  // namespace

Result<std::unique_ptr<PgRetentionStore>> PgRetentionStore::Create(PgConnPtr conn) {
  if (conn == nullptr) return Status::InvalidArgument("PgRetentionStore needs a connection");
  MQCHAT_ASSIGN_OR_RETURN(PgConnection ready,
                          PgConnection::Create(std::move(conn), {std::begin(kAllStatements),
                                                                 std::end(kAllStatements)}));
  return std::unique_ptr<PgRetentionStore>(new PgRetentionStore(std::move(ready)));
}

Status PgRetentionStore::CheckActor(ConversationId id, const std::string& actor,
                                    const std::string& what) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Exec(kAccess, PgParams().Int(id).Text(actor)));
  const std::string missing = "no conversation " + std::to_string(id);
  if (PQntuples(res.get()) == 0) return Status::NotFound(missing);
  if (actor == kOperatorActor) return Status::Ok();
  if (PgIsNull(res.get(), 0, 1)) return Status::NotFound(missing);
  MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(res.get(), 0, 0));
  MQCHAT_ASSIGN_OR_RETURN(int64_t role, PgInt64(res.get(), 0, 1));
  if (kind == static_cast<int64_t>(ConversationKind::kDirect) ||
      role < static_cast<int64_t>(MemberRole::kAdmin)) {
    return Status::PermissionDenied("only a group's owner or admins set its " + what);
  }
  return Status::Ok();
}

Status PgRetentionStore::SetRetention(ConversationId id, const std::string& actor,
                                      std::optional<int64_t> days, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_RETURN_IF_ERROR(CheckActor(id, actor, "retention"));
  PgParams set;
  set.Int(id);
  if (days) {
    set.Int(*days);
  } else {
    set.Null();
  }
  MQCHAT_RETURN_IF_ERROR(Exec(kSet, set).status());
  const std::string detail = days ? std::to_string(*days) + " days" : "server default";
  MQCHAT_RETURN_IF_ERROR(Exec(kAudit, PgParams()
                                          .Int(now_ms)
                                          .Text(actor)
                                          .Text("retention")
                                          .Text(std::to_string(id))
                                          .Text(detail))
                             .status());
  return txn.Commit();
}

Status PgRetentionStore::SetSlowMode(ConversationId id, const std::string& actor, int64_t seconds,
                                     int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_RETURN_IF_ERROR(CheckActor(id, actor, "slow mode"));
  MQCHAT_RETURN_IF_ERROR(Exec(kSetSlowMode, PgParams().Int(id).Int(seconds)).status());
  MQCHAT_RETURN_IF_ERROR(Exec(kAudit, PgParams()
                                          .Int(now_ms)
                                          .Text(actor)
                                          .Text("slow_mode")
                                          .Text(std::to_string(id))
                                          .Text(std::to_string(seconds) + " s"))
                             .status());
  return txn.Commit();
}

Result<RetentionSetting> PgRetentionStore::GetRetention(ConversationId id) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Exec(kGet, PgParams().Int(id)));
  if (PQntuples(res.get()) == 0) return Status::NotFound("no conversation " + std::to_string(id));
  return ReadSetting(res.get(), 0);
}

Result<std::vector<RetentionSetting>> PgRetentionStore::ListRetention(ConversationId after,
                                                                      int limit) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Exec(kList, PgParams().Int(after).Int(limit)));
  std::vector<RetentionSetting> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(RetentionSetting s, ReadSetting(res.get(), row));
    out.push_back(s);
  }
  return out;
}

Result<ExpiredBatch> PgRetentionStore::ExpireBatch(ConversationId id, int64_t cutoff_ms,
                                                   int limit) {
  MQCHAT_ASSIGN_OR_RETURN(RetentionSetting setting, GetRetention(id));
  ExpiredBatch batch;
  batch.from_seq = batch.through_seq = setting.expired_through_seq;
  {  // Read outside the transaction: no row lock is held during the scan.
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                            Exec(kOldest, PgParams().Int(id).Int(batch.from_seq).Int(limit)));
    for (int row = 0; row < PQntuples(res.get()); ++row) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t created, PgInt64(res.get(), row, 1));
      if (created >= cutoff_ms) break;
      MQCHAT_ASSIGN_OR_RETURN(batch.through_seq, PgInt64(res.get(), row, 0));
      ++batch.removed;
    }
  }
  if (batch.removed == 0) return batch;
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  const PgParams range = PgParams().Int(id).Int(batch.from_seq).Int(batch.through_seq);
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr raised, Exec(kRaise, range));
  if (PQntuples(raised.get()) == 0) return ExpiredBatch{batch.from_seq, batch.from_seq, 0};
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr deleted, Exec(kDeleteMessages, range));
  batch.removed = std::stoll(PQcmdTuples(deleted.get()));
  MQCHAT_RETURN_IF_ERROR(Exec(kDeleteReactions, range).status());
  // Their search index entries, in the same transaction, after the messages and under the
  // conversation's index lock (pg_search_sql.h).
  MQCHAT_RETURN_IF_ERROR(Exec(pg_search_sql::kLockIndex, PgParams().Int(id)).status());
  MQCHAT_RETURN_IF_ERROR(Exec(pg_search_sql::kPruneRange, range).status());
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return batch;
}

Result<int64_t> PgRetentionStore::PurgeResendKeys(int64_t cutoff_ms, int limit) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr deleted,
                          Exec(kPurgeResendKeys, PgParams().Int(cutoff_ms).Int(limit)));
  return int64_t{std::stoll(PQcmdTuples(deleted.get()))};
}

}  // namespace mqchat::store
