#include "store/pg/pg_chat_sql.h"

namespace mqchat::store::pg_chat_sql {

std::string TextArray(const std::vector<std::string>& values) {
  size_t size = 2;
  for (const std::string& value : values) {
    size += value.size() + 3;
  }
  std::string out;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    // Quoted, every element is taken verbatim except for backslash escapes: no NULL, no
    // trimming, commas and braces allowed.
    out += '"';
    for (const char ch : values[i]) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
      }
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string Int64Array(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

}  // namespace mqchat::store::pg_chat_sql
