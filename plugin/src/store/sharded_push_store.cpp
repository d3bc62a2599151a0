#include "store/sharded_push_store.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace mqchat::store {
namespace {

// A shard's job ids carry (shard + 1) above this bit; the global database's are unchanged.
constexpr int kHomeShift = 48;
constexpr int64_t kLocalMask = (int64_t{1} << kHomeShift) - 1;

int64_t GlobalJobId(int home, int64_t local_id) {
  return home < 0 ? local_id : (int64_t{home + 1} << kHomeShift) | local_id;
}
int HomeOfJob(int64_t job_id) { return static_cast<int>(job_id >> kHomeShift) - 1; }
int64_t LocalJobId(int64_t job_id) { return job_id & kLocalMask; }

// A user's push settings (migrations 003 and 019; no row: both on).
constexpr PgStatement kSettingsOf = {
    "mqchat_sharded_push_settings_of",
    "SELECT preview::int, mention_push::int FROM push_settings WHERE username = $1::text"};
constexpr const PgStatement* kStatements[] = {&kSettingsOf};

}  // namespace

Result<std::unique_ptr<ShardedPushStore>> ShardedPushStore::Create(
    const StoreConfig& config, ShardSet<PushStore>::Opener open) {
  MQCHAT_ASSIGN_OR_RETURN(auto set, ShardSet<PushStore>::Create(config, std::move(open)));
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_ASSIGN_OR_RETURN(
      PgConnection settings,
      PgConnection::Create(std::move(conn), std::vector<const PgStatement*>(
                                                std::begin(kStatements), std::end(kStatements))));
  return std::unique_ptr<ShardedPushStore>(
      new ShardedPushStore(std::move(set), std::move(settings)));
}

Status ShardedPushStore::RegisterTarget(const PushTarget& target) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->RegisterTarget(target);
}

Result<bool> ShardedPushStore::UnregisterTarget(const std::string& username,
                                                const std::string& device_id) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->UnregisterTarget(username, device_id);
}

Status ShardedPushStore::SetPreview(const std::string& username, bool preview, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->SetPreview(username, preview, now_ms);
}

Status ShardedPushStore::SetMentionPush(const std::string& username, bool on, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->SetMentionPush(username, on, now_ms);
}

Status ShardedPushStore::RecordCountsJob(const std::string& username,
                                         const std::string& reading_device, int64_t now_ms,
                                         int64_t due_ms, int64_t due_cap_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->RecordCountsJob(username, reading_device, now_ms, due_ms, due_cap_ms);
}

Result<std::vector<PushTarget>> ShardedPushStore::TargetsOf(const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->TargetsOf(username);
}

Status ShardedPushStore::RemoveTokens(const std::string& username,
                                      const std::vector<std::string>& tokens) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * global, set_.Database(-1));
  return global->RemoveTokens(username, tokens);
}

Status ShardedPushStore::SetMute(ConversationId id, const std::string& username, int64_t until_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * s, set_.Of(id));
  return s->SetMute(id, username, until_ms);
}

Result<bool> ShardedPushStore::IsMuted(ConversationId id, const std::string& username,
                                       int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * s, set_.Of(id));
  return s->IsMuted(id, username, now_ms);
}

Status ShardedPushStore::ApplyGlobalSettings(PushStore& shard, PushJob& job, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(settings_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, ExecPrepared(settings_.get(), kSettingsOf, PgParams().Text(job.username)));
  if (PQntuples(res.get()) == 0) return Status::Ok();  // both on
  MQCHAT_ASSIGN_OR_RETURN(int64_t preview, PgInt64(res.get(), 0, 0));
  MQCHAT_ASSIGN_OR_RETURN(int64_t mention_push, PgInt64(res.get(), 0, 1));
  if (preview == 0) job.preview_text.reset();
  // The shard recorded the mention past a mute (it has no settings rows); with mention_push
  // off it has no pass, and the worker skips it as muted.
  if (job.mention && mention_push == 0) {
    MQCHAT_ASSIGN_OR_RETURN(bool muted, shard.IsMuted(job.conversation_id, job.username, now_ms));
    if (muted) job.mention = false;
  }
  return Status::Ok();
}

