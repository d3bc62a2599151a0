// UserDataStore on SQLite (store/user_data_store.h). Owns one connection; confined to the
// thread that uses it. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/sqlite/sqlite_search_prune.h"
#include "store/user_data_store.h"

namespace mqchat::store {

class SqliteUserDataStore final : public UserDataStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteUserDataStore>> Create(SqliteDbPtr db);

  // UserDataStore
  Result<UserProfile> Profile(const std::string& user) override;
  Result<std::vector<UserConversation>> Conversations(const std::string& user) override;
  Status ForEachSent(const std::string& user, int batch,
                     const std::function<Status(const StoredMessage&)>& each) override;
  Result<int64_t> EraseSent(const std::string& user, int64_t now_ms, int batch) override;
  Status Audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail, int64_t now_ms) override;
  Result<std::vector<AuditEntry>> ListAudit(int64_t after_id, int limit) override;

 private:
  explicit SqliteUserDataStore(SqliteDbPtr db) : db_(std::move(db)), pruner_(db_.get()) {}
  Status PrepareAll();
  // The next `batch` entries `user` sent after (conversation, seq) `after`.
  Result<std::vector<StoredMessage>> SentAfter(const std::string& user,
                                               std::pair<int64_t, int64_t> after, int batch);

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  // Removes the search index entries of what this store removes (after each commit).
  SqliteSearchPruner pruner_;
  SqliteStmtPtr profile_;
  SqliteStmtPtr conversations_;
  SqliteStmtPtr members_;
  SqliteStmtPtr sent_after_;
  SqliteStmtPtr erase_;
  SqliteStmtPtr scrub_preview_;
  SqliteStmtPtr audit_;
  SqliteStmtPtr list_audit_;
  SqliteStmtPtr release_attachments_;  // sqlite_attachment_sql.h
  SqliteStmtPtr unlink_attachments_;
};

}  // namespace mqchat::store
