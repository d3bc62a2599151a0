// Topic names of the mqchat protocol (docs/PROTOCOL.md), shared by plugin, SDK and tests.
// Every topic lives under the versioned root "mqchat/v1". Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"
#include "protocol/ops.h"

namespace mqchat::protocol {

inline constexpr std::string_view kRoot = "mqchat/v1";

// A user's own namespace: mqchat/v1/u/<username>/...  Only that user may subscribe here.
std::string UserPrefix(std::string_view username);              // "mqchat/v1/u/<user>/"
std::string InboxTopic(std::string_view username);              // messages and events
std::string ReplyTopic(std::string_view username, std::string_view device_id);  // responses
std::string WillTopic(std::string_view username, std::string_view device_id);   // device will

// A user's presence: mqchat/v1/p/<username>, retained, published by the plugin only; the user and
// their contacts may subscribe. It is outside the user's namespace, with the user as the last
// level, because Mosquitto 2.0.11's retain tree gives every level above a retained message its
// own hash table: mqchat/v1/u/<user>/presence cost ~1,377 bytes per user, this ~608.
std::string PresenceTopic(std::string_view username);
// The user whose presence topic `topic` is, or nullopt if it is not exactly mqchat/v1/p/<user>
// with a valid username (so never for a filter with wildcards). The view points into `topic`.
std::optional<std::string_view> PresenceTopicUser(std::string_view topic);

// A text channel's live messages (issue 18, channel delivery): mqchat/v1/ch/<channel-id>,
// published by the plugin only, once per message; devices whose user may view the channel
// subscribe to it (the ACL decides from the broker's channel access cache).
std::string ChannelTopic(int64_t channel_id);
// The channel id of `topic` if it is exactly mqchat/v1/ch/<canonical positive decimal id>
// (so never for a filter with a wildcard), else nullopt.
std::optional<int64_t> ChannelTopicId(std::string_view topic);

// Request topics: mqchat/v1/c/<conversation-id>/<op> for conversation ops (IsConversationOp),
// mqchat/v1/req/<op> for the others (`conversation_id` is then ignored).
std::string RequestTopic(Op op, int64_t conversation_id = 0);

// What a request topic names. `op` is set whenever the op level names an op valid at that place,
// even if the conversation id is bad, so an error response can still echo it.
struct RequestTopicParts {
  std::optional<Op> op;
  // The op level as the client wrote it (the last level of an mqchat/v1/req/ or mqchat/v1/c/
  // topic), also when it names no op, so an UNKNOWN_OP response can say which op it refuses.
  std::string op_name;
  int64_t conversation_id = 0;         // > 0 for conversation ops when error is unset
  std::optional<ProtocolError> error;  // UNKNOWN_OP (no such topic) or BAD_REQUEST (bad id)
};
// Never fails to return; extra or missing levels and unknown ops give UNKNOWN_OP; an id that is
// not a canonical positive decimal (empty, sign, leading zero, > 2^63-1) gives BAD_REQUEST.
RequestTopicParts ParseRequestTopic(std::string_view topic);
// True if `topic` starts with mqchat/v1/req/ or mqchat/v1/c/: a publish the chat service answers
// (ParseRequestTopic then says whether it names an op).
bool HasRequestTopicPrefix(std::string_view topic);

// Splits a topic or filter on '/'.
std::vector<std::string_view> SplitTopic(std::string_view topic);

// If `topic` (no wildcards) is inside some user's namespace, returns that username.
std::optional<std::string_view> NamespaceOwner(std::string_view topic);

// The same matches over a topic or filter already split with SplitTopic, for code that checks
// several shapes of one topic (the ACL, on every publish and delivery) without building strings.
// The views returned point into the topic `levels` were split from.
//
// The username level of mqchat/v1/u/<username>/<one or more levels>, as it is (a filter's may be
// a wildcard); nullopt for any other topic.
std::optional<std::string_view> NamespaceOwner(const std::vector<std::string_view>& levels);
// True if `levels` are exactly WillTopic(username, device_id).
bool IsWillTopic(const std::vector<std::string_view>& levels, std::string_view username,
                 std::string_view device_id);
// True if `levels` have the shape of a request topic, mqchat/v1/req/<op> or
// mqchat/v1/c/<conversation-id>/<op>, whatever the op and id levels hold (ParseRequestTopic says
// whether they name an op).
bool HasRequestTopicShape(const std::vector<std::string_view>& levels);

// MQTT's shared-subscription filters, "$share/<group>/<filter>", start with this.
inline constexpr std::string_view kSharedSubscriptionPrefix = "$share/";

}  // namespace mqchat::protocol
