#include "store/pg/pg_operator_store.h"

#include <iterator>
#include <string>
#include <utility>

#include "store/operator_sql.h"
#include "store/retention_store.h"  // kOperatorActor

namespace mqchat::store {
namespace {

// operator_sql.h's text with $N for ?N, made once and kept for the process (PgStatement holds
// pointers to it).
const char* PgText(const char* sqlite_sql) {
  return (new std::string(PgPlaceholders(sqlite_sql)))->c_str();
}

struct Statements {
  PgStatement list{"mqchat_operator_list", PgText(operator_sql::kList)};
  PgStatement target{"mqchat_operator_target", PgText(operator_sql::kTarget)};
  PgStatement set_role{"mqchat_operator_set_role", PgText(operator_sql::kSetRole)};
  PgStatement bump{"mqchat_operator_bump", PgText(operator_sql::kBump)};
  PgStatement audit{"mqchat_operator_audit", PgText(operator_sql::kAudit)};
  PgStatement stats{"mqchat_operator_stats", PgText(operator_sql::kStats)};
};

const Statements& Sql() {
  static const Statements* statements = new Statements();
  return *statements;
}

}  // namespace

Result<std::unique_ptr<PgOperatorStore>> PgOperatorStore::Create(PgConnPtr conn) {
  if (conn == nullptr) return Status::InvalidArgument("PgOperatorStore needs a connection");
  const Statements& s = Sql();
  MQCHAT_ASSIGN_OR_RETURN(
      PgConnection ready,
      PgConnection::Create(std::move(conn), {&s.list, &s.target, &s.set_role, &s.bump, &s.audit,
                                             &s.stats}));
  return std::unique_ptr<PgOperatorStore>(new PgOperatorStore(std::move(ready)));
}

Result<std::vector<ConversationRow>> PgOperatorStore::ListConversations(
    ConversationId after, int limit, const std::string& member) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Exec(Sql().list, PgParams().Int(after).Text(member).Int(limit)));
  std::vector<ConversationRow> out;
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    ConversationRow row;
    int64_t kind = 0, channel = 0;
    MQCHAT_ASSIGN_OR_RETURN(row.id, PgInt64(res.get(), r, 0));
    MQCHAT_ASSIGN_OR_RETURN(kind, PgInt64(res.get(), r, 1));
    row.name = PQgetvalue(res.get(), r, 2);
    MQCHAT_ASSIGN_OR_RETURN(row.members, PgInt64(res.get(), r, 3));
    MQCHAT_ASSIGN_OR_RETURN(row.last_seq, PgInt64(res.get(), r, 4));
    MQCHAT_ASSIGN_OR_RETURN(row.last_activity_ms, PgInt64(res.get(), r, 5));
    MQCHAT_ASSIGN_OR_RETURN(row.created_at_ms, PgInt64(res.get(), r, 6));
    MQCHAT_ASSIGN_OR_RETURN(channel, PgInt64(res.get(), r, 7));
    row.shape = channel != 0 ? ConversationShape::kChannel
                : kind == static_cast<int64_t>(ConversationKind::kDirect)
                    ? ConversationShape::kDirect
                    : ConversationShape::kGroup;
    out.push_back(std::move(row));
  }
  return out;
}

Status PgOperatorStore::SetMemberRole(ConversationId id, const std::string& user,
                                      MemberRole role, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Exec(Sql().target, PgParams().Int(id).Text(user)));
  RoleTarget target;
  if (PQntuples(res.get()) > 0) {
    target.conversation_exists = true;
    MQCHAT_ASSIGN_OR_RETURN(target.kind, PgInt64(res.get(), 0, 0));
    MQCHAT_ASSIGN_OR_RETURN(int64_t channel, PgInt64(res.get(), 0, 1));
    target.channel = channel != 0;
    target.member = !PgIsNull(res.get(), 0, 2);
    if (target.member) {
      MQCHAT_ASSIGN_OR_RETURN(target.role, PgInt64(res.get(), 0, 2));
    }
  }
  MQCHAT_RETURN_IF_ERROR(CheckRoleChange(target, id, user, role));
  MQCHAT_RETURN_IF_ERROR(
      Exec(Sql().set_role, PgParams().Int(id).Text(user).Int(static_cast<int64_t>(role)))
          .status());
  MQCHAT_RETURN_IF_ERROR(Exec(Sql().bump, PgParams().Int(id)).status());
  MQCHAT_RETURN_IF_ERROR(Exec(Sql().audit, PgParams()
                                               .Int(now_ms)
                                               .Text(kOperatorActor)
                                               .Text(RoleChangeAction(role))
                                               .Text(std::to_string(id))
                                               .Text(user))
                             .status());
  return txn.Commit();
}

Result<StoreStats> PgOperatorStore::Stats(int64_t since_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Exec(Sql().stats, PgParams().Int(since_ms)));
  if (PQntuples(res.get()) != 1) return Status::Internal("the stats query returned no row");
  StoreStats s;
  int64_t* fields[] = {&s.users_active, &s.users_disabled, &s.users_deleted,
                       &s.direct_conversations, &s.groups, &s.channels, &s.messages,
                       &s.messages_since, &s.open_reports};
  for (int i = 0; i < static_cast<int>(std::size(fields)); ++i) {
    MQCHAT_ASSIGN_OR_RETURN(*fields[i], PgInt64(res.get(), 0, i));
  }
  return s;
}

}  // namespace mqchat::store
