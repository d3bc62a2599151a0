#include "protocol/request_field_readers.h"

#include <unordered_set>
#include <utility>

#include "protocol/call_record.h"
#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/text.h"

namespace mqchat::protocol::request_parsing {

using nlohmann::json;

Error BadRequest(std::string message) {
  return ProtocolError{ErrorCode::kBadRequest, std::move(message)};
}

Error Invalid(std::string message) {
  return ProtocolError{ErrorCode::kInvalid, std::move(message)};
}

Error FromStatus(const Status& status) {
  if (status.ok()) return std::nullopt;
  return BadRequest(status.message());
}

Error ReadLimit(const json& obj, int* limit) {
  int64_t value = *limit;
  Status status = ReadNonNegative(obj, fields::kLimit, Presence::kOptional, &value);
  if (!status.ok() || value < 1 || value > kMaxPageLimit) {
    return BadRequest("limit must be an integer from 1 to " + std::to_string(kMaxPageLimit));
  }
  *limit = static_cast<int>(value);
  return std::nullopt;
}

Error ReadUser(const json& obj, std::string_view key, std::string* user) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(FromStatus(ReadString(obj, key, Presence::kRequired, user)));
  return FromStatus(ValidateUsername(*user).WithContext(key));
}

Error ReadUsers(const json& obj, std::string_view key, Presence presence, size_t min_entries,
                std::vector<std::string>* users, size_t max_entries) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadStringArray(obj, key, presence, max_entries, users)));
  if (users->size() < min_entries) return BadRequest(std::string(key) + " is empty");
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> unique;
  unique.reserve(users->size());
  for (size_t i = 0; i < users->size(); ++i) {
    const std::string& user = (*users)[i];
    Status valid = ValidateUsername(user);
    if (!valid.ok()) {
      return FromStatus(valid.WithContext(std::string(key) + "[" + std::to_string(i) + "]"));
    }
    if (seen.insert(user).second) unique.push_back(user);
  }
  *users = std::move(unique);
  return std::nullopt;
}

Error ReadName(const json& obj, std::string* name) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kName, Presence::kRequired, name)));
  return ValidateConversationName(fields::kName, *name);
}

Error ReadClientMsgId(const json& obj, std::string* id) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kClientMsgId, Presence::kRequired, id)));
  if (id->empty() || id->size() > kMaxClientMsgIdBytes) {
    return BadRequest("client_msg_id must have 1 to " + std::to_string(kMaxClientMsgIdBytes) +
                      " bytes");
  }
  for (unsigned char c : *id) {
    if (c < 0x20 || c == 0x7F) return BadRequest("client_msg_id contains a control character");
  }
  if (id->compare(0, kCallEntryKeyPrefix.size(), kCallEntryKeyPrefix) == 0) {
    return BadRequest("client_msg_id may not start with \"" + std::string(kCallEntryKeyPrefix) +
                      "\" (the server's call entries)");
  }
  return std::nullopt;
}

Error ReadTargetSeq(const json& obj, int64_t* seq) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kSeq, Presence::kRequired, seq)));
  if (*seq < 1) return BadRequest("seq must be a message's seq (1 or more)");
  return std::nullopt;
}

Error ReadMentions(const json& obj, std::vector<std::string>* mentions) {
  return ReadUsers(obj, fields::kMentions, Presence::kOptional, 0, mentions, kMaxMentions);
}

}  // namespace mqchat::protocol::request_parsing
