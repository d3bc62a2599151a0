// PgChatStore as NewConversationSql: the SQL that OpenDirectSteps and CreateGroupSteps
// (store/new_conversation_steps.h) run for OpenDirect and CreateGroup.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_notices.h"
#include "store/new_conversation_steps.h"

namespace mqchat::store {
namespace {
namespace sql = pg_chat_sql;
}  // namespace

Result<std::unique_ptr<WriteTxn>> PgChatStore::BeginWrite() {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  return std::unique_ptr<WriteTxn>(new WriteTxnOf<PgTxn>(std::move(txn)));
}

Result<std::vector<std::string>> PgChatStore::FindMissingUsers(
    const std::vector<std::string>& users) {
  // Only `exists` matters here; the roles are looked up in conversation 0, which never exists.
  MQCHAT_ASSIGN_OR_RETURN(std::vector<Person> people, LookupPeople(0, users));
  std::vector<std::string> missing;
  for (const Person& person : people) {
    if (!person.exists) {
      missing.push_back(person.username);
    }
  }
  return missing;
}

Result<bool> PgChatStore::InsertDirect(ConversationId id, const std::string& direct_key,
                                       const std::string& created_by, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr inserted,
      Run(sql::kInsertDirect, PgParams().Int(id).Text(direct_key).Text(created_by).Int(now_ms)));
  return PQntuples(inserted.get()) == 1;
}

Result<ConversationId> PgChatStore::FindDirect(const std::string& direct_key,
                                               const std::string& what) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr found, Run(sql::kFindDirect, PgParams().Text(direct_key)));
  if (PQntuples(found.get()) != 1) {
    return Status::Internal(what);
  }
  return PgInt64(found.get(), 0, 0);
}

Status PgChatStore::InsertGroup(ConversationId id, const std::string& name, int64_t member_count,
                                const std::string& owner, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr created,
      Run(sql::kInsertGroup,
          PgParams().Int(id).Text(name).Int(member_count).Text(owner).Int(now_ms)));
  return Status::Ok();
}

Status PgChatStore::InsertMembers(ConversationId id, const std::vector<std::string>& users,
                                  const std::string* owner, int64_t now_ms) {
  PgParams params;
  params.Int(id).Text(sql::TextArray(users));
  if (owner != nullptr) {
    params.Text(*owner);
  } else {
    params.Null();
  }
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr added, Run(sql::kInsertMembers, params.Int(now_ms)));
  return Status::Ok();
}

Status PgChatStore::InsertNotices(const std::vector<BrokerNotice>& notices) {
  return InsertNoticesPg(conn_.get(), notices);
}

}  // namespace mqchat::store
