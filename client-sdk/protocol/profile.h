// Profiles in protocol v1: what other users may see of a user's profile (display name, status
// text, avatar), as the API service answers GET /v1/users/{name} (docs/openapi.yaml) and as the
// "profile" inbox event carries it after a change (docs/PROTOCOL.md section 5, "profile"). The
// event is a hint like typing: never stored, not in any conversation's log, not in sync; a
// (re)connecting client refetches the profiles it shows. Private fields (discoverable) are never
// in it. Encoders for the plugin and the API, decoders for the SDK. Pure; any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::protocol {

struct WireProfile {
  std::string user;
  std::string display_name;  // "" none
  std::string status_text;   // "" none
  std::string avatar_type;   // the image's media type; "" with avatar_url "" (no avatar)
  std::string avatar_url;    // API path of the image; changes with the image; "" none
  int64_t updated_at_ms = 0;

  bool operator==(const WireProfile& o) const {
    return user == o.user && display_name == o.display_name && status_text == o.status_text &&
           avatar_type == o.avatar_type && avatar_url == o.avatar_url &&
           updated_at_ms == o.updated_at_ms;
  }
};

// The API path of `username`'s avatar stored as blob `avatar_id` ("" none: returns ""):
// /v1/users/<username>/avatar?v=<the id's first 8 characters>, so the URL changes with the
// image and caches may keep it.
std::string AvatarPath(std::string_view username, std::string_view avatar_id);

// The "avatar" value: {"type","url"}, or null without one.
nlohmann::json EncodeAvatar(const WireProfile& profile);

// The "profile" inbox event:
// {"type":"profile","user","display_name","status_text","avatar":{"type","url"}|null,
//  "updated_at_ms"}.
std::string ProfileEvent(const WireProfile& profile);
// InvalidArgument unless `event` has a valid user, the two texts, an avatar object with type
// and url (or null) and updated_at_ms (0..INT64_MAX).
Result<WireProfile> DecodeProfileEvent(const nlohmann::json& event);

}  // namespace mqchat::protocol
