// ICE servers for calls (issue 27; docs/PROTOCOL.md 8.4): the STUN and TURN URLs of the config
// and time-limited TURN credentials in the TURN REST API shape that coturn's use-auth-secret
// checks: username "<expiry unix seconds>:<user>", password base64(HMAC-SHA1(secret, username)).
// Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mqchat::call {

struct IceConfig {
  std::vector<std::string> stun_urls;
  std::vector<std::string> turn_urls;
  std::string turn_secret;        // coturn's static-auth-secret; empty: no TURN entry
  int64_t turn_ttl_s = 86400;     // how long credentials last
};

// "<expiry_s>:<user>".
std::string TurnUsername(int64_t expiry_s, std::string_view user);
// base64(HMAC-SHA1(secret, username)), standard alphabet with padding.
std::string TurnPassword(std::string_view secret, std::string_view username);
// Standard base64 (RFC 4648 section 4, with padding).
std::string Base64(std::string_view bytes);

// The RTCIceServer list for `user` at `now_s` (Unix seconds), and when its credentials expire.
struct IceServers {
  nlohmann::json servers = nlohmann::json::array();
  int64_t expires_at_ms = 0;  // 0: no credentials
};
IceServers MakeIceServers(const IceConfig& config, std::string_view user, int64_t now_s);

}  // namespace mqchat::call
