// Helpers shared by the protocol's response and event decoders (wire_decode.cpp, responses.cpp):
// object checks and element-by-element array decoding. Internal to mqchat_protocol. Any thread.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {

// No protocol array is this long; the bound only keeps a hostile payload from costing much.
inline constexpr size_t kMaxArrayEntries = 1'000'000;

inline Status RequireObject(const nlohmann::json& value, std::string_view what) {
  if (value.is_object()) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " must be a JSON object");
}

// Decodes the array `key` of `obj` element by element with `decode`.
template <typename T, typename Decode>
Status ReadObjectArray(const nlohmann::json& obj, std::string_view key, Decode decode,
                       std::vector<T>* out) {
  const nlohmann::json* array = FindField(obj, key);
  if (array == nullptr) return Status::InvalidArgument(std::string(key) + " is missing");
  if (!array->is_array()) return Status::InvalidArgument(std::string(key) + " must be an array");
  out->clear();
  out->reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    auto item = decode((*array)[i]);
    if (!item.ok()) {
      return item.status().WithContext(std::string(key) + "[" + std::to_string(i) + "]");
    }
    out->push_back(std::move(item).value());
  }
  return Status::Ok();
}

}  // namespace mqchat::protocol
