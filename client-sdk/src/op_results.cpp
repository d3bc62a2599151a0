#include "op_results.h"

#include <utility>

#include "convert.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/responses.h"

namespace mqchat::sdk {
namespace {

// Decodes `r`'s result body with `decode`; a body that does not decode is kInternal.
template <typename Decode>
auto DecodeBody(const protocol::Response& r, Decode decode) -> decltype(decode(r.body)) {
  auto decoded = decode(r.body);
  if (!decoded.ok()) {
    return Status::Internal("malformed " + r.op + " response: " + decoded.status().message());
  }
  return decoded;
}

template <typename Wire>
auto FromWireAll(const std::vector<Wire>& items) {
  std::vector<decltype(FromWire(items.front()))> out;
  out.reserve(items.size());
  for (const Wire& item : items) out.push_back(FromWire(item));
  return out;
}

}  // namespace

Result<ChangeResult> DecodeChangeResult(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(protocol::WireConversationChange change,
                          DecodeBody(r, protocol::DecodeConversationChange));
  ChangeResult out;
  if (change.conversation) out.conversation = FromWire(*change.conversation);
  if (change.added) out.added = std::move(*change.added);
  return out;
}

Result<Conversation> DecodeNewConversation(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(ChangeResult change, DecodeChangeResult(r));
  if (!change.conversation) {
    return Status::Internal("malformed " + r.op + " response: conversation is missing");
  }
  return std::move(*change.conversation);
}

Result<std::vector<Member>> DecodeMembersResult(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(protocol::WireMembersList list,
                          DecodeBody(r, protocol::DecodeMembersList));
  return FromWireAll(list.members);
}

Result<std::vector<ConversationSummary>> DecodeConversationsResult(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(protocol::WireConversationsList list,
                          DecodeBody(r, protocol::DecodeConversationsList));
  return FromWireAll(list.conversations);
}

Result<HistoryPage> DecodeHistoryResult(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(protocol::WireHistoryPage wire,
                          DecodeBody(r, protocol::DecodeHistoryPage));
  HistoryPage page;
  page.messages = FromWireAll(wire.messages);
  page.has_more = wire.has_more;
  return page;
}

Result<int64_t> DecodeReadResult(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(protocol::WireReadMarker marker,
                          DecodeBody(r, protocol::DecodeReadMarker));
  return marker.read_seq;
}

Result<ReportReceipt> DecodeReportResult(const protocol::Response& r) {
  ReportReceipt out;
  Status s = protocol::ReadId(r.body, protocol::fields::kReportId, protocol::Presence::kRequired,
                              &out.report_id);
  if (s.ok()) {
    s = protocol::ReadBool(r.body, protocol::fields::kDuplicate, protocol::Presence::kRequired,
                           &out.duplicate);
  }
  if (!s.ok()) return Status::Internal("malformed " + r.op + " response: " + s.message());
  return out;
}

}  // namespace mqchat::sdk
