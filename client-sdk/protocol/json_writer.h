// JsonObjectWriter: writes one flat JSON object straight into a string, for the payloads sent
// once per message (the send ack and the message event), where building an nlohmann::json tree
// and dumping it cost allocations per field and a copy of the text. Strings must be valid
// UTF-8 (every string the server handles was validated on the way in); an ill-formed one is
// written with U+FFFD in place of each bad sequence, as DumpJson does. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::protocol {

class JsonObjectWriter {
 public:
  // `expected_size`: a hint for the output's length (e.g. the text's size plus the rest).
  explicit JsonObjectWriter(size_t expected_size = 256);

  JsonObjectWriter& String(std::string_view key, std::string_view value);
  JsonObjectWriter& Int(std::string_view key, int64_t value);
  JsonObjectWriter& Bool(std::string_view key, bool value);
  JsonObjectWriter& StringArray(std::string_view key, const std::vector<std::string>& values);
  // `json` must be a complete JSON value made by this library's encoders (written as is).
  JsonObjectWriter& RawJson(std::string_view key, std::string_view json);

  // Closes the object and hands back the text; the writer is then empty.
  std::string Finish();

 private:
  void Key(std::string_view key);
  void Escaped(std::string_view value);

  std::string out_;
};

}  // namespace mqchat::protocol
