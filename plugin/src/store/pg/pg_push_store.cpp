#include "store/pg/pg_push_store.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <utility>

#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_push_sql.h"

namespace mqchat::store {
namespace {

namespace sql = pg_push_sql;

// Rows a DELETE/UPDATE without RETURNING touched.
int64_t AffectedRows(const PGresult* res) {
  return std::strtoll(PQcmdTuples(const_cast<PGresult*>(res)), nullptr, 10);
}

}  // namespace

Result<std::vector<PushJob>> ReadPgPushJobs(const PGresult* res) {
  std::vector<PushJob> jobs;
  for (int row = 0; row < PQntuples(res); ++row) {
    PushJob job;
    MQCHAT_ASSIGN_OR_RETURN(job.job_id, PgInt64(res, row, 0));
    job.username = PgText(res, row, 1);
    MQCHAT_ASSIGN_OR_RETURN(job.conversation_id, PgInt64(res, row, 2));
    MQCHAT_ASSIGN_OR_RETURN(job.first_seq, PgInt64(res, row, 3));
    MQCHAT_ASSIGN_OR_RETURN(job.last_seq, PgInt64(res, row, 4));
    MQCHAT_ASSIGN_OR_RETURN(job.count, PgInt64(res, row, 5));
    job.sender = PgText(res, row, 6);
    if (!PgIsNull(res, row, 7)) {
      job.preview_text = PgText(res, row, 7);
    }
    MQCHAT_ASSIGN_OR_RETURN(job.created_at_ms, PgInt64(res, row, 8));
    MQCHAT_ASSIGN_OR_RETURN(job.next_attempt_ms, PgInt64(res, row, 9));
    MQCHAT_ASSIGN_OR_RETURN(int64_t attempts, PgInt64(res, row, 10));
    job.attempts = static_cast<int>(attempts);
    MQCHAT_ASSIGN_OR_RETURN(job.state, PushJobStateFromName(PgText(res, row, 11)));
    job.last_error = PgText(res, row, 12);
    job.mention = PgText(res, row, 13) == "t";
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::unique_ptr<PgPushStore>> PgPushStore::Create(PgConnPtr conn) {
  if (conn == nullptr) {
    return Status::InvalidArgument("PgPushStore needs a connection");
  }
  MQCHAT_ASSIGN_OR_RETURN(
      PgConnection ready,
      PgConnection::Create(std::move(conn), {std::begin(sql::kAll), std::end(sql::kAll)}));
  return std::unique_ptr<PgPushStore>(new PgPushStore(std::move(ready)));
}

Result<PgResultPtr> PgPushStore::Run(const PgStatement& stmt, const PgParams& params) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return Exec(stmt, params);
}

Result<PgResultPtr> PgPushStore::Exec(const PgStatement& stmt, const PgParams& params) {
  return ExecPrepared(conn_.get(), stmt, params);
}

// --- requests ---

Status PgPushStore::RegisterTarget(const PushTarget& t) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr dropped,
      Exec(sql::kDropTokenElsewhere,
           PgParams().Text(t.platform).Text(t.token).Text(t.username).Text(t.device_id)));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr upserted,
                          Exec(sql::kUpsertTarget, PgParams()
                                                       .Text(t.username)
                                                       .Text(t.device_id)
                                                       .Text(t.platform)
                                                       .Text(t.token)
                                                       .Int(t.updated_at_ms)));
  return txn.Commit();
}

Result<bool> PgPushStore::UnregisterTarget(const std::string& username,
                                           const std::string& device_id) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kDeleteTarget, PgParams().Text(username).Text(device_id)));
  return PQntuples(res.get()) > 0;
}

Status PgPushStore::SetMentionPush(const std::string& username, bool on, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, Run(sql::kSetMentionPush,
                           PgParams().Text(username).Text(on ? "true" : "false").Int(now_ms)));
  return Status::Ok();
}

Status PgPushStore::SetPreview(const std::string& username, bool preview, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, Run(sql::kSetPreview,
                           PgParams().Text(username).Text(preview ? "true" : "false").Int(now_ms)));
  return Status::Ok();
}

Status PgPushStore::SetMute(ConversationId id, const std::string& username, int64_t until_ms) {
  if (until_ms == 0) {
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                            Run(sql::kDeleteMute, PgParams().Int(id).Text(username)));
    return Status::Ok();
  }
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kSetMute, PgParams().Int(id).Text(username).Int(until_ms)));
  return Status::Ok();
}

