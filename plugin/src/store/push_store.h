// PushStore: push targets, per-user push settings, conversation mutes and the durable queue of
// push jobs, behind one interface for SQLite and PostgreSQL. Jobs are *created* by
// ChatStore::AppendBatch (inside the message transaction, from AppendRequest::push_recipients);
// this interface changes targets and settings (the writer worker, on protocol requests) and
// delivers jobs (the push worker). An instance owns one connection and is confined to the thread
// that uses it. Every method is one transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

struct PushTarget {
  std::string username;
  std::string device_id;
  std::string platform;  // "fcm", "apns", "webpush" or "webhook"
  std::string token;
  int64_t updated_at_ms = 0;
};

enum class PushJobState { kPending, kDelivered, kDead };

// The conversation_id of a counts-only job: no messages, it carries the user's new unread total
// to their devices' badges after they read (docs/PROTOCOL.md 7.2). Conversation ids are
// Snowflakes, never 0. Its last_seq counts the reads folded into it (first_seq, count: 0).
inline constexpr ConversationId kCountsOnlyJob = 0;

// One notification: messages first_seq..last_seq (`count` of them) of one conversation for one
// user. While pending, later messages of the same conversation are collapsed into it.
struct PushJob {
  int64_t job_id = 0;
  std::string username;
  ConversationId conversation_id = 0;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  int64_t count = 0;
  std::string sender;                       // of the newest message
  std::optional<std::string> preview_text;  // newest text; only if the user allows previews
  int64_t created_at_ms = 0;
  int64_t next_attempt_ms = 0;
  int attempts = 0;  // failed delivery attempts so far
  PushJobState state = PushJobState::kPending;
  std::string last_error;  // empty if none
  // It stands for a mention of the user (migration 019): delivered even if the conversation
  // is muted (recorded only if the user's mention_push allowed it).
  bool mention = false;
};

// A muted_until_ms value: muted for good.
inline constexpr int64_t kMutedForever = -1;

class PushStore {
 public:
  virtual ~PushStore() = default;

  // --- requests (the writer worker) ---

  // Sets the push target of (username, device_id), replacing any earlier one. The token is
  // removed from any other device first: a token belongs to one device.
  virtual Status RegisterTarget(const PushTarget& target) = 0;
  // Removes the device's push target. Returns whether there was one.
  virtual Result<bool> UnregisterTarget(const std::string& username,
                                        const std::string& device_id) = 0;
  // Whether `username`'s notifications carry message text (default: true).
  virtual Status SetPreview(const std::string& username, bool preview, int64_t now_ms) = 0;
  // Whether a mention of `username` is pushed when the conversation is muted (default: true).
  virtual Status SetMentionPush(const std::string& username, bool on, int64_t now_ms) = 0;
  // Mutes conversation `id` for `username` until `until_ms` (kMutedForever: for good); 0
  // unmutes. The caller checks membership.
  virtual Status SetMute(ConversationId id, const std::string& username, int64_t until_ms) = 0;
  // `username` read on `reading_device`: records a counts-only job (kCountsOnlyJob), first due
  // at `due_ms`, if they have a push target on another device; a pending one takes the read in
  // instead (one pending counts-only job per user), and if its first delivery has not started,
  // is put off to `due_ms`, but never past `due_cap_ms` of the read that created it (the same
  // debounce as message jobs, AppendRequest::push_due_ms).
  virtual Status RecordCountsJob(const std::string& username, const std::string& reading_device,
                                 int64_t now_ms, int64_t due_ms, int64_t due_cap_ms) = 0;

  // --- delivery (the push worker) ---

  // Claims up to `limit` pending jobs due at `now_ms` (oldest due first) by moving their due
  // time to `lease_until_ms`, so no other worker takes them meanwhile; a worker that dies
  // mid-delivery leaves them to be retried once the lease ends. Each job is claimed by one
  // caller even when several brokers share the database. Returned in job id order.
  virtual Result<std::vector<PushJob>> ClaimDueJobs(int64_t now_ms, int limit,
                                                    int64_t lease_until_ms) = 0;
  // The earliest due time of any pending job, or nullopt if none is pending.
  virtual Result<std::optional<int64_t>> NextDueMs() = 0;
  // Every push target of `username`, by device id.
  virtual Result<std::vector<PushTarget>> TargetsOf(const std::string& username) = 0;
  // Whether `username` has muted conversation `id` at `now_ms`.
  virtual Result<bool> IsMuted(ConversationId id, const std::string& username, int64_t now_ms) = 0;
  // `username`'s unread total: last_seq - read_seq summed over their conversations not muted
  // at `now_ms` (what a notification's counts.unread says; the same rule as the SDK's
  // TotalUnread()).
  virtual Result<int64_t> UnreadTotal(const std::string& username, int64_t now_ms) = 0;
  // Deletes `username`'s targets with these tokens (the gateway said they are invalid).
  virtual Status RemoveTokens(const std::string& username,
                              const std::vector<std::string>& tokens) = 0;
  // Records a failed attempt: the job stays pending, due at `next_attempt_ms`.
  virtual Status RetryJob(int64_t job_id, int attempts, int64_t next_attempt_ms,
                          const std::string& error) = 0;
  // Ends the job `seen` (as claimed) in state `end` (kDelivered or kDead) with `note`. If more
  // messages were collapsed into it since it was claimed (its last_seq moved on), only those
  // remain: the job stays pending for them, due at `now_ms`, and this returns false.
  virtual Result<bool> FinishJob(const PushJob& seen, PushJobState end, const std::string& note,
                                 int64_t now_ms) = 0;
  // Deletes delivered jobs finished before `delivered_before_ms` and dead ones finished before
  // `dead_before_ms`. Returns how many rows went.
  virtual Result<int64_t> PurgeFinished(int64_t delivered_before_ms, int64_t dead_before_ms) = 0;

  // --- inspection (operators, tests) ---

  // Every job of `username`, oldest first.
  virtual Result<std::vector<PushJob>> ListJobs(const std::string& username) = 0;
};

using PushStorePtr = std::unique_ptr<PushStore>;

std::string_view PushJobStateName(PushJobState state);  // "pending", "delivered", "dead"
Result<PushJobState> PushJobStateFromName(std::string_view name);

}  // namespace mqchat::store
