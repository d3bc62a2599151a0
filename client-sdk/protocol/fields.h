// JSON field names and enumerated string values of the mqchat protocol (docs/PROTOCOL.md).
// Every name exists here once; encoders, decoders, plugin and SDK all use these constants.
#pragma once

#include <string_view>

namespace mqchat::protocol::fields {

// Envelope of every response.
inline constexpr std::string_view kOp = "op";
inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kReqId = "req_id";
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kCode = "code";
inline constexpr std::string_view kMessage = "message";
inline constexpr std::string_view kRetryable = "retryable";
// RATE_LIMITED errors: milliseconds until the request would be accepted.
inline constexpr std::string_view kRetryAfterMs = "retry_after_ms";

// Request and result fields.
inline constexpr std::string_view kConversationId = "conversation_id";
inline constexpr std::string_view kClientMsgId = "client_msg_id";
inline constexpr std::string_view kText = "text";
inline constexpr std::string_view kAfterSeq = "after_seq";
inline constexpr std::string_view kBeforeSeq = "before_seq";
inline constexpr std::string_view kLimit = "limit";
inline constexpr std::string_view kSeq = "seq";
inline constexpr std::string_view kUsers = "users";
inline constexpr std::string_view kUser = "user";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kTyping = "typing";
inline constexpr std::string_view kMembers = "members";
inline constexpr std::string_view kCursors = "cursors";
inline constexpr std::string_view kUntilMs = "until_ms";
// The caller's mute of a conversation in "conversations" entries: `until_ms` as last set by `mute`.
inline constexpr std::string_view kMutedUntilMs = "muted_until_ms";
inline constexpr std::string_view kPlatform = "platform";
inline constexpr std::string_view kToken = "token";
inline constexpr std::string_view kPreview = "preview";
inline constexpr std::string_view kDevice = "device";
inline constexpr std::string_view kRemoved = "removed";
// Blocking and who may message me (protocol/privacy.h).
inline constexpr std::string_view kBlocked = "blocked";
inline constexpr std::string_view kBlockedAtMs = "blocked_at_ms";
inline constexpr std::string_view kDmPolicy = "dm_policy";
// report (protocol/report.h)
inline constexpr std::string_view kReason = "reason";
inline constexpr std::string_view kDetails = "details";
inline constexpr std::string_view kReportId = "report_id";  // and kDuplicate
// search (protocol/search.h); and kConversationId, kSender, kLimit, kSnippet, kHasMore
inline constexpr std::string_view kQuery = "query";
inline constexpr std::string_view kFromMs = "from_ms";
inline constexpr std::string_view kToMs = "to_ms";
inline constexpr std::string_view kCursor = "cursor";
inline constexpr std::string_view kResults = "results";
inline constexpr std::string_view kHighlights = "highlights";
inline constexpr std::string_view kNextCursor = "next_cursor";
// set_retention, and the expired marker of history and sync (protocol/retention.h)
inline constexpr std::string_view kDays = "days";
inline constexpr std::string_view kRetentionDays = "retention_days";
inline constexpr std::string_view kExpiredThroughSeq = "expired_through_seq";
// set_slow_mode and the conversations summary (protocol/slow_mode.h)
inline constexpr std::string_view kSeconds = "seconds";
inline constexpr std::string_view kSlowModeS = "slow_mode_s";

// Message, member, conversation, summary, ack and sync objects.
inline constexpr std::string_view kMessageId = "message_id";
inline constexpr std::string_view kSender = "sender";
inline constexpr std::string_view kSentAtMs = "sent_at_ms";
inline constexpr std::string_view kRole = "role";
inline constexpr std::string_view kReadSeq = "read_seq";
inline constexpr std::string_view kKind = "kind";
inline constexpr std::string_view kLastSeq = "last_seq";
inline constexpr std::string_view kUnread = "unread";
inline constexpr std::string_view kLastMessage = "last_message";
inline constexpr std::string_view kServerTimeMs = "server_time_ms";
inline constexpr std::string_view kDuplicate = "duplicate";
inline constexpr std::string_view kMessages = "messages";
inline constexpr std::string_view kHasMore = "has_more";
inline constexpr std::string_view kConversation = "conversation";
inline constexpr std::string_view kConversations = "conversations";
inline constexpr std::string_view kAdded = "added";
// The message events (issue 16; docs/PROTOCOL.md, "Event kinds"). "kind" on a message entry is
// its event kind (values::kEvent*), absent for a plain message.
inline constexpr std::string_view kTargetSeq = "target_seq";
inline constexpr std::string_view kReplyTo = "reply_to";
inline constexpr std::string_view kEditedAtMs = "edited_at_ms";
inline constexpr std::string_view kDeleted = "deleted";
inline constexpr std::string_view kReactions = "reactions";
inline constexpr std::string_view kEmoji = "emoji";
inline constexpr std::string_view kCount = "count";
inline constexpr std::string_view kMine = "mine";
inline constexpr std::string_view kReply = "reply";
inline constexpr std::string_view kSnippet = "snippet";
inline constexpr std::string_view kRemove = "remove";
// Mentions (issue 16): a message's mentioned usernames, the conversation list's count of the
// caller's unread mentions, the push setting and the gateway's flag (docs/PROTOCOL.md).
inline constexpr std::string_view kMentions = "mentions";
inline constexpr std::string_view kUnreadMentions = "unread_mentions";
inline constexpr std::string_view kMentionPush = "mention_push";
inline constexpr std::string_view kMention = "mention";
// Attachments (issue 16): a send's attachment ids and a message's attachments, each an object
// of these fields (protocol/attachments.h; docs/PROTOCOL.md "Attachments").
inline constexpr std::string_view kAttachments = "attachments";
inline constexpr std::string_view kAttachmentId = "id";
inline constexpr std::string_view kContentType = "content_type";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kWidth = "width";
inline constexpr std::string_view kHeight = "height";
inline constexpr std::string_view kThumbnail = "thumbnail";

// Inbox events.
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kEvent = "event";
inline constexpr std::string_view kActor = "actor";

// Presence (mqchat/v1/p/<user>, retained).
inline constexpr std::string_view kState = "state";
inline constexpr std::string_view kLastSeenMs = "last_seen_ms";
inline constexpr std::string_view kDevices = "devices";

}  // namespace mqchat::protocol::fields

