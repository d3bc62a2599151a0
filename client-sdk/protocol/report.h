// Reports (issue 24): the reasons a user may give when reporting another user or a message, and
// the bound on a report's free text, once for the plugin, the SDK and the tools (docs/PROTOCOL.md
// "report"). Any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace mqchat::protocol {

// The fixed list of reasons, as on the wire.
inline constexpr std::string_view kReportReasons[] = {
    "spam", "harassment", "hate", "sexual", "violence", "self_harm", "impersonation", "other"};
// At most this many characters (code points) of free text.
inline constexpr size_t kMaxReportDetailsChars = 1000;

// Whether `reason` is one of kReportReasons.
bool IsReportReason(std::string_view reason);

}  // namespace mqchat::protocol
