// A call's record in its conversation's log (issue 27; docs/PROTOCOL.md 8.5): when a call ends,
// the plugin appends an entry of kind "call" (values::kEventCall) whose sender is the caller and
// whose "call" object is this record. Defined once here for the plugin (which stores it as the
// entry's body and writes it on the wire), the SDK and the tools. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::protocol {

// The record's "outcome".
namespace call_outcomes {
inline constexpr char kAnswered[] = "answered";    // someone took the call; duration_ms > 0
inline constexpr char kMissed[] = "missed";        // rung until the ring timeout
inline constexpr char kDeclined[] = "declined";    // a callee declined (nobody took it)
inline constexpr char kCancelled[] = "cancelled";  // the caller hung up while it rang
inline constexpr char kBusy[] = "busy";            // every callee was in another call
}  // namespace call_outcomes

struct CallRecord {
  std::string call_id;
  std::string outcome;  // call_outcomes
  bool video = false;
  int64_t duration_ms = 0;  // from the first accept to the end; 0 if nobody took it
  // The users who took part (the caller and whoever accepted or joined), sorted. A member of
  // the conversation who is not among them was rung and did not answer.
  std::vector<std::string> participants;
  // The callees who declined it, sorted (written only when there are some).
  std::vector<std::string> declined;

  // Whether `user` (a member other than the caller) missed it: neither took part nor declined.
  bool MissedBy(std::string_view user) const;
};

// The client_msg_id of call `call_id`'s entry ("call/<call_id>"): one entry per call. The
// prefix is the server's: a client request with a client_msg_id starting with it is refused
// (ReadClientMsgId), so no client can take its own call's key first.
inline constexpr std::string_view kCallEntryKeyPrefix = "call/";
std::string CallEntryKey(std::string_view call_id);

// The outcome a call's `ended` event reason (call_events::kEnded) records: "completed" is
// "answered", the others keep their name.
std::string_view CallOutcomeOf(std::string_view ended_reason);

// {"call_id":"...","outcome":"declined","video":false,"duration_ms":0,"participants":["alice"],
//  "declined":["bob"]}
nlohmann::json EncodeCallRecord(const CallRecord& record);
// The record of a "call" object, or nullopt if it is not one (a missing or mistyped field).
std::optional<CallRecord> DecodeCallRecord(const nlohmann::json& j);
// The record a stored entry's body holds (EncodeCallRecord's text), or nullopt.
std::optional<CallRecord> ParseCallRecord(std::string_view body);

}  // namespace mqchat::protocol
