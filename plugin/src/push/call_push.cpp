#include "push/call_push.h"

#include <nlohmann/json.hpp>

#include "metrics/instruments.h"
#include "protocol/json_util.h"
#include "push/push_worker.h"

namespace mqchat::push {

using nlohmann::json;

std::string BuildCallNotification(const CallNotice& notice,
                                  const std::vector<store::PushTarget>& targets,
                                  const std::string& app_id) {
  json devices = json::array();
  for (const store::PushTarget& t : targets) {
    devices.push_back({{"app_id", app_id},
                       {"platform", t.platform},
                       {"pushkey", t.token},
                       {"pushkey_ts", t.updated_at_ms},
                       {"data", {{"device_id", t.device_id}}}});
  }
  json call = {{"call_id", notice.call_id}, {"video", notice.video}};
  if (notice.ended) call["reason"] = notice.reason;
  json notification = {
      {"event_id", "call:" + notice.call_id + (notice.ended ? ":ended" : "")},
      {"room_id", std::to_string(notice.conversation_id)},
      {"type", notice.ended ? kCallEndedNotificationType : kCallNotificationType},
      {"sender", notice.caller},
      {"user", notice.user},
      {"prio", "high"},
      {"call", std::move(call)},
      {"devices", std::move(devices)},
  };
  return protocol::DumpJson(json{{"notification", std::move(notification)}});
}

void PushWorker::PushCall(CallNotice notice) {
  {
    MutexLock lock(mu_);
    if (calls_.size() >= kMaxQueuedCalls) return;  // a flood of rings: the rest go unpushed
    calls_.push_back(std::move(notice));
    notified_ = true;
  }
  cv_.NotifyOne();
}

void PushWorker::DeliverCalls() {
  std::vector<CallNotice> notices;
  {
    MutexLock lock(mu_);
    notices.swap(calls_);
  }
  if (notices.empty()) return;
  std::vector<std::string> bodies;
  std::vector<std::vector<std::string>> tokens;
  for (const CallNotice& n : notices) {
    const std::string key = n.call_id + "\n" + n.user;
    if (n.ended) {
      // Withdrawn only where it rang.
      if (rung_by_push_.erase(key) == 0) continue;
    } else if (online_.IsOnline(n.user)) {
      continue;  // came online meanwhile: their devices ring
    }
    auto targets = store_->TargetsOf(n.user);
    if (!targets.ok()) {
      StoreFailed(targets.status());
      continue;
    }
    if (targets->empty()) continue;
    if (!n.ended) rung_by_push_.insert(key);
    bodies.push_back(BuildCallNotification(n, *targets, options_.app_id));
    tokens.emplace_back();
    for (const auto& t : *targets) tokens.back().push_back(t.token);
  }
  if (bodies.empty()) return;
  const std::vector<HttpResult> results = poster_->PostAll(bodies);
  for (size_t i = 0; i < results.size() && i < tokens.size(); ++i) {
    metrics::Get().push_gateway_seconds.Observe(results[i].seconds);
    const GatewayOutcome outcome = ClassifyGatewayResponse(results[i], tokens[i]);
    if (outcome.verdict == GatewayVerdict::kDelivered) {
      stats_.delivered.fetch_add(1);
    } else {
      log_(LogLevel::kWarning, "mqchat: call notification not delivered: " + outcome.reason);
    }
  }
}

}  // namespace mqchat::push
