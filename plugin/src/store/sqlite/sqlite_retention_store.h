// RetentionStore on SQLite (store/retention_store.h). Owns one connection; confined to the
// thread that uses it. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/retention_store.h"
#include "store/sqlite/sqlite_search_prune.h"

namespace mqchat::store {

class SqliteRetentionStore final : public RetentionStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteRetentionStore>> Create(SqliteDbPtr db);

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
  explicit SqliteRetentionStore(SqliteDbPtr db) : db_(std::move(db)), pruner_(db_.get()) {}
  Status PrepareAll();
  // Whether `actor` may set conversation `id`'s `what` (inside the caller's transaction).
  Status CheckActor(ConversationId id, const std::string& actor, const std::string& what);

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  // Removes the search index entries of what this store removes (after each commit).
  SqliteSearchPruner pruner_;
  SqliteStmtPtr access_;
  SqliteStmtPtr set_;
  SqliteStmtPtr set_slow_mode_;
  SqliteStmtPtr get_;
  SqliteStmtPtr list_;
  SqliteStmtPtr oldest_;
  SqliteStmtPtr purge_resend_keys_;
  SqliteStmtPtr raise_;
  SqliteStmtPtr delete_messages_;
  SqliteStmtPtr delete_reactions_;
  SqliteStmtPtr release_attachments_;  // sqlite_attachment_sql.h
  SqliteStmtPtr unlink_attachments_;
  SqliteStmtPtr audit_;
};

}  // namespace mqchat::store
