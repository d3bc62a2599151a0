#include "store/sqlite/sqlite_push_store.h"

#include <algorithm>
#include <utility>

#include "store/sqlite/sqlite_push_sql.h"

namespace mqchat::store {
namespace {

namespace sql = sqlite_push_sql;

Result<PushJob> ReadJob(sqlite3_stmt* stmt) {
  PushJob job;
  job.job_id = ColumnInt64(stmt, 0);
  job.username = ColumnText(stmt, 1);
  job.conversation_id = ColumnInt64(stmt, 2);
  job.first_seq = ColumnInt64(stmt, 3);
  job.last_seq = ColumnInt64(stmt, 4);
  job.count = ColumnInt64(stmt, 5);
  job.sender = ColumnText(stmt, 6);
  if (sqlite3_column_type(stmt, 7) != SQLITE_NULL) {
    job.preview_text = ColumnText(stmt, 7);
  }
  job.created_at_ms = ColumnInt64(stmt, 8);
  job.next_attempt_ms = ColumnInt64(stmt, 9);
  job.attempts = static_cast<int>(ColumnInt64(stmt, 10));
  MQCHAT_ASSIGN_OR_RETURN(job.state, PushJobStateFromName(ColumnText(stmt, 11)));
  job.last_error = ColumnText(stmt, 12);
  job.mention = ColumnInt64(stmt, 13) != 0;
  return job;
}

// RETURNING yields rows in no particular order.
void SortByJobId(std::vector<PushJob>& jobs) {
  std::sort(jobs.begin(), jobs.end(),
            [](const PushJob& a, const PushJob& b) { return a.job_id < b.job_id; });
}

}  // namespace

Result<std::unique_ptr<SqlitePushStore>> SqlitePushStore::Create(SqliteDbPtr db) {
  if (db == nullptr) {
    return Status::InvalidArgument("SqlitePushStore needs a database");
  }
  std::unique_ptr<SqlitePushStore> store(new SqlitePushStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqlitePushStore::PrepareAll() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&drop_token_elsewhere_, sql::kDropTokenElsewhere},
      {&upsert_target_, sql::kUpsertTarget},
      {&delete_target_, sql::kDeleteTarget},
      {&set_preview_, sql::kSetPreview},
      {&set_mention_push_, sql::kSetMentionPush},
      {&set_mute_, sql::kSetMute},
      {&delete_mute_, sql::kDeleteMute},
      {&upsert_counts_job_, sql::kUpsertCountsJob},
      {&unread_total_, sql::kUnreadTotal},
      {&claim_due_, sql::kClaimDue},
      {&next_due_, sql::kNextDue},
      {&targets_of_, sql::kTargetsOf},
      {&is_muted_, sql::kIsMuted},
      {&remove_token_, sql::kRemoveToken},
      {&retry_job_, sql::kRetryJob},
      {&finish_job_, sql::kFinishJob},
      {&rebase_job_, sql::kRebaseJob},
      {&purge_finished_, sql::kPurgeFinished},
      {&list_jobs_, sql::kListJobs},
  };
  for (const auto& [stmt, text] : all) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, PrepareSqlite(db_.get(), text));
  }
  return Status::Ok();
}

Result<std::vector<PushJob>> SqlitePushStore::ReadJobs(sqlite3_stmt* stmt) {
  std::vector<PushJob> jobs;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) {
      break;
    }
    MQCHAT_ASSIGN_OR_RETURN(PushJob job, ReadJob(stmt));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

// --- requests ---

Status SqlitePushStore::RegisterTarget(const PushTarget& t) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(drop_token_elsewhere_.get(), t.platform, t.token, t.username, t.device_id));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(upsert_target_.get(), t.username, t.device_id, t.platform,
                                    t.token, t.updated_at_ms));
  return txn.Commit();
}

Result<bool> SqlitePushStore::UnregisterTarget(const std::string& username,
                                               const std::string& device_id) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_target_.get(), username, device_id));
  return sqlite3_changes(db_.get()) > 0;
}

Status SqlitePushStore::SetMentionPush(const std::string& username, bool on, int64_t now_ms) {
  return BindAndRun(set_mention_push_.get(), username, static_cast<int64_t>(on ? 1 : 0), now_ms);
}

