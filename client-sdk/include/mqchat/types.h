// Value types of the mqchat SDK: messages, acks, conversations and their members, as the app
// sees them. Plain data, copyable; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqchat {

// Identifies a request started in its callback form, for Client::Cancel (0: cannot be cancelled).
using RequestId = uint64_t;

// One emoji's reactions to a message: how many users reacted with it, and whether this user
// is among them.
struct Reaction {
  std::string emoji;
  int64_t count = 0;
  bool mine = false;
};

// The message a reply answers, as far as this device knows it.
struct ReplyQuote {
  int64_t seq = 0;
  std::string sender;
  std::string snippet;   // the start of its text; "" when deleted
  bool deleted = false;  // it was deleted for everyone ("deleted message")
};

// A file or picture a message carries (docs/PROTOCOL.md, "Attachments"): what the message
// shows of it. Its bytes come from the API service: ApiClient::Attachment(token, id) gives
// fresh signed URLs (to members of a conversation where a message carries it), Download
// fetches one.
struct Attachment {
  std::string id;
  std::string name;          // the file name the uploader gave
  std::string content_type;  // told by the content
  int64_t size = 0;          // bytes
  int64_t width = 0;         // pictures only (0 otherwise)
  int64_t height = 0;
  bool thumbnail = false;    // the API offers a thumbnail of it
};

// A call's outcome, as its conversation's log records it (issue 27; docs/PROTOCOL.md 8.5).
struct CallOutcome {
  std::string call_id;
  std::string outcome;  // "answered", "missed", "declined", "cancelled" or "busy"
  bool video = false;
  int64_t duration_ms = 0;                // from the first accept to the end; 0 if not answered
  std::vector<std::string> participants;  // the users who took part (the caller among them)
  std::vector<std::string> declined;      // the callees who declined it

  // Whether `user`, rung for it, neither took part nor declined (a missed call, for them).
  bool MissedBy(const std::string& user) const {
    for (const auto* list : {&participants, &declined}) {
      for (const auto& p : *list) {
        if (p == user) return false;
      }
    }
    return true;
  }
};

// A stored chat message, in its current state. (conversation_id, seq) identifies it; seq is
// gapless per conversation, but edits, deletions and reactions take seqs of their own
// (docs/PROTOCOL.md, "Event kinds"), so the messages of a conversation may skip seqs.
struct Message {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t message_id = 0;     // server-wide unique id
  std::string sender;         // username
  std::string client_msg_id;  // the sender's idempotency key
  std::string text;           // the current text ("" once deleted)
  int64_t sent_at_ms = 0;     // server time, ms since the Unix epoch
  int64_t reply_to = 0;       // the seq this message answers (0: not a reply)
  std::optional<ReplyQuote> reply{};  // the answered message, when reply_to > 0 and it is known
  int64_t edited_at_ms = 0;   // its last edit, server time (0: never edited)
  bool deleted = false;       // deleted for everyone: a tombstone without text
  std::vector<Reaction> reactions{};  // by emoji
  std::vector<Attachment> attachments{};  // in the sender's order; none once deleted
  // Set on a call entry (not a message): a call of the conversation ended. Its sender is the
  // caller, its text empty. Delivered, cached and listed among the messages, and unread like
  // one for a member who missed the call.
  std::optional<CallOutcome> call{};

  bool edited() const { return edited_at_ms > 0; }
};

// The server's acknowledgement of Client::Send (and of Reply, Edit, Delete and React, whose
// event it names by seq): the message or event is durably stored.
struct Ack {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t message_id = 0;
  std::string client_msg_id;
  int64_t server_time_ms = 0;
  bool duplicate = false;  // a retry of a message the server already had (normal after reconnects)
};

// kChannel: a text channel of a server (issue 18). Conversations() lists only direct and group
// conversations; a channel appears as the kind of a search result (SearchResult), which then
// also names its server.
enum class ConversationKind { kDirect, kGroup, kChannel };

enum class MemberRole { kOwner, kAdmin, kMember };

struct Member {
  std::string user;
  MemberRole role = MemberRole::kMember;
  int64_t read_seq = 0;  // the member's "read up to" receipt
};

struct Conversation {
  int64_t id = 0;
  ConversationKind kind = ConversationKind::kDirect;
  std::string name;      // empty for direct conversations
  int64_t last_seq = 0;  // seq of the newest message when this snapshot was taken
  std::vector<Member> members;
  // Slow mode: the least seconds between two of a member's messages (owners and admins exempt);
  // 0 off. Cached: from the conversation list and from the `slow_mode` conversation event.
  int64_t slow_mode_s = 0;
};

