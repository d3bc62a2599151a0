// Encoders and decoders of the response bodies in responses.h.
#include "protocol/responses.h"

#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
constexpr Presence kRequired = Presence::kRequired;

template <typename T, typename Encode>
json EncodeArray(const std::vector<T>& items, Encode encode) {
  json out = json::array();
  for (const auto& item : items) out.push_back(encode(item));
  return out;
}

}  // namespace

json EncodeHistoryPage(const WireHistoryPage& page) {
  json out{{fields::kConversationId, FormatId(page.conversation_id)},
           {fields::kMessages, EncodeArray(page.messages, EncodeMessage)},
           {fields::kHasMore, page.has_more}};
  if (page.expired_through_seq > 0) out[fields::kExpiredThroughSeq] = page.expired_through_seq;
  return out;
}

Result<WireHistoryPage> DecodeHistoryPage(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "history"));
  WireHistoryPage page;
  MQCHAT_RETURN_IF_ERROR(ReadId(body, fields::kConversationId, kRequired, &page.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray(body, fields::kMessages, DecodeMessage, &page.messages));
  MQCHAT_RETURN_IF_ERROR(ReadBool(body, fields::kHasMore, kRequired, &page.has_more));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(body, fields::kExpiredThroughSeq, Presence::kOptional,
                                         &page.expired_through_seq));
  return page;
}

json EncodeMembersList(const WireMembersList& list) {
  return json{{fields::kConversationId, FormatId(list.conversation_id)},
              {fields::kMembers, EncodeArray(list.members, EncodeMember)}};
}

Result<WireMembersList> DecodeMembersList(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "members"));
  WireMembersList list;
  MQCHAT_RETURN_IF_ERROR(ReadId(body, fields::kConversationId, kRequired, &list.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray(body, fields::kMembers, DecodeMember, &list.members));
  return list;
}

json EncodeConversationsList(const WireConversationsList& list) {
  return json{{fields::kConversations, EncodeArray(list.conversations, EncodeSummary)}};
}

Result<WireConversationsList> DecodeConversationsList(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "conversations"));
  WireConversationsList list;
  MQCHAT_RETURN_IF_ERROR(
      ReadObjectArray(body, fields::kConversations, DecodeSummary, &list.conversations));
  return list;
}

json EncodeSyncPage(const WireSyncPage& page) {
  return json{{fields::kConversations, EncodeArray(page.conversations, EncodeSyncConversation)}};
}

json EncodeReadMarker(const WireReadMarker& marker) {
  return json{{fields::kConversationId, FormatId(marker.conversation_id)},
              {fields::kReadSeq, marker.read_seq}};
}

Result<WireReadMarker> DecodeReadMarker(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "read"));
  WireReadMarker marker;
  MQCHAT_RETURN_IF_ERROR(ReadId(body, fields::kConversationId, kRequired, &marker.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(body, fields::kReadSeq, kRequired, &marker.read_seq));
  return marker;
}

json EncodeTypingAck(const WireTypingAck& ack) {
  return json{{fields::kConversationId, FormatId(ack.conversation_id)}};
}

Result<WireTypingAck> DecodeTypingAck(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "typing"));
  WireTypingAck ack;
  MQCHAT_RETURN_IF_ERROR(ReadId(body, fields::kConversationId, kRequired, &ack.conversation_id));
  return ack;
}

json EncodeConversationChange(const WireConversationChange& change) {
  json out = json::object();
  if (change.conversation) out[fields::kConversation] = EncodeConversation(*change.conversation);
  if (change.added) out[fields::kAdded] = *change.added;
  return out;
}

Result<WireConversationChange> DecodeConversationChange(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "conversation change"));
  WireConversationChange change;
  if (const json* conversation = FindField(body, fields::kConversation)) {
    auto decoded = DecodeConversation(*conversation);
    if (!decoded.ok()) return decoded.status().WithContext(fields::kConversation);
    change.conversation = std::move(decoded).value();
  }
  if (FindField(body, fields::kAdded) != nullptr) {
    std::vector<std::string> added;
    MQCHAT_RETURN_IF_ERROR(
        ReadStringArray(body, fields::kAdded, kRequired, kMaxArrayEntries, &added));
    change.added = std::move(added);
  }
  return change;
}

}  // namespace mqchat::protocol
