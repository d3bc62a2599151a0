// Identity rules shared by the plugin and the SDK: usernames, device ids and client ids.
// Client ids have the form "<username>/<device-id>". Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::protocol {

inline constexpr size_t kMaxUsernameLength = 64;
inline constexpr size_t kMaxDeviceIdLength = 64;

// A username is 1-64 characters of [A-Za-z0-9_.-], starting with a letter or digit. This keeps
// every user's topic namespace free of MQTT wildcards (+ #), separators (/), '$' and NUL.
Status ValidateUsername(std::string_view username);
// The store records the operator's own actions (mqchatctl, the admin API) under the actor name
// "operator" (store::kOperatorActor), so no account may have that name, in any case: it could act
// as the operator. True for it.
bool IsReservedUsername(std::string_view username);
// ValidateUsername, and not reserved: for creating an account and for every login.
Status ValidateAccountName(std::string_view username);
// The name a username is unique by: its ASCII lowercase form. "Bob", "BOB" and "bob" are one
// name, so no user can pose as another by case in a list or a message. Only one spelling may
// exist; it is the one topics and client ids use. The store enforces the same rule with SQL
// lower(), which agrees with this on the ASCII names ValidateUsername accepts.
std::string UsernameKey(std::string_view username);

// A device id follows the same character rules as a username.
Status ValidateDeviceId(std::string_view device_id);

struct ClientIdentity {
  std::string username;
  std::string device_id;
};

// Splits "<username>/<device-id>", validating both parts.
Result<ClientIdentity> ParseClientId(std::string_view client_id);
std::string MakeClientId(std::string_view username, std::string_view device_id);

}  // namespace mqchat::protocol
