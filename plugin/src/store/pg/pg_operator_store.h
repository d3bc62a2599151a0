// OperatorStore on PostgreSQL (store/operator_store.h). Owns one connection (reconnected by
// PgConnection); confined to the thread that uses it. Build it through store_factory.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/operator_store.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store {

class PgOperatorStore final : public OperatorStore {
 public:
  // Prepares every statement on `conn`, which must already be at the newest schema.
  static Result<std::unique_ptr<PgOperatorStore>> Create(PgConnPtr conn);

  // OperatorStore
  Result<std::vector<ConversationRow>> ListConversations(ConversationId after, int limit,
                                                         const std::string& member) override;
  Status SetMemberRole(ConversationId id, const std::string& user, MemberRole role,
                       int64_t now_ms) override;
  Result<StoreStats> Stats(int64_t since_ms) override;

 private:
  explicit PgOperatorStore(PgConnection conn) : conn_(std::move(conn)) {}
  Result<PgResultPtr> Exec(const PgStatement& stmt, const PgParams& params) {
    return ExecPrepared(conn_.get(), stmt, params);
  }

  PgConnection conn_;
};

}  // namespace mqchat::store
