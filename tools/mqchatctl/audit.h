// mqchatctl's `audit list [--json]` (issue 24): prints the audit log (migration 015), oldest
// first: who changed what of users' data and moderation (retention and slow mode settings,
// erasures, exports, report resolutions and their actions). Main thread.
#pragma once

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// Tab-separated lines (id, at_ms, actor, action, subject, detail), or one JSON array with
// `json`. kUnavailable for a store failure.
Status ListAudit(const store::StoreConfig& config, bool json);

}  // namespace mqchat::ctl
