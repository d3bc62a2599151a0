// Strict UTF-8 validation and code point counting for message text and names.
// Single pass, no allocation on success; pure functions, any thread (runs on the broker thread).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/errors.h"

namespace mqchat::protocol {

inline constexpr size_t kDefaultMaxMessageChars = 100000;
inline constexpr size_t kMaxConversationNameChars = 200;

// The result of one pass over a byte string.
struct Utf8Scan {
  bool valid = true;        // well-formed UTF-8 (RFC 3629 / Unicode table 3-7)
  size_t error_offset = 0;  // if !valid: byte offset of the first ill-formed sequence
  size_t code_points = 0;   // code points counted (up to error_offset if !valid)
  bool has_nul = false;     // contains U+0000 (valid UTF-8, but refused in text and names)
  size_t nul_offset = 0;    // if has_nul: byte offset of the first NUL
};

// Scans `bytes`. Ill-formed: overlong encodings, surrogates U+D800..U+DFFF, code points above
// U+10FFFF, bytes C0 C1 F5..FF, truncated sequences and stray continuation bytes.
Utf8Scan ScanUtf8(std::string_view bytes);

// True if `bytes` is well-formed UTF-8 (NUL allowed).
bool IsValidUtf8(std::string_view bytes);

// `bytes` with each byte that starts an ill-formed sequence replaced by U+FFFD (the bytes after
// it are scanned again), so the result is well-formed UTF-8. Linear in the size of `bytes`.
std::string ReplaceIllFormedUtf8(std::string_view bytes);

// Number of code points in `valid_utf8` (counts non-continuation bytes; garbage in, garbage out).
size_t CountCodePoints(std::string_view valid_utf8);

// Checks message text in this order: INVALID_UTF8 (ill-formed, or contains NUL), EMPTY_TEXT
// (zero bytes), TOO_LONG (more than `max_chars` code points). nullopt if the text is acceptable.
std::optional<ProtocolError> ValidateMessageText(std::string_view text, size_t max_chars);

// Checks a conversation name: INVALID_UTF8 (ill-formed, or NUL), BAD_REQUEST if it is empty or
// has more than `max_chars` code points. The messages name `field`.
std::optional<ProtocolError> ValidateConversationName(std::string_view field, std::string_view name,
                                                      size_t max_chars = kMaxConversationNameChars);

}  // namespace mqchat::protocol
