// AdminGroups: the admin API's groups (issue 15), for app backends that keep their own
// accounts; every request needs the admin key (AdminHandlers::Authorized, else 401).
//  - POST /v1/admin/groups {owner, name, members?}: creates a group owned by `owner`, with the
//    limits and checks of the MQTT `create_group` op (its body parsed by the protocol
//    library's ParseRequestBody; AdminChatStore::AdminCreateGroup: unknown users 404, more than
//    `max_group_members` 422). 201 with the `create_group` response body
//    ({"conversation": {...}}).
//  - GET /v1/admin/groups/{id}/members: 200 {"conversation": {...}} with its members and roles.
//  - POST /v1/admin/groups/{id}/members {users}: adds them, as `add_members` (with the owner's
//    rights); 200 {"conversation": {...}, "added": [...]} (members already in are skipped).
//  - DELETE /v1/admin/groups/{id}/members/{name}: removes one, as `remove_member`; the owner
//    cannot be removed (403, as over MQTT). 200 {"conversation": {...}}.
// A conversation that is not a group with an owner (a direct conversation, a channel's, an
// unknown id) is 404. Each change writes a `members` broker notice in its transaction, so every
// broker updates its caches and tells the members' connected devices at once
// (store/broker_notices.h). New ids come from OperatorIds (node id 1023; a duplicate id, from
// mqchatctl or another API process, is retried with the next). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>

#include "admin.h"
#include "http_types.h"
#include "ids/operator_ids.h"
#include "admin_stores.h"

namespace mqchat::api {

class AdminGroups {
 public:
  // Everything passed outlives this.
  AdminGroups(const AdminHandlers* admin, AdminStores* stores, int max_group_members,
              std::function<int64_t()> now_ms)
      : admin_(admin), stores_(stores), max_members_(max_group_members),
        now_ms_(std::move(now_ms)) {}

  ApiResponse Create(const ApiRequest& request);
  ApiResponse Members(const ApiRequest& request);
  ApiResponse AddMembers(const ApiRequest& request);
  ApiResponse RemoveMember(const ApiRequest& request);

 private:
  const AdminHandlers* admin_;
  AdminStores* stores_;
  const int max_members_;
  std::function<int64_t()> now_ms_;
  OperatorIds ids_;
};

}  // namespace mqchat::api
