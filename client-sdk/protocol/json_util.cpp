#include "protocol/json_util.h"

#include <limits>

#include "protocol/ids.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

Status Missing(std::string_view key) {
  return Status::InvalidArgument(std::string(key) + " is missing");
}

Status WrongType(std::string_view what, std::string_view expected) {
  return Status::InvalidArgument(std::string(what) + " must be " + std::string(expected));
}

// Resolves the field for the Read* functions: sets *value to nullptr when an optional field
// is missing (the caller keeps its default).
Status Lookup(const json& obj, std::string_view key, Presence presence, const json** value) {
  *value = FindField(obj, key);
  if (*value == nullptr && presence == Presence::kRequired) return Missing(key);
  return Status::Ok();
}

}  // namespace

const json* FindField(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status ReadString(const json& obj, std::string_view key, Presence presence, std::string* out) {
  const json* value = nullptr;
  MQCHAT_RETURN_IF_ERROR(Lookup(obj, key, presence, &value));
  if (value == nullptr) return Status::Ok();
  if (!value->is_string()) return WrongType(key, "a string");
  *out = value->get_ref<const std::string&>();
  return Status::Ok();
}

Status ReadBool(const json& obj, std::string_view key, Presence presence, bool* out) {
  const json* value = nullptr;
  MQCHAT_RETURN_IF_ERROR(Lookup(obj, key, presence, &value));
  if (value == nullptr) return Status::Ok();
  if (!value->is_boolean()) return WrongType(key, "true or false");
  *out = value->get<bool>();
  return Status::Ok();
}

Status NonNegativeFromJson(const json& value, std::string_view what, int64_t* out) {
  if (value.is_number_unsigned()) {
    const uint64_t v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return WrongType(what, "a non-negative integer below 2^63");
    }
    *out = static_cast<int64_t>(v);
    return Status::Ok();
  }
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    if (v < 0) return WrongType(what, "a non-negative integer");
    *out = v;
    return Status::Ok();
  }
  return WrongType(what, "a non-negative integer");
}

Status IdFromJson(const json& value, std::string_view what, int64_t* out) {
  if (value.is_string()) {
    auto id = ParseId(value.get_ref<const std::string&>());
    if (!id) return WrongType(what, "a positive decimal id");
    *out = *id;
    return Status::Ok();
  }
  int64_t id = 0;
  if (!NonNegativeFromJson(value, what, &id).ok() || id == 0) {
    return WrongType(what, "a positive decimal id");
  }
  *out = id;
  return Status::Ok();
}

Status ReadNonNegative(const json& obj, std::string_view key, Presence presence, int64_t* out) {
  const json* value = nullptr;
  MQCHAT_RETURN_IF_ERROR(Lookup(obj, key, presence, &value));
  if (value == nullptr) return Status::Ok();
  return NonNegativeFromJson(*value, key, out);
}

Status ReadId(const json& obj, std::string_view key, Presence presence, int64_t* out) {
  const json* value = nullptr;
  MQCHAT_RETURN_IF_ERROR(Lookup(obj, key, presence, &value));
  if (value == nullptr) return Status::Ok();
  return IdFromJson(*value, key, out);
}

Status ReadStringArray(const json& obj, std::string_view key, Presence presence, size_t max_entries,
                       std::vector<std::string>* out) {
  const json* value = nullptr;
  MQCHAT_RETURN_IF_ERROR(Lookup(obj, key, presence, &value));
  if (value == nullptr) return Status::Ok();
  if (!value->is_array()) return WrongType(key, "an array of strings");
  if (value->size() > max_entries) {
    return Status::InvalidArgument(std::string(key) + " has " + std::to_string(value->size()) +
                                   " entries; the limit is " + std::to_string(max_entries));
  }
  std::vector<std::string> result;
  result.reserve(value->size());
  for (size_t i = 0; i < value->size(); ++i) {
    const json& item = (*value)[i];
    if (!item.is_string()) {
      return WrongType(std::string(key) + "[" + std::to_string(i) + "]", "a string");
    }
    result.push_back(item.get_ref<const std::string&>());
  }
  *out = std::move(result);
  return Status::Ok();
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace mqchat::protocol
