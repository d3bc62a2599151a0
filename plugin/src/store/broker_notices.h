// Broker notices (migration 023; docs/ARCHITECTURE.md "Broker notices"): how a process other
// than a broker (mqchatctl, mqchat-api) tells every running broker of a change its connected
// clients must see at once. The writer adds a row in the change's own transaction (so a change
// is never committed without its notice, nor a notice without its change); each broker's
// directory refresher reads the rows after the last id it saw, on its thread and connection,
// and hands them to the broker thread (Plugin::ApplyNotice). A notice states a fact (this
// entry exists, this device was signed out, these members changed), so applying it again
// changes nothing more. Rows older than kNoticeKeepMs are pruned by the brokers.
//
// The SQL lives in sqlite/sqlite_notices.* and pg/pg_notices.*; this file is what both share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mqchat::store {

struct AppendRequest;
class AppendPlan;

enum class NoticeKind {
  kEntry = 1,            // conversation_id, seq: a stored entry (message or event) to deliver
  kDeviceSignedOut = 2,  // username, device_id: end its session; refuse tokens issued before
  kMembers = 3,          // conversation_id: its members changed
  kProfile = 4,          // username: their profile changed as others see it (NoticeProfile)
};

// kProfile: the user's public profile (migration 017, profiles) as the store held it when the
// notice was read, read with it (not a column; the defaults if the user has no profiles row).
// Read, not written: a later change may already show, and its own notice then repeats it.
struct NoticeProfile {
  std::string display_name;
  std::string status_text;
  std::string avatar_id;  // "" none
  std::string avatar_type;
  int64_t updated_at_ms = 0;
};

struct BrokerNotice {
  int64_t id = 0;  // assigned by the store; increasing in commit order
  NoticeKind kind = NoticeKind::kEntry;
  int64_t conversation_id = 0;
  int64_t seq = 0;
  std::string username;
  std::string device_id;
  int64_t created_at_ms = 0;
  NoticeProfile profile;  // kProfile only
};

// How long notices are kept. A broker that was down longer than this reloads everything at
// start anyway; device sign-outs are read back at start for this long, so an access token
// must not live longer (the API's access_token_ttl_s is far below it).
inline constexpr int64_t kNoticeKeepMs = 24LL * 3600 * 1000;
// Notices read per query by a broker.
inline constexpr int kNoticePage = 1000;

// The notices an AppendBatch writes with its entries: one kEntry per new entry a moderator
// appended (AppendRequest::moderator: mqchatctl and the admin API, which no broker publishes),
// created at the entry's time.
std::vector<BrokerNotice> ModeratorEntryNotices(const std::vector<AppendRequest>& batch,
                                                const AppendPlan& plan);

// Why a notice is unusable (an unknown kind from a newer writer, missing fields); "" if fine.
std::string CheckNotice(const BrokerNotice& notice);

}  // namespace mqchat::store
