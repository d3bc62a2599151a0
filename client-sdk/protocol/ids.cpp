#include "protocol/ids.h"

#include <limits>

namespace mqchat::protocol {

std::optional<int64_t> ParseNonNegativeDecimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<int64_t> ParseId(std::string_view text) {
  auto value = ParseNonNegativeDecimal(text);
  if (!value || *value == 0) return std::nullopt;
  return value;
}

std::string FormatId(int64_t id) { return std::to_string(id); }

}  // namespace mqchat::protocol
