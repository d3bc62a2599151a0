// Retention (issue 24): how long a conversation keeps its messages, once for the plugin, the SDK
// and the tools (docs/PROTOCOL.md "set_retention", "Expired messages"). A conversation keeps
// its messages for the server's default (plugin_opt_retention_days) unless an owner or admin of
// the group (or the operator) set its own number of days; messages older than that are removed
// in the background, keeping their seqs: history and sync name the highest expired seq
// (`expired_through_seq`), so a client sees a gap marked as expired, not a loss. Any thread.
#pragma once

#include <cstdint>

namespace mqchat::protocol {

// SetRetentionRequest::days meaning "the server's default again" (`"days":null`).
inline constexpr int64_t kRetentionServerDefault = -1;
// Days 0 keep forever; at most this many days otherwise (100 years).
inline constexpr int64_t kMaxRetentionDays = 36500;

}  // namespace mqchat::protocol
