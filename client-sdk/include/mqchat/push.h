// Push notifications and the app's life on a phone (docs/PROTOCOL.md section 7): the push
// target of this device, the user's push settings, and what a notification that reached the app
// announces. Plain data; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/export.h"
#include "mqchat/status.h"
#include "mqchat/types.h"

namespace mqchat {

// The push service a token belongs to (the operator's gateway relays to it).
enum class PushPlatform { kFcm, kApns, kWebPush, kWebhook };

// push_settings: per user, for all their devices. A field left empty keeps its setting; at
// least one must be set.
struct PushSettings {
  // Whether notifications carry the message text (default true).
  std::optional<bool> preview;
  // Whether a mention is pushed even in a muted conversation (default true).
  std::optional<bool> mention_push;
};

// What a message notification announces (the gateway's fields, 7.4, as the app's push service
// handed them over: FCM data and APNs userInfo carry strings).
struct PushNotice {
  int64_t conversation_id = 0;  // "room_id" (or "conversation_id")
  int64_t first_seq = 0;        // the first announced message
  int64_t last_seq = 0;         // the last one
  std::string sender;           // "sender", if present
};

// Reads a notification's fields: "room_id" (or "conversation_id"), "first_seq", "last_seq",
// all decimal; "last_seq" may be missing (then "event_id" "<conversation>:<last_seq>" gives
// it, else first_seq). kInvalidArgument for a counts-only notification (no conversation) or
// malformed numbers.
MQCHAT_SDK_API Result<PushNotice> ParsePushNotice(const std::map<std::string, std::string>& fields);

// The outcome of Client::HandlePushPayload.
struct PushFetch {
  PushNotice notice;
  // The announced messages now in the cache, ascending (events such as edits are applied, not
  // listed; a message deleted meanwhile is a tombstone).
  std::vector<Message> messages;
  // The conversation's messages up to notice.last_seq are all in the cache (and were delivered
  // to OnMessage): the next sync will not fetch them again.
  bool complete = false;
};

}  // namespace mqchat
