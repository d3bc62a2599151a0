// OperatorStore on SQLite (store/operator_store.h). Owns its connection; confined to the thread
// that uses it. Build it through store_factory.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/operator_store.h"
#include "sqlite/sqlite_helpers.h"

namespace mqchat::store {

class SqliteOperatorStore final : public OperatorStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteOperatorStore>> Create(SqliteDbPtr db);

  // OperatorStore
  Result<std::vector<ConversationRow>> ListConversations(ConversationId after, int limit,
                                                         const std::string& member) override;
  Status SetMemberRole(ConversationId id, const std::string& user, MemberRole role,
                       int64_t now_ms) override;
  Result<StoreStats> Stats(int64_t since_ms) override;

 private:
  explicit SqliteOperatorStore(SqliteDbPtr db) : db_(std::move(db)) {}
  Status PrepareAll();

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  SqliteStmtPtr list_;
  SqliteStmtPtr target_;
  SqliteStmtPtr set_role_;
  SqliteStmtPtr bump_;
  SqliteStmtPtr audit_;
  SqliteStmtPtr stats_;
};

}  // namespace mqchat::store