Status SqlitePushStore::SetPreview(const std::string& username, bool preview, int64_t now_ms) {
  return BindAndRun(set_preview_.get(), username, static_cast<int64_t>(preview ? 1 : 0), now_ms);
}

Status SqlitePushStore::SetMute(ConversationId id, const std::string& username, int64_t until_ms) {
  if (until_ms == 0) {
    return BindAndRun(delete_mute_.get(), id, username);
  }
  return BindAndRun(set_mute_.get(), id, username, until_ms);
}

Status SqlitePushStore::RecordCountsJob(const std::string& username,
                                        const std::string& reading_device, int64_t now_ms,
                                        int64_t due_ms, int64_t due_cap_ms) {
  return BindAndRun(upsert_counts_job_.get(), username, reading_device, now_ms, due_ms,
                    due_cap_ms);
}

// --- delivery ---

Result<std::vector<PushJob>> SqlitePushStore::ClaimDueJobs(int64_t now_ms, int limit,
                                                           int64_t lease_until_ms) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  std::vector<PushJob> jobs;
  {
    sqlite3_stmt* stmt = claim_due_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindAll(stmt, now_ms, static_cast<int64_t>(limit), lease_until_ms));
    MQCHAT_ASSIGN_OR_RETURN(jobs, ReadJobs(stmt));
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  SortByJobId(jobs);
  return jobs;
}

Result<std::optional<int64_t>> SqlitePushStore::NextDueMs() {
  sqlite3_stmt* stmt = next_due_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  if (!has_row || sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(ColumnInt64(stmt, 0));
}

Result<std::vector<PushTarget>> SqlitePushStore::TargetsOf(const std::string& username) {
  sqlite3_stmt* stmt = targets_of_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, username));
  std::vector<PushTarget> targets;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) {
      break;
    }
    PushTarget t;
    t.username = ColumnText(stmt, 0);
    t.device_id = ColumnText(stmt, 1);
    t.platform = ColumnText(stmt, 2);
    t.token = ColumnText(stmt, 3);
    t.updated_at_ms = ColumnInt64(stmt, 4);
    targets.push_back(std::move(t));
  }
  return targets;
}

Result<bool> SqlitePushStore::IsMuted(ConversationId id, const std::string& username,
                                      int64_t now_ms) {
  sqlite3_stmt* stmt = is_muted_.get();
  StmtReset reset(stmt);
  return BindAndStep(stmt, id, username, now_ms);
}

Result<int64_t> SqlitePushStore::UnreadTotal(const std::string& username, int64_t now_ms) {
  sqlite3_stmt* stmt = unread_total_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, username, now_ms));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  return has_row ? ColumnInt64(stmt, 0) : int64_t{0};
}

Status SqlitePushStore::RemoveTokens(const std::string& username,
                                     const std::vector<std::string>& tokens) {
  if (tokens.empty()) {
    return Status::Ok();
  }
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  for (const std::string& token : tokens) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(remove_token_.get(), username, token));
  }
  return txn.Commit();
}

Status SqlitePushStore::RetryJob(int64_t job_id, int attempts, int64_t next_attempt_ms,
                                 const std::string& error) {
  return BindAndRun(retry_job_.get(), job_id, static_cast<int64_t>(attempts), next_attempt_ms,
                    error);
}

Result<bool> SqlitePushStore::FinishJob(const PushJob& seen, PushJobState end,
                                        const std::string& note, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(finish_job_.get(), seen.job_id, seen.last_seq,
                                    PushJobStateName(end), note, now_ms));
  bool finished = true;
  if (sqlite3_changes(db_.get()) == 0) {
    MQCHAT_RETURN_IF_ERROR(
        BindAndRun(rebase_job_.get(), seen.job_id, seen.last_seq, seen.count, now_ms));
    finished = sqlite3_changes(db_.get()) == 0;
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return finished;
}

Result<int64_t> SqlitePushStore::PurgeFinished(int64_t delivered_before_ms,
                                               int64_t dead_before_ms) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(purge_finished_.get(), delivered_before_ms, dead_before_ms));
  return static_cast<int64_t>(sqlite3_changes(db_.get()));
}

// --- inspection ---

Result<std::vector<PushJob>> SqlitePushStore::ListJobs(const std::string& username) {
  sqlite3_stmt* stmt = list_jobs_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, username));
  return ReadJobs(stmt);
}

}  // namespace mqchat::store
