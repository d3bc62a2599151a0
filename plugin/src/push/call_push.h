// Push for calls (issue 27; docs/PROTOCOL.md 7.4 "Call notifications"): a callee with no device
// online anywhere gets a high-priority "mqchat.call" notification when rung, and a
// "mqchat.call_ended" one (the withdrawal) when the call ends, for their app to stop ringing.
// Unlike message jobs these are not stored: a ring lasts seconds, so a notification that fails
// is not retried; the call's entry in the log (docs/PROTOCOL.md 8.5), stored, is what a device
// finds later. Sent by the push worker (PushWorker::PushCall, its thread). Pure codec here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/push_store.h"

namespace mqchat::push {

inline constexpr const char* kCallNotificationType = "mqchat.call";
inline constexpr const char* kCallEndedNotificationType = "mqchat.call_ended";

struct CallNotice {
  std::string user;  // the callee
  int64_t conversation_id = 0;
  std::string call_id;
  std::string caller;
  bool video = false;
  bool ended = false;  // the withdrawal of the ring
  std::string reason;  // ended: how the call ended (the `ended` event's reason)
};

// {"notification":{"event_id":"call:<id>","room_id":"<conversation>","type":"mqchat.call",
//  "sender":"<caller>","user":"<callee>","prio":"high","call":{"call_id":..,"video":..},
//  "devices":[...]}}; ended: type mqchat.call_ended, event_id "call:<id>:ended" and the
// reason in "call".
std::string BuildCallNotification(const CallNotice& notice,
                                  const std::vector<store::PushTarget>& targets,
                                  const std::string& app_id);

}  // namespace mqchat::push
