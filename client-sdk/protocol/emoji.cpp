#include "protocol/emoji.h"

#include <string>
#include <vector>

#include "protocol/text.h"

namespace mqchat::protocol {
namespace {

// Decodes well-formed UTF-8 (checked by the caller) into code points.
std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

bool IsControlOrSpace(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x20 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}
bool IsRegional(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
bool IsKeycapBase(char32_t c) { return (c >= '0' && c <= '9') || c == '#' || c == '*'; }
bool IsExtender(char32_t c) {
  return c == 0xFE0E || c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0x20E3 ||
         (c >= 0xE0020 && c <= 0xE007F);
}
// A code point that may start a cluster (or follow a ZWJ).
bool IsBase(char32_t c) {
  const bool combining = (c >= 0x0300 && c <= 0x036F) || (c >= 0x20D0 && c <= 0x20FF) ||
                         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFE20 && c <= 0xFE2F);
  return c >= 0xA0 && !combining && !IsExtender(c) && c != 0x200D && !IsControlOrSpace(c);
}

std::optional<ProtocolError> Bad(const std::string& why) {
  return ProtocolError{ErrorCode::kBadEmoji, "emoji must be one emoji: " + why};
}

}  // namespace

std::optional<ProtocolError> ValidateEmoji(std::string_view emoji) {
  if (emoji.empty()) return Bad("it is empty");
  if (emoji.size() > kMaxEmojiBytes) {
    return Bad("it has more than " + std::to_string(kMaxEmojiBytes) + " bytes");
  }
  if (!IsValidUtf8(emoji)) return Bad("it is not UTF-8");
  const std::vector<char32_t> cps = CodePoints(emoji);
  for (char32_t c : cps) {
    if (IsControlOrSpace(c)) return Bad("it holds a control or space character");
  }
  if (IsRegional(cps[0])) {
    if (cps.size() == 2 && IsRegional(cps[1])) return std::nullopt;
    return Bad("a flag is exactly two regional indicators");
  }
  if (IsKeycapBase(cps[0])) {
    const bool keycap = cps.back() == 0x20E3 &&
                        (cps.size() == 2 || (cps.size() == 3 && cps[1] == 0xFE0F));
    return keycap ? std::nullopt : Bad("a keycap is 0-9, # or * then U+20E3");
  }
  if (!IsBase(cps[0])) return Bad("it does not start with an emoji");
  for (size_t i = 1; i < cps.size(); ++i) {
    if (IsExtender(cps[i])) continue;
    if (cps[i] == 0x200D && i + 1 < cps.size() && IsBase(cps[i + 1])) {
      ++i;  // a ZWJ sequence: the joined base belongs to the same cluster
      continue;
    }
    return Bad("it holds more than one character");
  }
  return std::nullopt;
}

}  // namespace mqchat::protocol
