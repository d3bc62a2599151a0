// mqchatctl's `conversation retention ID DAYS|default` (issue 24; docs/OPERATIONS.md
// "Retention"): gives a conversation its own retention (days; 0 keeps forever) or returns it to
// the server's default (plugin_opt_retention_days). The brokers' sweepers apply it at their next
// sweep. Written to the audit log. Main thread.
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// `days` is "default" or 0..36500. kInvalidArgument for anything else, kNotFound if there is no
// such conversation, kUnavailable for a store failure.
Status SetConversationRetention(const store::StoreConfig& config, int64_t id,
                                const std::string& days);

}  // namespace mqchat::ctl
