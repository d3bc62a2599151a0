#include "store/pg/pg_shard_directory.h"

#include <iterator>
#include <utility>

#include "store/pg/pg_attachment_sql.h"
#include "store/pg/pg_chat_sql.h"

namespace mqchat::store {
namespace {

constexpr PgStatement kFind = {
    "mqchat_shard_find",
    "SELECT shard FROM conversation_shards WHERE conversation_id = $1::bigint"};
// Returns the row as it is after the statement, whether this one inserted it or not.
constexpr PgStatement kClaim = {
    "mqchat_shard_claim",
    "WITH ins AS (INSERT INTO conversation_shards (conversation_id, shard) "
    "VALUES ($1::bigint, $2::integer) ON CONFLICT DO NOTHING RETURNING shard) "
    "SELECT shard FROM ins UNION ALL "
    "SELECT shard FROM conversation_shards WHERE conversation_id = $1::bigint"};
constexpr PgStatement kClaimDirect = {
    "mqchat_shard_claim_direct",
    "WITH ins AS (INSERT INTO conversation_shards (conversation_id, shard, direct_key) "
    "VALUES ($2::bigint, $3::integer, $1::text) ON CONFLICT DO NOTHING "
    "RETURNING conversation_id, shard) "
    "SELECT conversation_id, shard FROM ins UNION ALL "
    "SELECT conversation_id, shard FROM conversation_shards WHERE direct_key = $1::text"};
constexpr PgStatement kMove = {
    "mqchat_shard_move",
    "UPDATE conversation_shards SET shard = $2::integer WHERE conversation_id = $1::bigint"};
constexpr PgStatement kActiveUsers = {"mqchat_shard_active_users",
                                      "SELECT username, created_at_ms FROM users "
                                      "WHERE username = ANY($1::text[]) AND state <> 2"};

// A direct conversation made in the global database before shards were configured.
constexpr PgStatement kGlobalDirect = {
    "mqchat_shard_global_direct",
    "SELECT conversation_id FROM conversations WHERE direct_key = $1::text"};

constexpr const PgStatement* kAll[] = {&kFind,
                                       &kClaim,
                                       &kClaimDirect,
                                       &kMove,
                                       &kActiveUsers,
                                       &kGlobalDirect,
                                       &pg_attachment_sql::kTakeUploads};

}  // namespace

Result<PgShardDirectory> PgShardDirectory::Create(PgConnPtr conn) {
  if (conn == nullptr) return Status::InvalidArgument("PgShardDirectory needs a connection");
  std::vector<const PgStatement*> statements(std::begin(kAll), std::end(kAll));
  MQCHAT_ASSIGN_OR_RETURN(PgConnection ready,
                          PgConnection::Create(std::move(conn), std::move(statements)));
  return PgShardDirectory(std::move(ready));
}

Result<std::optional<int>> PgShardDirectory::Find(ConversationId id) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPrepared(conn_.get(), kFind, PgParams().Int(id)));
  if (PQntuples(res.get()) == 0) return std::optional<int>();
  MQCHAT_ASSIGN_OR_RETURN(int64_t shard, PgInt64(res.get(), 0, 0));
  return std::optional<int>(static_cast<int>(shard));
}

Result<int> PgShardDirectory::Claim(ConversationId id, int shard) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          ExecPrepared(conn_.get(), kClaim, PgParams().Int(id).Int(shard)));
  if (PQntuples(res.get()) == 0) {
    // A racing claim committed after this statement's snapshot: the next statement sees it.
    MQCHAT_ASSIGN_OR_RETURN(res, ExecPrepared(conn_.get(), kClaim, PgParams().Int(id).Int(shard)));
  }
  if (PQntuples(res.get()) == 0) return Status::Unavailable("shard claim raced; retry");
  MQCHAT_ASSIGN_OR_RETURN(int64_t got, PgInt64(res.get(), 0, 0));
  return static_cast<int>(got);
}

Result<PgShardDirectory::Placement> PgShardDirectory::ClaimDirect(const std::string& direct_key,
                                                                  ConversationId new_id,
                                                                  int shard) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  const PgParams params = PgParams().Text(direct_key).Int(new_id).Int(shard);
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPrepared(conn_.get(), kClaimDirect, params));
  if (PQntuples(res.get()) == 0) {
    // A racing claim of the pair committed after this statement's snapshot: the next sees it.
    MQCHAT_ASSIGN_OR_RETURN(res, ExecPrepared(conn_.get(), kClaimDirect, params));
  }
  if (PQntuples(res.get()) == 0) return Status::Unavailable("direct shard claim raced; retry");
  Placement placement;
  MQCHAT_ASSIGN_OR_RETURN(placement.id, PgInt64(res.get(), 0, 0));
  MQCHAT_ASSIGN_OR_RETURN(int64_t got, PgInt64(res.get(), 0, 1));
  placement.shard = static_cast<int>(got);
  return placement;
}

Result<bool> PgShardDirectory::DirectInGlobal(const std::string& direct_key) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          ExecPrepared(conn_.get(), kGlobalDirect, PgParams().Text(direct_key)));
  return PQntuples(res.get()) > 0;
}

Status PgShardDirectory::Move(ConversationId id, int shard) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          ExecPrepared(conn_.get(), kMove, PgParams().Int(id).Int(shard)));
  return Status::Ok();
}

Result<std::vector<ChatStore::NewUser>> PgShardDirectory::ActiveUsers(
    const std::vector<std::string>& names) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      ExecPrepared(conn_.get(), kActiveUsers, PgParams().Text(pg_chat_sql::TextArray(names))));
  std::vector<ChatStore::NewUser> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    ChatStore::NewUser user;
    user.username = PgText(res.get(), row, 0);
    MQCHAT_ASSIGN_OR_RETURN(user.now_ms, PgInt64(res.get(), row, 1));
    out.push_back(std::move(user));
  }
  return out;
}

Result<std::string> PgShardDirectory::TakeUploads(const std::vector<std::string>& ids,
                                                  const std::vector<std::string>& owners,
                                                  int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          ExecPrepared(conn_.get(), pg_attachment_sql::kTakeUploads,
                                       PgParams()
                                           .Text(pg_chat_sql::TextArray(ids))
                                           .Text(pg_chat_sql::TextArray(owners))
                                           .Int(now_ms)));
  return PgText(res.get(), 0, 0);
}

}  // namespace mqchat::store