namespace mqchat::protocol::values {

// Conversation kinds.
inline constexpr std::string_view kKindDirect = "direct";
inline constexpr std::string_view kKindGroup = "group";

// Member roles.
inline constexpr std::string_view kRoleOwner = "owner";
inline constexpr std::string_view kRoleAdmin = "admin";
inline constexpr std::string_view kRoleMember = "member";

// Inbox event types ("type").
inline constexpr std::string_view kEventTypeMessage = "message";
inline constexpr std::string_view kEventTypeRead = "read";
// The user muted or unmuted a conversation (sent to the user's own inbox, every device).
inline constexpr std::string_view kEventTypeMute = "mute";
inline constexpr std::string_view kEventTypeConversation = "conversation";
inline constexpr std::string_view kEventTypeTyping = "typing";
// The user's block list or dm_policy changed (sent to the user's own inbox, every device).
inline constexpr std::string_view kEventTypePrivacy = "privacy";
// A user's public profile changed (sent to the user and to those sharing a conversation with
// them; protocol/profile.h).
inline constexpr std::string_view kEventTypeProfile = "profile";

// Conversation event names ("event" of a "conversation" event).
inline constexpr std::string_view kConversationCreated = "created";
inline constexpr std::string_view kMembersAdded = "members_added";
inline constexpr std::string_view kMemberRemoved = "member_removed";
inline constexpr std::string_view kRenamed = "renamed";
// An owner or admin changed the slow mode (set_slow_mode); the conversation carries the new one.
inline constexpr std::string_view kSlowModeChanged = "slow_mode";

// Presence states.
inline constexpr std::string_view kOnline = "online";
inline constexpr std::string_view kOffline = "offline";

// dm_policy values: who may open a direct conversation with the user and write into it.
inline constexpr std::string_view kDmEveryone = "everyone";
inline constexpr std::string_view kDmSharedGroup = "shared_group";
inline constexpr std::string_view kDmExistingOnly = "existing_only";

// Push platforms ("platform" of push_register).
inline constexpr std::string_view kPlatformFcm = "fcm";
inline constexpr std::string_view kPlatformApns = "apns";
inline constexpr std::string_view kPlatformWebPush = "webpush";
inline constexpr std::string_view kPlatformWebhook = "webhook";

// The op of an error response whose request topic named no known op.
inline constexpr std::string_view kUnknownOpName = "unknown";

// The "kind" of a message entry that is not a plain message (issue 16).
inline constexpr std::string_view kEventEdit = "edit";
inline constexpr std::string_view kEventDelete = "delete";
inline constexpr std::string_view kEventReact = "react";
inline constexpr std::string_view kEventUnreact = "unreact";
// A call's outcome (issue 27; protocol/call_record.h): not an event on a message, an entry of
// its own with a "call" record.
inline constexpr std::string_view kEventCall = "call";

}  // namespace mqchat::protocol::values
