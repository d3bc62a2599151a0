// The reaction emoji rule (issue 16): a reaction is exactly one emoji, checked on the broker
// thread before the request is queued. Pure function; any thread.
//
// The rule, deliberately simpler than Unicode's full segmentation (UAX #29) and emoji data:
// well-formed UTF-8 of 1..kMaxEmojiBytes bytes, no control character or whitespace, and one
// extended grapheme cluster in the shapes emoji take:
//   - a base code point: anything at or above U+00A0 that is not whitespace, a combining or
//     joining code point itself; or an ASCII keycap base (0-9, #, *) that must then end in U+20E3;
//   - followed only by extenders: variation selectors (U+FE0E, U+FE0F), skin tones
//     (U+1F3FB..U+1F3FF), the keycap U+20E3, tags (U+E0020..U+E007F, subdivision flags), and
//     U+200D ZERO WIDTH JOINER each followed by one more base (ZWJ sequences: families, ...);
//   - or a flag: exactly two regional indicators (U+1F1E6..U+1F1FF).
// So "👍", "👍🏽", "❤️", "👨‍👩‍👧", "🇫🇷", "1️⃣" and "é" pass; "", "ab", "👍👍", " 👍", "\n" fail.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "protocol/errors.h"

namespace mqchat::protocol {

inline constexpr size_t kMaxEmojiBytes = 64;

// nullopt if `emoji` is one emoji by the rule above; else BAD_EMOJI saying why.
std::optional<ProtocolError> ValidateEmoji(std::string_view emoji);

}  // namespace mqchat::protocol
