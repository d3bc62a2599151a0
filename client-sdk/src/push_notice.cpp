// ParsePushNotice (mqchat/push.h): what a notification the gateway relayed announces.
#include <optional>
#include <string>

#include "mqchat/push.h"
#include "protocol/ids.h"

namespace mqchat {
namespace {

const std::string* Find(const std::map<std::string, std::string>& fields, const char* key) {
  auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

}  // namespace

Result<PushNotice> ParsePushNotice(const std::map<std::string, std::string>& fields) {
  const std::string* room = Find(fields, "room_id");
  if (room == nullptr) room = Find(fields, "conversation_id");
  if (room == nullptr) {
    return Status::InvalidArgument("not a message notification: no room_id (counts only?)");
  }
  PushNotice notice;
  const std::optional<int64_t> conversation = protocol::ParseId(*room);
  if (!conversation) return Status::InvalidArgument("room_id is not a conversation id");
  notice.conversation_id = *conversation;

  const std::string* first = Find(fields, "first_seq");
  const std::optional<int64_t> first_seq =
      first == nullptr ? std::nullopt : protocol::ParseId(*first);
  if (!first_seq) return Status::InvalidArgument("first_seq is missing or not a positive seq");
  notice.first_seq = *first_seq;

  notice.last_seq = notice.first_seq;
  if (const std::string* last = Find(fields, "last_seq")) {
    const std::optional<int64_t> last_seq = protocol::ParseId(*last);
    if (!last_seq) return Status::InvalidArgument("last_seq is not a positive seq");
    notice.last_seq = *last_seq;
  } else if (const std::string* event_id = Find(fields, "event_id")) {
    // "<conversation_id>:<last_seq>" (docs/PROTOCOL.md 7.4).
    const size_t colon = event_id->find(':');
    const std::optional<int64_t> last_seq =
        colon == std::string::npos ? std::nullopt : protocol::ParseId(event_id->substr(colon + 1));
    if (!last_seq || event_id->substr(0, colon) != *room) {
      return Status::InvalidArgument("event_id is not <room_id>:<last_seq>");
    }
    notice.last_seq = *last_seq;
  }
  if (notice.last_seq < notice.first_seq) {
    return Status::InvalidArgument("last_seq is below first_seq");
  }
  if (const std::string* sender = Find(fields, "sender")) notice.sender = *sender;
  return notice;
}

}  // namespace mqchat
