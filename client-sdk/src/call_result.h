// Decoding the call answers and events (protocol/call.h) into the public types of mqchat/call.h.
// Any thread.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "mqchat/call.h"
#include "mqchat/status.h"
#include "protocol/call.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

// The answer to call_invite, call_accept or call_join.
Result<CallSession> CallSessionResult(const protocol::Response& r);
// The answer to ice_servers.
Result<std::vector<IceServer>> IceServersResult(const protocol::Response& r);
// An inbox event of type "call" (nullopt if malformed).
std::optional<CallEvent> CallEventFromJson(const nlohmann::json& event);
// The protocol's call_signal request of `signal`.
protocol::CallRequest CallSignalRequest(const std::string& call_id, const CallSignal& signal);

}  // namespace mqchat::sdk
