// Topic names of the mqchat protocol (docs/PROTOCOL.md), shared by plugin, SDK and tests.
// Every topic lives under the versioned root "mqchat/v1". Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::protocol {

inline constexpr std::string_view kRoot = "mqchat/v1";

// A user's own namespace: mqchat/v1/u/<username>/...  Only that user may subscribe here.
std::string UserPrefix(std::string_view username);              // "mqchat/v1/u/<user>/"
std::string InboxTopic(std::string_view username);              // messages and events
std::string ReplyTopic(std::string_view username, std::string_view device_id);  // responses
std::string PresenceTopic(std::string_view username);           // retained, plugin-published
std::string WillTopic(std::string_view username, std::string_view device_id);   // device will

// Splits a topic or filter on '/'.
std::vector<std::string_view> SplitTopic(std::string_view topic);

// If `topic` (no wildcards) is inside some user's namespace, returns that username.
std::optional<std::string_view> NamespaceOwner(std::string_view topic);

}  // namespace mqchat::protocol
