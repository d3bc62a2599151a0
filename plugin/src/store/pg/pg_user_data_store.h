// UserDataStore on PostgreSQL (store/user_data_store.h). Owns one connection (reconnected by
// PgConnection); confined to the thread that uses it. Build it through store_factory.h.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/user_data_store.h"

namespace mqchat::store {

class PgUserDataStore final : public UserDataStore {
 public:
  // Prepares every statement on `conn`, which must already be at the newest schema.
  static Result<std::unique_ptr<PgUserDataStore>> Create(PgConnPtr conn);

  // UserDataStore
  Result<UserProfile> Profile(const std::string& user) override;
  Result<std::vector<UserConversation>> Conversations(const std::string& user) override;
  Status ForEachSent(const std::string& user, int batch,
                     const std::function<Status(const StoredMessage&)>& each) override;
  Result<int64_t> EraseSent(const std::string& user, int64_t now_ms, int batch) override;
  Status Audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail, int64_t now_ms) override;
  Result<std::vector<AuditEntry>> ListAudit(int64_t after_id, int limit) override;

  // A store with shards (migration 030; store/sharded_user_data_store.h): `rows`, audit rows
  // of database `origin` ("shard N"), appended here unless appended before (by their id and
  // time there), in one transaction; and, on the shard, its rows up to `id` deleted once moved.
  Status ImportAudit(const std::vector<AuditEntry>& rows, const std::string& origin);
  Status DropAuditThrough(int64_t id);

 private:
  explicit PgUserDataStore(PgConnection conn) : conn_(std::move(conn)) {}
  Result<PgResultPtr> Run(const PgStatement& stmt, const PgParams& params);
  // The next `batch` entries `user` sent after (conversation, seq) `after`.
  Result<std::vector<StoredMessage>> SentAfter(const std::string& user,
                                               std::pair<int64_t, int64_t> after, int batch);

  PgConnection conn_;
};

}  // namespace mqchat::store
