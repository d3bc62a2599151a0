// The bodies of members, leave, conversations, add_members, remove_member, rename, open_direct,
// create_group and sync (request_body_parsers.h).
#include <string>

#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/request_body_parsers.h"

namespace mqchat::protocol::request_parsing {

using nlohmann::json;

Error ParseBody(const json&, const RequestLimits&, MembersRequest*) { return std::nullopt; }
Error ParseBody(const json&, const RequestLimits&, LeaveRequest*) { return std::nullopt; }
Error ParseBody(const json&, const RequestLimits&, ConversationsRequest*) { return std::nullopt; }

Error ParseBody(const json& obj, const RequestLimits&, AddMembersRequest* body) {
  return ReadUsers(obj, fields::kUsers, Presence::kRequired, 1, &body->users);
}

Error ParseBody(const json& obj, const RequestLimits&, RemoveMemberRequest* body) {
  return ReadUser(obj, fields::kUser, &body->user);
}

Error ParseBody(const json& obj, const RequestLimits&, RenameRequest* body) {
  return ReadName(obj, &body->name);
}

Error ParseBody(const json& obj, const RequestLimits&, OpenDirectRequest* body) {
  return ReadUser(obj, fields::kUser, &body->user);
}

Error ParseBody(const json& obj, const RequestLimits&, CreateGroupRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadName(obj, &body->name));
  return ReadUsers(obj, fields::kMembers, Presence::kOptional, 0, &body->members);
}

Error ParseBody(const json& obj, const RequestLimits&, SyncRequest* body) {
  if (const json* cursors = FindField(obj, fields::kCursors)) {
    if (!cursors->is_object()) {
      return BadRequest("cursors must be an object of conversation id -> seq");
    }
    if (cursors->size() > kMaxSyncCursors) {
      return BadRequest("cursors has " + std::to_string(cursors->size()) +
                        " entries; the limit is " + std::to_string(kMaxSyncCursors));
    }
    body->cursors.reserve(cursors->size());
    for (auto it = cursors->begin(); it != cursors->end(); ++it) {
      auto id = ParseId(it.key());
      if (!id) return BadRequest("cursors keys must be positive decimal conversation ids");
      int64_t seq = 0;
      MQCHAT_RETURN_IF_PROTOCOL_ERROR(
          FromStatus(NonNegativeFromJson(it.value(), "cursors[\"" + it.key() + "\"]", &seq)));
      body->cursors.emplace_back(*id, seq);
    }
  }
  return ReadLimit(obj, &body->limit);
}

}  // namespace mqchat::protocol::request_parsing
