// PushStore on PostgreSQL (store/push_store.h). Owns one connection; confined to the thread that
// uses it. Several brokers may share the job queue: ClaimDueJobs hands each job to one of them.
// Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/push_store.h"

namespace mqchat::store {

class PgPushStore final : public PushStore {
 public:
  // Prepares every statement on `conn`, whose database must already be at the newest schema.
  // A lost connection fails the call with kUnavailable; the next call reconnects first.
  static Result<std::unique_ptr<PgPushStore>> Create(PgConnPtr conn);

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
  explicit PgPushStore(PgConnection conn) : conn_(std::move(conn)) {}
  // conn_.EnsureReady(), then runs the prepared statement.
  Result<PgResultPtr> Run(const PgStatement& stmt, const PgParams& params);
  // Runs the prepared statement as is (inside a transaction begun after conn_.EnsureReady()).
  Result<PgResultPtr> Exec(const PgStatement& stmt, const PgParams& params);

  PgConnection conn_;
};

// The job rows of `res` (columns as pg_push_sql's job column list).
Result<std::vector<PushJob>> ReadPgPushJobs(const PGresult* res);

}  // namespace mqchat::store
