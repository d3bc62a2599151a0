#include "protocol/search.h"

#include "protocol/community.h"
#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
constexpr Presence kRequired = Presence::kRequired;
// A channel result's server name, beside community_fields::kServerId.
constexpr char kServerName[] = "server_name";

json EncodeResult(const WireSearchResult& r) {
  json highlights = json::array();
  for (const auto& [begin, end] : r.highlights) highlights.push_back(json::array({begin, end}));
  json conversation{{fields::kConversationId, FormatId(r.message.conversation_id)},
                    {fields::kKind, r.conversation_kind},
                    {fields::kName, r.conversation_name}};
  if (r.server_id > 0) {
    conversation[community_fields::kServerId] = FormatId(r.server_id);
    conversation[kServerName] = r.server_name;
  }
  return json{{fields::kConversation, std::move(conversation)},
              {fields::kMessage, EncodeMessage(r.message)},
              {fields::kSnippet, r.snippet},
              {fields::kHighlights, std::move(highlights)}};
}

Status ReadHighlights(const json& obj, std::vector<std::pair<int64_t, int64_t>>* out) {
  const json* array = FindField(obj, fields::kHighlights);
  if (array == nullptr || !array->is_array()) {
    return Status::InvalidArgument("highlights must be an array");
  }
  for (const json& pair : *array) {
    int64_t begin = 0;
    int64_t end = 0;
    if (!pair.is_array() || pair.size() != 2 ||
        !NonNegativeFromJson(pair[0], "highlights", &begin).ok() ||
        !NonNegativeFromJson(pair[1], "highlights", &end).ok() || begin > end) {
      return Status::InvalidArgument("highlights: each must be [begin, end], 0 <= begin <= end");
    }
    out->emplace_back(begin, end);
  }
  return Status::Ok();
}

Result<WireSearchResult> DecodeResult(const json& obj) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(obj, "search result"));
  WireSearchResult r;
  const json* conversation = FindField(obj, fields::kConversation);
  if (conversation == nullptr) return Status::InvalidArgument("conversation is missing");
  MQCHAT_RETURN_IF_ERROR(RequireObject(*conversation, "conversation"));
  MQCHAT_RETURN_IF_ERROR(ReadString(*conversation, fields::kKind, kRequired, &r.conversation_kind));
  MQCHAT_RETURN_IF_ERROR(
      ReadString(*conversation, fields::kName, Presence::kOptional, &r.conversation_name));
  // A channel's server: absent from other kinds (and from servers before this field).
  MQCHAT_RETURN_IF_ERROR(
      ReadId(*conversation, community_fields::kServerId, Presence::kOptional, &r.server_id));
  MQCHAT_RETURN_IF_ERROR(
      ReadString(*conversation, kServerName, Presence::kOptional, &r.server_name));
  const json* message = FindField(obj, fields::kMessage);
  if (message == nullptr) return Status::InvalidArgument("message is missing");
  auto decoded = DecodeMessage(*message);
  if (!decoded.ok()) return decoded.status().WithContext(fields::kMessage);
  r.message = std::move(decoded).value();
  MQCHAT_RETURN_IF_ERROR(ReadString(obj, fields::kSnippet, kRequired, &r.snippet));
  MQCHAT_RETURN_IF_ERROR(ReadHighlights(obj, &r.highlights));
  return r;
}

}  // namespace

std::string FormatSearchCursor(int64_t message_id) { return FormatId(message_id); }

std::optional<int64_t> ParseSearchCursor(std::string_view cursor) { return ParseId(cursor); }

json EncodeSearchPage(const WireSearchPage& page) {
  json results = json::array();
  for (const auto& r : page.results) results.push_back(EncodeResult(r));
  json out{{fields::kResults, std::move(results)}, {fields::kHasMore, page.has_more}};
  if (page.has_more) out[fields::kNextCursor] = page.next_cursor;
  return out;
}

Result<WireSearchPage> DecodeSearchPage(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "search"));
  WireSearchPage page;
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray(body, fields::kResults, DecodeResult, &page.results));
  MQCHAT_RETURN_IF_ERROR(ReadBool(body, fields::kHasMore, kRequired, &page.has_more));
  MQCHAT_RETURN_IF_ERROR(ReadString(body, fields::kNextCursor,
                                    page.has_more ? kRequired : Presence::kOptional,
                                    &page.next_cursor));
  return page;
}

}  // namespace mqchat::protocol
