// Presence payloads: what the plugin publishes, retained, on mqchat/v1/p/<user>, and
// what a device's last will says. Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::protocol {

struct WirePresence {
  std::string user;
  bool online = false;
  int64_t last_seen_ms = 0;  // while online: when the state was published
  int devices = 0;           // connected devices, as far as this broker (or Redis) knows
};

std::string EncodePresence(const WirePresence& presence);
// InvalidArgument for anything but a JSON object with user and state, or for a number the struct
// cannot hold: last_seen_ms outside 0..INT64_MAX, devices outside 0..INT_MAX.
Result<WirePresence> DecodePresence(std::string_view payload);

// The payload SDKs put in their device's last will ({"state":"offline"}).
std::string DeviceWillPayload();

}  // namespace mqchat::protocol
