// The request body parsers: one ParseBody per request body type (protocol/requests.h), each
// reading its fields from the request object with the shared readers
// (request_field_readers.h), and ParseBodyFor, which picks the one of an op. Defined by
// concept: message_request_parsers.cpp, conversation_request_parsers.cpp,
// push_request_parsers.cpp, safety_request_parsers.cpp, search_request_parser.cpp. Internal to
// the protocol library; pure; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "protocol/ops.h"
#include "protocol/request_field_readers.h"
#include "protocol/requests.h"

namespace mqchat::protocol::request_parsing {

// Builds the body alternative of `op` and parses it from `obj`.
Error ParseBodyFor(Op op, const nlohmann::json& obj, const RequestLimits& limits,
                   RequestBody* body);

// Messages and their events (message_request_parsers.cpp).
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, SendRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, EditRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, DeleteRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, ReactRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, HistoryRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, ReadRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, TypingRequest* body);
// Conversations and membership (conversation_request_parsers.cpp).
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, MembersRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, LeaveRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, ConversationsRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, AddMembersRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, RemoveMemberRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, RenameRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, OpenDirectRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, CreateGroupRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, SyncRequest* body);
// Push notifications and mutes (push_request_parsers.cpp).
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, MuteRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, PushRegisterRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits,
                PushUnregisterRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, PushSettingsRequest* body);
// Blocks, privacy, reports, retention and slow mode (safety_request_parsers.cpp).
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, BlockRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, UnblockRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, BlocksRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, SetDmPolicyRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, ReportRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, SetRetentionRequest* body);
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, SetSlowModeRequest* body);
// Search (search_request_parser.cpp).
Error ParseBody(const nlohmann::json& obj, const RequestLimits& limits, SearchRequest* body);

}  // namespace mqchat::protocol::request_parsing
