#include "protocol/json_writer.h"

#include <nlohmann/json.hpp>

#include "protocol/json_util.h"
#include "protocol/text.h"

namespace mqchat::protocol {

JsonObjectWriter::JsonObjectWriter(size_t expected_size) {
  out_.reserve(expected_size);
  out_.push_back('{');
}

void JsonObjectWriter::Key(std::string_view key) {
  if (out_.size() > 1) out_.push_back(',');
  Escaped(key);
  out_.push_back(':');
}

void JsonObjectWriter::Escaped(std::string_view value) {
  if (!IsValidUtf8(value)) {
    out_ += DumpJson(nlohmann::json(std::string(value)));  // replaces ill-formed sequences
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(value.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        out_ += "\\u00";
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xf]);
    }
  }
  out_.append(value.data() + run, value.size() - run);
  out_.push_back('"');
}

JsonObjectWriter& JsonObjectWriter::String(std::string_view key, std::string_view value) {
  Key(key);
  Escaped(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Int(std::string_view key, int64_t value) {
  Key(key);
  out_ += std::to_string(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Bool(std::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObjectWriter& JsonObjectWriter::RawJson(std::string_view key, std::string_view json) {
  Key(key);
  out_.append(json.data(), json.size());
  return *this;
}

JsonObjectWriter& JsonObjectWriter::StringArray(std::string_view key,
                                                const std::vector<std::string>& values) {
  Key(key);
  out_.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out_.push_back(',');
    Escaped(values[i]);
  }
  out_.push_back(']');
  return *this;
}

std::string JsonObjectWriter::Finish() {
  out_.push_back('}');
  std::string done = std::move(out_);
  out_.clear();
  out_.push_back('{');
  return done;
}

}  // namespace mqchat::protocol