// One entry of Client::Conversations() and Client::CachedConversations().
struct ConversationSummary {
  int64_t id = 0;
  ConversationKind kind = ConversationKind::kDirect;
  std::string name;
  int64_t last_seq = 0;
  int64_t read_seq = 0;  // this user's read position
  int64_t unread = 0;
  std::vector<std::string> members;
  std::optional<Message> last_message;
  // This user's mute (Client::Mute): 0 none, -1 for good, else a Unix time in ms (past: none).
  int64_t muted_until_ms = 0;
  // Slow mode: the least seconds between two of a member's messages (owners and admins exempt);
  // 0 off. Client::Send waits it out on its own (RATE_LIMITED's retry_after_ms). Cached, so
  // CachedConversations() has it too (from the last list, or the `slow_mode` event since).
  int64_t slow_mode_s = 0;
};

// Whether a conversation with this muted_until_ms is muted at `now_ms` (the server's rule).
inline bool IsMutedAt(int64_t muted_until_ms, int64_t now_ms) {
  return muted_until_ms == -1 || muted_until_ms > now_ms;
}

// Who may open a direct conversation with this user and write into it (docs/PROTOCOL.md,
// "Blocking and who may message me"). Blocked users never may.
enum class DmPolicy {
  kEveryone,      // anyone (the default)
  kSharedGroup,   // members of a group this user is in, and people this user wrote to
  kExistingOnly,  // only people this user wrote to in that direct conversation
};

struct BlockedUser {
  std::string user;
  int64_t blocked_at_ms = 0;
};

// This user's block list (by name) and DmPolicy: Client::Blocks(), the OnPrivacy event.
struct PrivacySettings {
  std::vector<BlockedUser> blocked;
  DmPolicy dm_policy = DmPolicy::kEveryone;

  // Whether `user` is blocked: apps hide their messages in groups.
  bool IsBlocked(const std::string& user) const {
    for (const BlockedUser& b : blocked) {
      if (b.user == user) return true;
    }
    return false;
  }
};

// What other users may see of a user's profile (the API service's GET /v1/users/{name}): the
// OnProfile event after a change, and Client::CachedProfile. docs/PROTOCOL.md "profile".
struct Profile {
  std::string user;
  std::string display_name;  // "" none: show the username
  std::string status_text;   // "" none
  std::string avatar_type;   // the image's media type; "" without an avatar
  std::string avatar_url;    // the image's path on the API service (changes with the image); ""
                             // none. Fetch it with the access token.
  int64_t updated_at_ms = 0;
};

// A report of a user or of a message to the operator's moderation queue (Client::Report,
// docs/PROTOCOL.md "report").
struct AbuseReport {
  std::string user;             // the reported user; empty: the sender of the message named
  int64_t conversation_id = 0;  // with seq > 0: the message reported (the server keeps its text)
  int64_t seq = 0;
  // One of "spam", "harassment", "hate", "sexual", "violence", "self_harm", "impersonation",
  // "other" (protocol/report.h).
  std::string reason;
  std::string details;        // optional, at most 1,000 characters
  std::string client_msg_id;  // empty: the SDK makes one; the same one again files nothing new
};

struct ReportReceipt {
  int64_t report_id = 0;
  bool duplicate = false;  // filed before under the same client_msg_id
};

inline bool operator==(const BlockedUser& a, const BlockedUser& b) {
  return a.user == b.user && a.blocked_at_ms == b.blocked_at_ms;
}
inline bool operator==(const PrivacySettings& a, const PrivacySettings& b) {
  return a.blocked == b.blocked && a.dm_policy == b.dm_policy;
}
inline bool operator==(const Profile& a, const Profile& b) {
  return a.user == b.user && a.display_name == b.display_name && a.status_text == b.status_text &&
         a.avatar_type == b.avatar_type && a.avatar_url == b.avatar_url &&
         a.updated_at_ms == b.updated_at_ms;
}

// A page of Client::History(), messages in ascending seq.
struct HistoryPage {
  std::vector<Message> messages;
  bool has_more = false;  // more messages exist in the direction paged
};

// What Client::History() pages through: the newest messages below `before_seq` (if > 0), else
// the oldest messages above `after_seq`. `limit` is 1..100.
struct HistoryQuery {
  int64_t before_seq = 0;
  int64_t after_seq = 0;
  int limit = 50;

  static HistoryQuery Latest(int limit = 50) { return {INT64_MAX, 0, limit}; }
  static HistoryQuery Before(int64_t seq, int limit = 50) { return {seq, 0, limit}; }
  static HistoryQuery After(int64_t seq, int limit = 50) { return {0, seq, limit}; }
};

}  // namespace mqchat
