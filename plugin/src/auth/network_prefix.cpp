#include "auth/network_prefix.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace mqchat::auth {
namespace {

constexpr int kIpv6PrefixBytes = 7;  // /56

std::string Ipv4Prefix(const unsigned char* b) {
  char out[32];
  std::snprintf(out, sizeof(out), "4:%u.%u.%u", b[0], b[1], b[2]);
  return out;
}

bool IsV4Mapped(const unsigned char* b) {
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b, kMapped, sizeof(kMapped)) == 0;
}

}  // namespace

std::string NetworkPrefix(std::string_view address) {
  // inet_pton needs a NUL-terminated string; a longer text is no address.
  char text[INET6_ADDRSTRLEN + 1];
  if (address.empty() || address.size() >= sizeof(text)) return "?:" + std::string(address);
  std::memcpy(text, address.data(), address.size());
  text[address.size()] = '\0';
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text, bytes) == 1) return Ipv4Prefix(bytes);
  if (inet_pton(AF_INET6, text, bytes) == 1) {
    if (IsV4Mapped(bytes)) return Ipv4Prefix(bytes + 12);
    std::string out = "6:";
    static const char kHex[] = "0123456789abcdef";
    for (int i = 0; i < kIpv6PrefixBytes; ++i) {
      out += kHex[bytes[i] >> 4];
      out += kHex[bytes[i] & 0xf];
    }
    return out;
  }
  return "?:" + std::string(address);
}

}  // namespace mqchat::auth
