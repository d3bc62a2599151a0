// Events the SDK delivers to the app, through the On* callbacks or Client::NextEvent().
// Plain data, copyable; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mqchat/status.h"
#include "mqchat/types.h"

namespace mqchat {

// Where the client's connection stands.
enum class ConnectionState {
  kDisconnected,  // not connected and not trying (before Connect(), after Disconnect(), or a
                  // refusal that retrying cannot fix, such as bad credentials)
  kConnecting,    // connecting, or waiting to reconnect after a failure (backoff)
  kSyncing,       // connected and subscribed; catching up on what was missed
  kOnline,        // caught up; live messages flow and the outbox is being sent
};

struct ConnectionEvent {
  ConnectionState state = ConnectionState::kDisconnected;
  Status reason;  // why the connection was lost or refused; OK otherwise
};

// A change to a conversation: created, members added or removed, renamed.
struct ConversationEvent {
  // kSlowMode: an owner or admin changed the slow mode (conversation.slow_mode_s).
  enum class Kind { kCreated, kMembersAdded, kMemberRemoved, kRenamed, kSlowMode, kOther };
  Kind kind = Kind::kOther;
  std::string event;  // the wire name ("created", "members_added", ...)
  Conversation conversation;
  std::string actor;               // who did it
  std::vector<std::string> users;  // who it was about (added or removed users)
  bool removed_me = false;         // this user is no longer a member (the cache dropped it)
};

// A member's read receipt moved.
struct ReadEvent {
  int64_t conversation_id = 0;
  std::string user;
  int64_t read_seq = 0;
};

struct TypingEvent {
  int64_t conversation_id = 0;
  std::string user;
  bool typing = false;
};

// A watched user's presence (see Client::WatchPresence).
struct PresenceEvent {
  std::string user;
  bool online = false;
  int64_t last_seen_ms = 0;
  int devices = 0;
};

// A message changed: edited, deleted for everyone, or a reaction added or taken back (by any
// member, this user's devices included). `message` is the message as it is now, after the
// event; `event_seq` is the event's own seq in the conversation's log.
struct MessageUpdate {
  enum class Kind { kEdited, kDeleted, kReacted, kUnreacted };
  Kind kind = Kind::kEdited;
  Message message;
  int64_t event_seq = 0;
  std::string actor;  // who edited, deleted or reacted
  std::string emoji;  // kReacted / kUnreacted: the emoji
};

// The user's block list or dm_policy changed (on this or another device): the new settings
// (PrivacySettings, types.h) are the event.
// A user's profile changed (this user's, or that of a user sharing a conversation with them):
// the new Profile (types.h) is the event.
using Event = std::variant<Message, ConversationEvent, ReadEvent, TypingEvent, PresenceEvent,
                           ConnectionEvent, PrivacySettings, MessageUpdate, Profile>;

}  // namespace mqchat
