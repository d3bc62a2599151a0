// The results of the app's requests (ClientImpl, client_ops.cpp), decoded from their responses
// with the protocol's decoders (protocol/responses.h) and converted to the SDK's public types.
// A result body that does not decode is a malformed server response: kInternal naming the op
// (client-sdk/README.md, "Errors"). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "mqchat/types.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

// open_direct, create_group, add_members, remove_member, leave, rename: the conversation as it
// is after the change, if the server sent it, and the users add_members added (else empty).
struct ChangeResult {
  std::optional<Conversation> conversation;
  std::vector<std::string> added;
};
Result<ChangeResult> DecodeChangeResult(const protocol::Response& r);
// open_direct and create_group, which always carry the conversation.
Result<Conversation> DecodeNewConversation(const protocol::Response& r);

Result<std::vector<Member>> DecodeMembersResult(const protocol::Response& r);
Result<std::vector<ConversationSummary>> DecodeConversationsResult(const protocol::Response& r);
Result<HistoryPage> DecodeHistoryResult(const protocol::Response& r);
// read: the caller's read marker after the request.
Result<int64_t> DecodeReadResult(const protocol::Response& r);
// report: the report's id, and whether it was filed before under that client_msg_id.
Result<ReportReceipt> DecodeReportResult(const protocol::Response& r);

}  // namespace mqchat::sdk