Status PgPushStore::RecordCountsJob(const std::string& username, const std::string& reading_device,
                                    int64_t now_ms, int64_t due_ms, int64_t due_cap_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kUpsertCountsJob,
          PgParams().Text(username).Text(reading_device).Int(now_ms).Int(due_ms).Int(due_cap_ms)));
  return Status::Ok();
}

// --- delivery ---

Result<std::vector<PushJob>> PgPushStore::ClaimDueJobs(int64_t now_ms, int limit,
                                                       int64_t lease_until_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, Run(sql::kClaimDue, PgParams().Int(now_ms).Int(limit).Int(lease_until_ms)));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<PushJob> jobs, ReadPgPushJobs(res.get()));
  // RETURNING yields rows in no particular order.
  std::sort(jobs.begin(), jobs.end(),
            [](const PushJob& a, const PushJob& b) { return a.job_id < b.job_id; });
  return jobs;
}

Result<std::optional<int64_t>> PgPushStore::NextDueMs() {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kNextDue, PgParams()));
  if (PQntuples(res.get()) == 0 || PgIsNull(res.get(), 0, 0)) {
    return std::optional<int64_t>();
  }
  MQCHAT_ASSIGN_OR_RETURN(int64_t due, PgInt64(res.get(), 0, 0));
  return std::optional<int64_t>(due);
}

Result<std::vector<PushTarget>> PgPushStore::TargetsOf(const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kTargetsOf, PgParams().Text(username)));
  std::vector<PushTarget> targets;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    PushTarget t;
    t.username = PgText(res.get(), row, 0);
    t.device_id = PgText(res.get(), row, 1);
    t.platform = PgText(res.get(), row, 2);
    t.token = PgText(res.get(), row, 3);
    MQCHAT_ASSIGN_OR_RETURN(t.updated_at_ms, PgInt64(res.get(), row, 4));
    targets.push_back(std::move(t));
  }
  return targets;
}

Result<bool> PgPushStore::IsMuted(ConversationId id, const std::string& username, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kIsMuted, PgParams().Int(id).Text(username).Int(now_ms)));
  return PQntuples(res.get()) > 0;
}

Result<int64_t> PgPushStore::UnreadTotal(const std::string& username, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kUnreadTotal, PgParams().Text(username).Int(now_ms)));
  if (PQntuples(res.get()) == 0) return int64_t{0};
  return PgInt64(res.get(), 0, 0);
}

Status PgPushStore::RemoveTokens(const std::string& username,
                                 const std::vector<std::string>& tokens) {
  if (tokens.empty()) {
    return Status::Ok();
  }
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kRemoveTokens, PgParams().Text(username).Text(pg_chat_sql::TextArray(tokens))));
  return Status::Ok();
}

Status PgPushStore::RetryJob(int64_t job_id, int attempts, int64_t next_attempt_ms,
                             const std::string& error) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kRetryJob, PgParams().Int(job_id).Int(attempts).Int(next_attempt_ms).Text(error)));
  return Status::Ok();
}

Result<bool> PgPushStore::FinishJob(const PushJob& seen, PushJobState end, const std::string& note,
                                    int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr finished,
                          Exec(sql::kFinishJob, PgParams()
                                                    .Int(seen.job_id)
                                                    .Int(seen.last_seq)
                                                    .Text(PushJobStateName(end))
                                                    .Text(note)
                                                    .Int(now_ms)));
  bool done = true;
  if (PQntuples(finished.get()) == 0) {
    MQCHAT_ASSIGN_OR_RETURN(
        PgResultPtr rebased,
        Exec(sql::kRebaseJob,
             PgParams().Int(seen.job_id).Int(seen.last_seq).Int(seen.count).Int(now_ms)));
    done = PQntuples(rebased.get()) == 0;
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return done;
}

Result<int64_t> PgPushStore::PurgeFinished(int64_t delivered_before_ms, int64_t dead_before_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kPurgeFinished, PgParams().Int(delivered_before_ms).Int(dead_before_ms)));
  return AffectedRows(res.get());
}

// --- inspection ---

Result<std::vector<PushJob>> PgPushStore::ListJobs(const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kListJobs, PgParams().Text(username)));
  return ReadPgPushJobs(res.get());
}

}  // namespace mqchat::store
