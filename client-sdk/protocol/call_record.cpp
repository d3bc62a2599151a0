#include "protocol/call_record.h"

#include <algorithm>

#include "protocol/call.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
namespace f = call_fields;

}  // namespace

bool CallRecord::MissedBy(std::string_view user) const {
  return std::find(participants.begin(), participants.end(), user) == participants.end() &&
         std::find(declined.begin(), declined.end(), user) == declined.end();
}

std::string CallEntryKey(std::string_view call_id) {
  return std::string(kCallEntryKeyPrefix) + std::string(call_id);
}

std::string_view CallOutcomeOf(std::string_view ended_reason) {
  return ended_reason == "completed" ? std::string_view(call_outcomes::kAnswered) : ended_reason;
}

json EncodeCallRecord(const CallRecord& record) {
  json out{{f::kCallId, record.call_id},
           {f::kOutcome, record.outcome},
           {f::kVideo, record.video},
           {f::kDurationMs, record.duration_ms},
           {f::kParticipants, record.participants}};
  if (!record.declined.empty()) out[f::kDeclinedBy] = record.declined;
  return out;
}

std::optional<CallRecord> DecodeCallRecord(const json& j) {
  if (!j.is_object()) return std::nullopt;
  auto id = j.find(f::kCallId);
  auto outcome = j.find(f::kOutcome);
  auto video = j.find(f::kVideo);
  auto duration = j.find(f::kDurationMs);
  auto participants = j.find(f::kParticipants);
  if (id == j.end() || !id->is_string() || outcome == j.end() || !outcome->is_string() ||
      duration == j.end() || !duration->is_number_integer() || participants == j.end() ||
      !participants->is_array()) {
    return std::nullopt;
  }
  CallRecord r;
  r.call_id = id->get<std::string>();
  r.outcome = outcome->get<std::string>();
  r.video = video != j.end() && video->is_boolean() && video->get<bool>();
  r.duration_ms = std::max<int64_t>(0, duration->get<int64_t>());
  for (const json& user : *participants) {
    if (!user.is_string()) return std::nullopt;
    r.participants.push_back(user.get<std::string>());
  }
  if (auto declined = j.find(f::kDeclinedBy); declined != j.end()) {
    if (!declined->is_array()) return std::nullopt;
    for (const json& user : *declined) {
      if (!user.is_string()) return std::nullopt;
      r.declined.push_back(user.get<std::string>());
    }
  }
  return r;
}

std::optional<CallRecord> ParseCallRecord(std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  return DecodeCallRecord(j);
}

}  // namespace mqchat::protocol
