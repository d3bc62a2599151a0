#include "protocol/request_body_parsers.h"

namespace mqchat::protocol::request_parsing {

Error ParseBodyFor(Op op, const nlohmann::json& obj, const RequestLimits& limits,
                   RequestBody* body) {
  switch (op) {
#define MQCHAT_BODY_CASE(kOp, Type) \
  case Op::kOp:                     \
    return ParseBody(obj, limits, &body->emplace<Type>());
    MQCHAT_BODY_CASE(kSend, SendRequest)
    MQCHAT_BODY_CASE(kHistory, HistoryRequest)
    MQCHAT_BODY_CASE(kRead, ReadRequest)
    MQCHAT_BODY_CASE(kMembers, MembersRequest)
    MQCHAT_BODY_CASE(kAddMembers, AddMembersRequest)
    MQCHAT_BODY_CASE(kRemoveMember, RemoveMemberRequest)
    MQCHAT_BODY_CASE(kLeave, LeaveRequest)
    MQCHAT_BODY_CASE(kRename, RenameRequest)
    MQCHAT_BODY_CASE(kTyping, TypingRequest)
    MQCHAT_BODY_CASE(kMute, MuteRequest)
    MQCHAT_BODY_CASE(kEdit, EditRequest)
    MQCHAT_BODY_CASE(kDelete, DeleteRequest)
    MQCHAT_BODY_CASE(kReact, ReactRequest)
    MQCHAT_BODY_CASE(kOpenDirect, OpenDirectRequest)
    MQCHAT_BODY_CASE(kCreateGroup, CreateGroupRequest)
    MQCHAT_BODY_CASE(kConversations, ConversationsRequest)
    MQCHAT_BODY_CASE(kSync, SyncRequest)
    MQCHAT_BODY_CASE(kPushRegister, PushRegisterRequest)
    MQCHAT_BODY_CASE(kPushUnregister, PushUnregisterRequest)
    MQCHAT_BODY_CASE(kPushSettings, PushSettingsRequest)
    MQCHAT_BODY_CASE(kBlock, BlockRequest)
    MQCHAT_BODY_CASE(kUnblock, UnblockRequest)
    MQCHAT_BODY_CASE(kBlocks, BlocksRequest)
    MQCHAT_BODY_CASE(kSetDmPolicy, SetDmPolicyRequest)
    MQCHAT_BODY_CASE(kReport, ReportRequest)
    MQCHAT_BODY_CASE(kSearch, SearchRequest)
    MQCHAT_BODY_CASE(kSetRetention, SetRetentionRequest)
    MQCHAT_BODY_CASE(kSetSlowMode, SetSlowModeRequest)
#undef MQCHAT_BODY_CASE
  }
  return ProtocolError{ErrorCode::kInternal, "op without a parser"};
}

// An unparsable payload that looks like a JSON object but is not UTF-8 is INVALID_UTF8 (the

}  // namespace mqchat::protocol::request_parsing
