// RetentionStore on PostgreSQL (store/retention_store.h). Owns one connection (reconnected by
// PgConnection); confined to the thread that uses it. Build it through store_factory.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/retention_store.h"

namespace mqchat::store {

class PgRetentionStore final : public RetentionStore {
 public:
  // Prepares every statement on `conn`, which must already be at the newest schema.
  static Result<std::unique_ptr<PgRetentionStore>> Create(PgConnPtr conn);

  // RetentionStore
  Status SetRetention(ConversationId id, const std::string& actor, std::optional<int64_t> days,
                      int64_t now_ms) override;
  Status SetSlowMode(ConversationId id, const std::string& actor, int64_t seconds,
                     int64_t now_ms) override;
  Result<RetentionSetting> GetRetention(ConversationId id) override;
  Result<std::vector<RetentionSetting>> ListRetention(ConversationId after, int limit) override;
  Result<ExpiredBatch> ExpireBatch(ConversationId id, int64_t cutoff_ms, int limit) override;
  Result<int64_t> PurgeResendKeys(int64_t cutoff_ms, int limit) override;

 private:
  explicit PgRetentionStore(PgConnection conn) : conn_(std::move(conn)) {}
  Result<PgResultPtr> Exec(const PgStatement& stmt, const PgParams& params) {
    return ExecPrepared(conn_.get(), stmt, params);
  }
  // Whether `actor` may set conversation `id`'s `what` (inside the caller's transaction).
  Status CheckActor(ConversationId id, const std::string& actor, const std::string& what);

  PgConnection conn_;
};

}  // namespace mqchat::store
