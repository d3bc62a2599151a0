#include "store/sqlite/sqlite_operator_store.h"

#include <utility>

#include "store/operator_sql.h"
#include "store/retention_store.h"  // kOperatorActor

namespace mqchat::store {

namespace sql = operator_sql;

Result<std::unique_ptr<SqliteOperatorStore>> SqliteOperatorStore::Create(SqliteDbPtr db) {
  if (db == nullptr) return Status::InvalidArgument("SqliteOperatorStore needs a database");
  std::unique_ptr<SqliteOperatorStore> store(new SqliteOperatorStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteOperatorStore::PrepareAll() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&list_, sql::kList},  {&target_, sql::kTarget}, {&set_role_, sql::kSetRole},
      {&bump_, sql::kBump},  {&audit_, sql::kAudit},   {&stats_, sql::kStats},
  };
  for (const auto& entry : all) {
    MQCHAT_ASSIGN_OR_RETURN(*entry.first, PrepareSqlite(db_.get(), entry.second));
  }
  return Status::Ok();
}

Result<std::vector<ConversationRow>> SqliteOperatorStore::ListConversations(
    ConversationId after, int limit, const std::string& member) {
  sqlite3_stmt* stmt = list_.get();
  StmtReset reset(stmt);
  std::vector<ConversationRow> out;
  MQCHAT_ASSIGN_OR_RETURN(bool has_row,
                          BindAndStep(stmt, after, std::string_view(member), int64_t{limit}));
  while (has_row) {
    ConversationRow row;
    row.id = ColumnInt64(stmt, 0);
    row.shape = ColumnInt64(stmt, 7) != 0 ? ConversationShape::kChannel
                : ColumnInt64(stmt, 1) == static_cast<int64_t>(ConversationKind::kDirect)
                    ? ConversationShape::kDirect
                    : ConversationShape::kGroup;
    row.name = ColumnText(stmt, 2);
    row.members = ColumnInt64(stmt, 3);
    row.last_seq = ColumnInt64(stmt, 4);
    row.last_activity_ms = ColumnInt64(stmt, 5);
    row.created_at_ms = ColumnInt64(stmt, 6);
    out.push_back(std::move(row));
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

Status SqliteOperatorStore::SetMemberRole(ConversationId id, const std::string& user,
                                          MemberRole role, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  RoleTarget target;
  {
    sqlite3_stmt* stmt = target_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, std::string_view(user)));
    if (has_row) {
      target.conversation_exists = true;
      target.kind = ColumnInt64(stmt, 0);
      target.channel = ColumnInt64(stmt, 1) != 0;
      target.member = sqlite3_column_type(stmt, 2) != SQLITE_NULL;
      target.role = ColumnInt64(stmt, 2);
    }
  }
  MQCHAT_RETURN_IF_ERROR(CheckRoleChange(target, id, user, role));
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(set_role_.get(), id, std::string_view(user), static_cast<int64_t>(role)));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(bump_.get(), id));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(audit_.get(), now_ms, std::string_view(kOperatorActor),
                                    std::string_view(RoleChangeAction(role)),
                                    std::string_view(std::to_string(id)),
                                    std::string_view(user)));
  return txn.Commit();
}

Result<StoreStats> SqliteOperatorStore::Stats(int64_t since_ms) {
  sqlite3_stmt* stmt = stats_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, since_ms));
  if (!has_row) return Status::Internal("the stats query returned no row");
  StoreStats s;
  int64_t* fields[] = {&s.users_active, &s.users_disabled, &s.users_deleted,
                       &s.direct_conversations, &s.groups, &s.channels, &s.messages,
                       &s.messages_since, &s.open_reports};
  for (int i = 0; i < static_cast<int>(std::size(fields)); ++i) *fields[i] = ColumnInt64(stmt, i);
  return s;
}

}  // namespace mqchat::store
