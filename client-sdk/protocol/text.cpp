#include "protocol/text.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace mqchat::protocol {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Length of the well-formed multi-byte sequence at p (lead byte >= 0x80), or 0 if ill-formed.
// Ranges follow Unicode table 3-7, which rules out overlongs, surrogates and > U+10FFFF.
size_t MultiByteLength(const unsigned char* p, const unsigned char* end) {
  const unsigned char lead = p[0];
  const size_t avail = static_cast<size_t>(end - p);
  if (lead >= 0xC2 && lead <= 0xDF) {
    return (avail >= 2 && IsContinuation(p[1])) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (avail < 3) return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (lead == 0xE0) lo = 0xA0;  // overlong below U+0800
    if (lead == 0xED) hi = 0x9F;  // surrogates U+D800..U+DFFF
    return (p[1] >= lo && p[1] <= hi && IsContinuation(p[2])) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (avail < 4) return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (lead == 0xF0) lo = 0x90;  // overlong below U+10000
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
    return (p[1] >= lo && p[1] <= hi && IsContinuation(p[2]) && IsContinuation(p[3])) ? 4 : 0;
  }
  return 0;  // continuation byte as lead, C0/C1 (overlong), F5..FF
}

}  // namespace

Utf8Scan ScanUtf8(std::string_view bytes) {
  Utf8Scan scan;
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* p = begin;
  const unsigned char* end = begin + bytes.size();
  size_t count = 0;
  while (p < end) {
    // Fast path: 8 ASCII bytes, none of them NUL. (v - 1 per byte) sets a byte's high bit only
    // where that byte was 0 (borrow) or already had its high bit.
    while (end - p >= 8) {
      uint64_t v;
      std::memcpy(&v, p, sizeof(v));
      if ((v | (v - kOnes)) & kHighBits) break;
      p += 8;
      count += 8;
    }
    if (p >= end) break;
    const unsigned char b = *p;
    if (b < 0x80) {
      if (b == 0 && !scan.has_nul) {
        scan.has_nul = true;
        scan.nul_offset = static_cast<size_t>(p - begin);
      }
      ++p;
      ++count;
      continue;
    }
    const size_t len = MultiByteLength(p, end);
    if (len == 0) {
      scan.valid = false;
      scan.error_offset = static_cast<size_t>(p - begin);
      break;
    }
    p += len;
    ++count;
  }
  scan.code_points = count;
  return scan;
}

bool IsValidUtf8(std::string_view bytes) { return ScanUtf8(bytes).valid; }

std::string ReplaceIllFormedUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  // Each scan stops at the next bad byte, so together they read `bytes` once.
  for (Utf8Scan scan = ScanUtf8(bytes); !scan.valid; scan = ScanUtf8(bytes)) {
    out.append(bytes.substr(0, scan.error_offset));
    out.append("\xEF\xBF\xBD");  // U+FFFD
    bytes.remove_prefix(scan.error_offset + 1);
  }
  out.append(bytes);
  return out;
}

size_t CountCodePoints(std::string_view valid_utf8) {
  size_t count = 0;
  for (char c : valid_utf8) {
    count += !IsContinuation(static_cast<unsigned char>(c));
  }
  return count;
}

namespace {

std::optional<ProtocolError> EncodingError(std::string_view field, const Utf8Scan& scan) {
  if (!scan.valid) {
    return ProtocolError{ErrorCode::kInvalidUtf8, std::string(field) +
                                                      " is not valid UTF-8 (at byte " +
                                                      std::to_string(scan.error_offset) + ")"};
  }
  if (scan.has_nul) {
    return ProtocolError{ErrorCode::kInvalidUtf8, std::string(field) + " contains NUL"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProtocolError> ValidateMessageText(std::string_view text, size_t max_chars) {
  const Utf8Scan scan = ScanUtf8(text);
  if (auto error = EncodingError("text", scan)) return error;
  if (text.empty()) return ProtocolError{ErrorCode::kEmptyText, "text is empty"};
  if (scan.code_points > max_chars) {
    return ProtocolError{ErrorCode::kTooLong, "text has " + std::to_string(scan.code_points) +
                                                  " characters; the limit is " +
                                                  std::to_string(max_chars)};
  }
  return std::nullopt;
}

std::optional<ProtocolError> ValidateConversationName(std::string_view field, std::string_view name,
                                                      size_t max_chars) {
  const Utf8Scan scan = ScanUtf8(name);
  if (auto error = EncodingError(field, scan)) return error;
  if (name.empty() || scan.code_points > max_chars) {
    return ProtocolError{ErrorCode::kBadRequest,
                         std::string(field) + " must have 1 to " + std::to_string(max_chars) +
                             " characters; it has " + std::to_string(scan.code_points)};
  }
  return std::nullopt;
}

}  // namespace mqchat::protocol
