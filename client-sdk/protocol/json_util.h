// Non-throwing nlohmann::json helpers for request parsing and wire coding: typed field access
// (every failure is Status::InvalidArgument naming the field) and serialization. Any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::protocol {

// A field that is absent or JSON null is "missing": an error if kRequired, else `*out` is kept.
enum class Presence { kRequired, kOptional };

// The field's value, or nullptr if `obj` is not an object or the field is absent or null.
const nlohmann::json* FindField(const nlohmann::json& obj, std::string_view key);

Status ReadString(const nlohmann::json& obj, std::string_view key, Presence presence,
                  std::string* out);
Status ReadBool(const nlohmann::json& obj, std::string_view key, Presence presence, bool* out);
// A JSON integer (not a float) in 0..INT64_MAX.
Status ReadNonNegative(const nlohmann::json& obj, std::string_view key, Presence presence,
                       int64_t* out);
// A positive 64-bit id: a canonical decimal string (the wire form) or a JSON integer.
Status ReadId(const nlohmann::json& obj, std::string_view key, Presence presence, int64_t* out);
// An array of at most `max_entries` strings.
Status ReadStringArray(const nlohmann::json& obj, std::string_view key, Presence presence,
                       size_t max_entries, std::vector<std::string>* out);

// Same checks on a bare value; `what` names it in messages (e.g. "cursors[\"12\"]").
Status NonNegativeFromJson(const nlohmann::json& value, std::string_view what, int64_t* out);
Status IdFromJson(const nlohmann::json& value, std::string_view what, int64_t* out);

// Compact JSON text of `value`. Never throws: ill-formed UTF-8 in strings becomes U+FFFD.
std::string DumpJson(const nlohmann::json& value);

}  // namespace mqchat::protocol
