// The field readers the request body parsers share (requests.cpp's ParseRequest): each reads
// one field of a request object and answers the protocol error it earns (nullopt: read). The
// error type, and MQCHAT_RETURN_IF_PROTOCOL_ERROR to pass one on. Internal to the protocol
// library; pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"
#include "protocol/errors.h"
#include "protocol/json_util.h"
#include "protocol/requests.h"

namespace mqchat::protocol::request_parsing {

using Error = std::optional<ProtocolError>;

#define MQCHAT_RETURN_IF_PROTOCOL_ERROR(expr)                          \
  do {                                                                 \
    ::mqchat::protocol::request_parsing::Error mqchat_error_ = (expr); \
    if (mqchat_error_) return mqchat_error_;                           \
  } while (0)

Error BadRequest(std::string message);
Error Invalid(std::string message);
// BAD_REQUEST with the status's message; nullopt for OK.
Error FromStatus(const Status& status);

// `limit`: 1 to kMaxPageLimit, optional (`*limit` keeps its default).
Error ReadLimit(const nlohmann::json& obj, int* limit);
// A valid username, required.
Error ReadUser(const nlohmann::json& obj, std::string_view key, std::string* user);
// Reads an array of usernames, validates each and drops repeats (first occurrence kept).
Error ReadUsers(const nlohmann::json& obj, std::string_view key, Presence presence,
                size_t min_entries, std::vector<std::string>* users,
                size_t max_entries = kMaxUsersPerRequest);
// A group's `name`, required.
Error ReadName(const nlohmann::json& obj, std::string* name);
Error ReadClientMsgId(const nlohmann::json& obj, std::string* id);
// The seq an event names: required, at least 1.
Error ReadTargetSeq(const nlohmann::json& obj, int64_t* seq);
// The optional `mentions` of a send or an edit.
Error ReadMentions(const nlohmann::json& obj, std::vector<std::string>* mentions);

}  // namespace mqchat::protocol::request_parsing
