// Slow mode (issue 24): the least time between two messages of one member of a conversation,
// set by a group's owners and admins (`set_slow_mode`, docs/PROTOCOL.md), who are exempt from
// it; once for the plugin, the SDK and the tools. A message sent sooner is refused with
// RATE_LIMITED and the wait in retry_after_ms, which the SDK and web outboxes honour before
// they resend. `conversations` carries the setting (`slow_mode_s`, absent when off). Any thread.
#pragma once

#include <cstdint>

namespace mqchat::protocol {

// Seconds 0 turn slow mode off; at most this many otherwise (six hours).
inline constexpr int64_t kMaxSlowModeSeconds = 21600;

}  // namespace mqchat::protocol
