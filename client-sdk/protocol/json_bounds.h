// A bounded first look at a JSON text: one SAX pass that builds nothing and stops at the first
// value nested too deep, the first element past a count, or the first string (or key) too long,
// so a hostile payload costs no more than reading it. ParseRequest runs it before building the
// nlohmann tree, which then holds at most `max_elements` values. Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqchat::protocol {

struct JsonBounds {
  size_t max_depth = 4;            // the top-level value is depth 1
  size_t max_elements = 20000;     // values of any kind (objects, arrays, scalars), keys excluded
  size_t max_string_bytes = 4096;  // decoded bytes of one string or key
};

struct JsonBoundsScan {
  // Set when a bound was exceeded (the scan stopped there): what was exceeded, for an error
  // message, e.g. "payload nests deeper than 4 levels".
  std::optional<std::string> excess;
  // True if the text is well-formed JSON as far as the scan read it (it reads to the end when
  // nothing is exceeded).
  bool syntax_ok = true;
  // Whether the text's top-level value is an object (false until its first token is read).
  bool top_is_object = false;
  // The top-level object's string value for `capture_key`, if met before the scan stopped.
  std::optional<std::string> captured;
};

// Scans `text`; `capture_key` (may be empty) names a top-level string field to report even when
// a later part of the text exceeds a bound (the request parser uses it for req_id).
JsonBoundsScan ScanJsonBounds(std::string_view text, const JsonBounds& bounds,
                              std::string_view capture_key);

}  // namespace mqchat::protocol
