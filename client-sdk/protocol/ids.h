// Decimal spelling of 64-bit ids (conversation ids, message ids) in topics and JSON strings.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqchat::protocol {

// Parses a canonical positive decimal id: 1..9223372036854775807, digits only, no sign, no
// leading zero, no whitespace. nullopt otherwise (so every id has exactly one spelling).
std::optional<int64_t> ParseId(std::string_view text);

// Parses a canonical non-negative decimal (as ParseId, but "0" is allowed).
std::optional<int64_t> ParseNonNegativeDecimal(std::string_view text);

// The decimal spelling of `id`.
std::string FormatId(int64_t id);

}  // namespace mqchat::protocol
