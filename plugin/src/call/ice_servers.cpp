#include "call/ice_servers.h"

#include <cstdint>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace mqchat::call {

std::string TurnUsername(int64_t expiry_s, std::string_view user) {
  return std::to_string(expiry_s) + ":" + std::string(user);
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string TurnPassword(std::string_view secret, std::string_view username) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac,
           &mac_len) == nullptr) {
    return {};
  }
  return Base64(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

IceServers MakeIceServers(const IceConfig& config, std::string_view user, int64_t now_s) {
  IceServers out;
  if (!config.stun_urls.empty()) {
    nlohmann::json stun = nlohmann::json::object();
    stun["urls"] = config.stun_urls;
    out.servers.push_back(std::move(stun));
  }
  if (!config.turn_urls.empty() && !config.turn_secret.empty()) {
    const int64_t expiry = now_s + config.turn_ttl_s;
    const std::string username = TurnUsername(expiry, user);
    nlohmann::json turn = nlohmann::json::object();
    turn["urls"] = config.turn_urls;
    turn["username"] = username;
    turn["credential"] = TurnPassword(config.turn_secret, username);
    out.servers.push_back(std::move(turn));
    out.expires_at_ms = expiry * 1000;
  }
  return out;
}

}  // namespace mqchat::call
