// Base64url (RFC 4648 section 5, no padding) as used by JWTs and our password-hash format.
// Pure functions with no shared state: safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::auth {

// Encodes `data` with the URL-safe alphabet ('-', '_') and no '=' padding.
std::string Base64UrlEncode(std::string_view data);

// Decodes unpadded base64url. Strict: fails with kInvalidArgument on any character outside the
// alphabet (including '=', '+', '/', whitespace), on an impossible length (len % 4 == 1) and on
// non-canonical input (non-zero unused bits in the last character), so that every byte string has
// exactly one accepted encoding. The empty string decodes to the empty string.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace mqchat::auth
