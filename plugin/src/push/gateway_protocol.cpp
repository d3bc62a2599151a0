#include "push/gateway_protocol.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "protocol/json_util.h"

namespace mqchat::push {
namespace {

using nlohmann::json;

std::string Snippet(const std::string& body) {
  constexpr size_t kMax = 200;
  return body.size() <= kMax ? body : body.substr(0, kMax) + "...";
}

std::string HttpReason(long status, const std::string& body) {
  std::string reason = "HTTP " + std::to_string(status);
  if (!body.empty()) reason += ": " + Snippet(body);
  return reason;
}

}  // namespace

std::string BuildNotification(const store::PushJob& job,
                              const std::vector<store::PushTarget>& targets,
                              const std::string& app_id, int64_t unread_total) {
  json devices = json::array();
  for (const store::PushTarget& t : targets) {
    devices.push_back({{"app_id", app_id},
                       {"platform", t.platform},
                       {"pushkey", t.token},
                       {"pushkey_ts", t.updated_at_ms},
                       {"data", {{"device_id", t.device_id}}}});
  }
  if (job.conversation_id == store::kCountsOnlyJob) {
    json notification = {{"user", job.username},
                         {"prio", "low"},
                         {"counts", {{"unread", unread_total}}},
                         {"devices", std::move(devices)}};
    return protocol::DumpJson(json{{"notification", std::move(notification)}});
  }
  const std::string conversation = std::to_string(job.conversation_id);
  json notification = {
      // Stable across retries of the same content, so a gateway can drop duplicates.
      {"event_id", conversation + ":" + std::to_string(job.last_seq)},
      {"room_id", conversation},
      {"type", kNotificationType},
      {"sender", job.sender},
      {"user", job.username},
      {"prio", "high"},
      {"first_seq", job.first_seq},
      {"last_seq", job.last_seq},
      {"counts", {{"unread", unread_total}, {"messages", job.count}}},
      {"devices", std::move(devices)},
  };
  if (job.preview_text) notification["content"] = {{"body", *job.preview_text}};
  if (job.mention) notification["mention"] = true;  // mqchat's addition (PROTOCOL.md 7.4)
  return protocol::DumpJson(json{{"notification", std::move(notification)}});
}

GatewayOutcome ClassifyGatewayResponse(const HttpResult& http,
                                       const std::vector<std::string>& sent_tokens) {
  GatewayOutcome out;
  if (!http.transport_ok) {
    out.verdict = GatewayVerdict::kRetry;
    out.reason = http.error.empty() ? "no response" : http.error;
    return out;
  }
  const long status = http.status;
  if (status >= 200 && status < 300) {
    const json body = json::parse(http.body, nullptr, /*allow_exceptions=*/false);
    const json* rejected = nullptr;
    if (body.is_object()) {
      auto it = body.find("rejected");
      if (it != body.end() && it->is_array()) rejected = &*it;
    }
    if (rejected != nullptr) {
      for (const json& token : *rejected) {
        if (!token.is_string()) continue;
        const std::string value = token.get<std::string>();
        // Only tokens this request carried: a gateway cannot delete anyone else's.
        if (std::find(sent_tokens.begin(), sent_tokens.end(), value) != sent_tokens.end() &&
            std::find(out.invalid_tokens.begin(), out.invalid_tokens.end(), value) ==
                out.invalid_tokens.end()) {
          out.invalid_tokens.push_back(value);
        }
      }
    }
    if (!sent_tokens.empty() && out.invalid_tokens.size() == sent_tokens.size()) {
      out.verdict = GatewayVerdict::kTokensInvalid;
      out.reason = "the gateway rejected every push token";
    } else {
      out.verdict = GatewayVerdict::kDelivered;
      if (!out.invalid_tokens.empty()) {
        out.reason =
            "the gateway rejected " + std::to_string(out.invalid_tokens.size()) + " push token(s)";
      }
    }
    return out;
  }
  if (status == 400 || status == 404 || status == 410) {
    out.verdict = GatewayVerdict::kTokensInvalid;
    out.invalid_tokens = sent_tokens;
    out.reason = HttpReason(status, http.body) + " (push tokens invalid)";
    return out;
  }
  out.reason = HttpReason(status, http.body);
  out.verdict = (status >= 500 || status == 408 || status == 429) ? GatewayVerdict::kRetry
                                                                  : GatewayVerdict::kFailed;
  return out;
}

}  // namespace mqchat::push
