#include "admin_groups.h"

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "chat/wire_convert.h"
#include "protocol/admin_api.h"
#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/ids.h"
#include "protocol/request_body.h"
#include "protocol/requests.h"
#include "protocol/responses.h"
#include "request_body.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;
namespace fields = protocol::fields;

// A new group's id is retried this often when another process issued it too.
constexpr int kIdAttempts = 5;

ApiResponse NoSuchGroup() { return ErrorResponse(ApiErrorCode::kNotFound, "no such group"); }

// The answer to a store refusal of a group change; its message names users or limits only.
ApiResponse Refused(const Status& s, AdminLease* lease, std::string_view what) {
  switch (s.code()) {
    case Code::kNotFound:
      return ErrorResponse(ApiErrorCode::kNotFound, s.message());
    case Code::kResourceExhausted:  // the group would be too large
      return ErrorResponse(ApiErrorCode::kInvalid, s.message());
    case Code::kPermissionDenied:
    case Code::kFailedPrecondition:
      return ErrorResponse(ApiErrorCode::kForbidden, s.message());
    case Code::kUnavailable:
      lease->Discard();
      return FailureResponse(s, what);
    default:
      return FailureResponse(s, what);
  }
}

// The body of `op` as the MQTT request reads it, from `body`'s fields; or the 400/422.
std::variant<protocol::RequestBody, ApiResponse> ReadOpBody(protocol::Op op,
                                                            const nlohmann::json& body) {
  protocol::RequestBody out;
  if (auto error = protocol::ParseRequestBody(op, body, protocol::RequestLimits{}, &out)) {
    return ErrorResponse(ApiErrorCode::kBadRequest, error->message);
  }
  return out;
}

// The path's {id}: a canonical decimal id, else nullopt.
std::optional<store::ConversationId> GroupId(const ApiRequest& request) {
  return protocol::ParseId(request.path_params.at(0));
}

bool HasOwner(const store::Conversation& c) {
  if (c.kind != store::ConversationKind::kGroup) return false;
  for (const auto& m : c.members) {
    if (m.role == store::MemberRole::kOwner) return true;
  }
  return false;
}

// Group `id` as the admin API may change it: nullopt (with the answer in `*error`) if it is
// not a group with an owner (a direct conversation, a channel's, none).
std::optional<store::Conversation> ReadGroup(AdminLease* lease, store::ConversationId id,
                                             ApiResponse* error) {
  auto c = lease->chat().GetConversation(id);
  if (!c.ok()) {
    *error = c.status().code() == Code::kNotFound ? NoSuchGroup()
                                                  : Refused(c.status(), lease, "admin group");
    return std::nullopt;
  }
  if (!HasOwner(*c)) {
    *error = NoSuchGroup();
    return std::nullopt;
  }
  return std::move(*c);
}

// The `create_group`/`add_members` response body for `c`.
ApiResponse Change(int status, const store::Conversation& c,
                   std::optional<std::vector<std::string>> added = std::nullopt) {
  return JsonResponse(status,
                      protocol::EncodeConversationChange({chat::ToWire(c), std::move(added)}));
}

}  // namespace

ApiResponse AdminGroups::Create(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  auto parsed = ParseJsonBody(request, {field::kOwner, fields::kName, fields::kMembers});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::string owner;
  if (auto error = ReadRequiredStrings(body, {{field::kOwner, &owner}})) return *error;
  if (Status valid = protocol::ValidateUsername(owner); !valid.ok()) {
    return ErrorResponse(ApiErrorCode::kInvalid, valid.message());
  }
  auto op_body = ReadOpBody(protocol::Op::kCreateGroup, body);
  if (auto* error = std::get_if<ApiResponse>(&op_body)) return *error;
  const auto& group = std::get<protocol::CreateGroupRequest>(std::get<0>(op_body));
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  store::AdminChatStore& chat = lease->chat();
  for (int attempt = 0;; ++attempt) {
    auto id = ids_.Next(chat);
    if (!id.ok()) return Refused(id.status(), &*lease, "admin group id");
    auto created = chat.AdminCreateGroup(*id, owner, group.name, group.members,
                                             max_members_, now_ms_());
    if (created.ok()) return Change(201, *created);
    if (created.status().code() != Code::kAlreadyExists || attempt + 1 == kIdAttempts) {
      return Refused(created.status(), &*lease, "admin create group");
    }
    ids_.Collided();  // mqchatctl or another API process issued it: read the store again
  }
}

ApiResponse AdminGroups::Members(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  auto id = GroupId(request);
  if (!id) return NoSuchGroup();
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  ApiResponse error;
  auto group = ReadGroup(&*lease, *id, &error);
  if (!group) return error;
  return Change(200, *group);
}

ApiResponse AdminGroups::AddMembers(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  auto parsed = ParseJsonBody(request, {fields::kUsers});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  auto op_body = ReadOpBody(protocol::Op::kAddMembers, std::get<nlohmann::json>(parsed));
  if (auto* error = std::get_if<ApiResponse>(&op_body)) return *error;
  const auto& users = std::get<protocol::AddMembersRequest>(std::get<0>(op_body)).users;
  auto id = GroupId(request);
  if (!id) return NoSuchGroup();
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  store::AdminChatStore& chat = lease->chat();
  ApiResponse error;
  if (!ReadGroup(&*lease, *id, &error)) return error;
  auto added = chat.AdminAddMembers(*id, users, max_members_, now_ms_());
  if (!added.ok()) return Refused(added.status(), &*lease, "admin add members");
  auto group = ReadGroup(&*lease, *id, &error);
  if (!group) return error;
  return Change(200, *group, std::move(*added));
}

ApiResponse AdminGroups::RemoveMember(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  if (!request.body.empty()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "this request takes no body");
  }
  auto id = GroupId(request);
  if (!id) return NoSuchGroup();
  const std::string& user = request.path_params.at(1);
  if (Status valid = protocol::ValidateUsername(user); !valid.ok()) {
    return ErrorResponse(ApiErrorCode::kInvalid, valid.message());
  }
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  store::AdminChatStore& chat = lease->chat();
  ApiResponse error;
  if (!ReadGroup(&*lease, *id, &error)) return error;
  Status removed = chat.AdminRemoveMember(*id, user, now_ms_());
  if (!removed.ok()) return Refused(removed, &*lease, "admin remove member");
  auto group = ReadGroup(&*lease, *id, &error);
  if (!group) return error;
  return Change(200, *group);
}

}  // namespace mqchat::api
