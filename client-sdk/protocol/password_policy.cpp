#include "protocol/password_policy.h"

#include "protocol/identity.h"
#include "protocol/text.h"

namespace mqchat::protocol {
namespace {

// True if `valid_utf8` is one code point repeated (compares each code point's bytes with the
// first one's).
bool IsOneCharacterRepeated(std::string_view valid_utf8) {
  if (valid_utf8.empty()) return false;
  size_t first_len = 1;
  while (first_len < valid_utf8.size() &&
         (static_cast<unsigned char>(valid_utf8[first_len]) & 0xC0) == 0x80) {
    ++first_len;
  }
  if (valid_utf8.size() % first_len != 0) return false;
  const std::string_view first = valid_utf8.substr(0, first_len);
  for (size_t i = first_len; i < valid_utf8.size(); i += first_len) {
    if (valid_utf8.substr(i, first_len) != first) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> CheckPasswordPolicy(std::string_view username,
                                               std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return "the password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes";
  }
  if (!IsValidUtf8(password)) return std::string("the password is not valid UTF-8");
  if (CountCodePoints(password) < kMinPasswordChars) {
    return "the password needs at least " + std::to_string(kMinPasswordChars) + " characters";
  }
  if (IsOneCharacterRepeated(password)) {
    return std::string("the password must not be one character repeated");
  }
  if (UsernameKey(password) == UsernameKey(username)) {
    return std::string("the password must not be the username");
  }
  return std::nullopt;
}

}  // namespace mqchat::protocol
