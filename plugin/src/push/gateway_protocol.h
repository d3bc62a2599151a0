// The push gateway protocol (docs/PROTOCOL.md section 7.4), modelled on the Matrix push gateway
// API (POST /_matrix/push/v1/notify): the JSON a job becomes, and what a gateway's answer means
// for the job and its tokens. Pure functions; any thread.
#pragma once

#include <string>
#include <vector>

#include "store/push_store.h"

namespace mqchat::push {

inline constexpr const char* kNotificationType = "mqchat.message";

// The request body for `job`, addressed to every target in `targets` (the job's user's devices).
// `unread_total` is the user's unread total (PushStore::UnreadTotal), sent as counts.unread.
// A message job carries the conversation, its seqs, counts.messages (the job's count), and
// "content" (the preview) only if the job has one; a counts-only job (store::kCountsOnlyJob)
// carries only the user, "prio":"low", counts.unread and the devices (no event_id: the Matrix
// API's badge update).
std::string BuildNotification(const store::PushJob& job,
                              const std::vector<store::PushTarget>& targets,
                              const std::string& app_id, int64_t unread_total);

// What happened to one POST, as the HTTP client saw it.
struct HttpResult {
  bool transport_ok = false;  // a complete HTTP response arrived
  long status = 0;            // its status code
  std::string body;           // its body (possibly cut)
  std::string error;          // if !transport_ok: the connection error or timeout
  double seconds = 0;         // this request's own time, connect to last byte (or to failure)
};

enum class GatewayVerdict {
  kDelivered,      // 2xx: the gateway took it (some tokens may be rejected)
  kRetry,          // 5xx, 408, 429, timeout, connection failure: try again later
  kTokensInvalid,  // 400/404/410, or a 2xx rejecting every token: the tokens are dead
  kFailed,         // any other status: retrying will not help
};

struct GatewayOutcome {
  GatewayVerdict verdict = GatewayVerdict::kRetry;
  std::vector<std::string> invalid_tokens;  // to delete (only tokens that were sent)
  std::string reason;                       // for logs and the job's last_error; "" if none
};

// Interprets `http`, the answer to a notification sent to `sent_tokens`.
GatewayOutcome ClassifyGatewayResponse(const HttpResult& http,
                                       const std::vector<std::string>& sent_tokens);

}  // namespace mqchat::push