Result<std::vector<PushJob>> ShardedPushStore::ClaimDueJobs(int64_t now_ms, int limit,
                                                            int64_t lease_until_ms) {
  const int databases = static_cast<int>(set_.shard_count()) + 1;
  std::vector<PushJob> out;
  for (int d = 0; d < databases && static_cast<int>(out.size()) < limit; ++d) {
    const int home = static_cast<int>((first_ + static_cast<size_t>(d)) % databases) - 1;
    auto store = set_.Database(home);
    auto claimed = store.ok() ? (*store)->ClaimDueJobs(now_ms, limit - static_cast<int>(out.size()),
                                                       lease_until_ms)
                              : Result<std::vector<PushJob>>(store.status());
    if (!claimed.ok()) {
      // A shard that is down keeps its jobs until it answers (their leases are its own).
      if (home >= 0 && claimed.status().code() == Code::kUnavailable) continue;
      if (!out.empty()) break;  // hand on what was claimed; the rest waits for a later round
      return claimed.status();
    }
    for (PushJob& job : *claimed) {
      if (home >= 0) {
        // A failure leaves the job to its lease (retried when it ends), as the worker does.
        if (!ApplyGlobalSettings(**store, job, now_ms).ok()) continue;
      }
      job.job_id = GlobalJobId(home, job.job_id);
      out.push_back(std::move(job));
    }
  }
  first_ = (first_ + 1) % static_cast<size_t>(databases);
  return out;
}

Result<std::optional<int64_t>> ShardedPushStore::NextDueMs() {
  std::optional<int64_t> next;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int, PushStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> due, s.NextDueMs());
    if (due && (!next || *due < *next)) next = due;
    return Status::Ok();
  }));
  return next;
}

Result<int64_t> ShardedPushStore::UnreadTotal(const std::string& username, int64_t now_ms) {
  int64_t total = 0;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int, PushStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(int64_t n, s.UnreadTotal(username, now_ms));
    total += n;
    return Status::Ok();
  }));
  return total;
}

Result<int64_t> ShardedPushStore::PurgeFinished(int64_t delivered_before_ms,
                                                int64_t dead_before_ms) {
  int64_t purged = 0;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int, PushStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(int64_t n, s.PurgeFinished(delivered_before_ms, dead_before_ms));
    purged += n;
    return Status::Ok();
  }));
  return purged;
}

Result<std::vector<PushJob>> ShardedPushStore::ListJobs(const std::string& username) {
  std::vector<PushJob> all;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int home, PushStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<PushJob> some, s.ListJobs(username));
    for (PushJob& job : some) {
      job.job_id = GlobalJobId(home, job.job_id);
      all.push_back(std::move(job));
    }
    return Status::Ok();
  }));
  std::stable_sort(all.begin(), all.end(), [](const PushJob& a, const PushJob& b) {
    return a.created_at_ms < b.created_at_ms;
  });
  return all;
}

Status ShardedPushStore::RetryJob(int64_t job_id, int attempts, int64_t next_attempt_ms,
                                  const std::string& error) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * s, set_.Database(HomeOfJob(job_id)));
  return s->RetryJob(LocalJobId(job_id), attempts, next_attempt_ms, error);
}

Result<bool> ShardedPushStore::FinishJob(const PushJob& seen, PushJobState end,
                                         const std::string& note, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PushStore * s, set_.Database(HomeOfJob(seen.job_id)));
  PushJob local = seen;
  local.job_id = LocalJobId(seen.job_id);
  return s->FinishJob(local, end, note, now_ms);
}

}  // namespace mqchat::store
