// PushStore on SQLite (store/push_store.h). Owns one connection; confined to the thread that
// uses it. Writes run in BEGIN IMMEDIATE, so they serialize with the writer's AppendBatch (which
// creates and folds jobs). Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/push_store.h"

namespace mqchat::store {

class SqlitePushStore final : public PushStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqlitePushStore>> Create(SqliteDbPtr db);

  // PushStore
  Status RegisterTarget(const PushTarget& target) override;
  Result<bool> UnregisterTarget(const std::string& username, const std::string& device_id) override;
  Status SetPreview(const std::string& username, bool preview, int64_t now_ms) override;
  Status SetMentionPush(const std::string& username, bool on, int64_t now_ms) override;
  Status SetMute(ConversationId id, const std::string& username, int64_t until_ms) override;
  Status RecordCountsJob(const std::string& username, const std::string& reading_device,
                         int64_t now_ms, int64_t due_ms, int64_t due_cap_ms) override;
  Result<std::vector<PushJob>> ClaimDueJobs(int64_t now_ms, int limit,
                                            int64_t lease_until_ms) override;
  Result<std::optional<int64_t>> NextDueMs() override;
  Result<std::vector<PushTarget>> TargetsOf(const std::string& username) override;
  Result<bool> IsMuted(ConversationId id, const std::string& username, int64_t now_ms) override;
  Result<int64_t> UnreadTotal(const std::string& username, int64_t now_ms) override;
  Status RemoveTokens(const std::string& username, const std::vector<std::string>& tokens) override;
  Status RetryJob(int64_t job_id, int attempts, int64_t next_attempt_ms,
                  const std::string& error) override;
  Result<bool> FinishJob(const PushJob& seen, PushJobState end, const std::string& note,
                         int64_t now_ms) override;
  Result<int64_t> PurgeFinished(int64_t delivered_before_ms, int64_t dead_before_ms) override;
  Result<std::vector<PushJob>> ListJobs(const std::string& username) override;

 private:
  explicit SqlitePushStore(SqliteDbPtr db) : db_(std::move(db)) {}
  Status PrepareAll();
  // Steps `stmt` (bound by the caller) to the end, reading every row as a job.
  Result<std::vector<PushJob>> ReadJobs(sqlite3_stmt* stmt);

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  SqliteStmtPtr drop_token_elsewhere_;
  SqliteStmtPtr upsert_target_;
  SqliteStmtPtr delete_target_;
  SqliteStmtPtr set_preview_;
  SqliteStmtPtr set_mention_push_;
  SqliteStmtPtr set_mute_;
  SqliteStmtPtr delete_mute_;
  SqliteStmtPtr upsert_counts_job_;
  SqliteStmtPtr unread_total_;
  SqliteStmtPtr claim_due_;
  SqliteStmtPtr next_due_;
  SqliteStmtPtr targets_of_;
  SqliteStmtPtr is_muted_;
  SqliteStmtPtr remove_token_;
  SqliteStmtPtr retry_job_;
  SqliteStmtPtr finish_job_;
  SqliteStmtPtr rebase_job_;
  SqliteStmtPtr purge_finished_;
  SqliteStmtPtr list_jobs_;
};

}  // namespace mqchat::store
