// mqchatctl's moderation commands (issue 24): `reports list [--open] [--json]` prints the
// reports users filed (oldest first; the reported message's text as it was when filed), and
// `reports resolve ID [--note TEXT]` marks one resolved. Main thread.
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// Prints the reports (only unresolved ones if `open_only`): tab-separated lines, or one JSON
// array with `json`. kUnavailable for a store failure.
Status ListReports(const store::StoreConfig& config, bool open_only, bool json);
// Resolves report `id` with `note`. kNotFound if there is no such report, kInvalidArgument if
// it was resolved already (a refusal: exit code 1).
Status ResolveReport(const store::StoreConfig& config, int64_t id, const std::string& note);

}  // namespace mqchat::ctl
