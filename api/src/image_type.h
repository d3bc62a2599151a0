// Image types the API accepts for avatars, told by their first bytes (the magic numbers), never
// by the Content-Type a client claims: PNG, JPEG, GIF and WebP. The image is not decoded here
// (no image library runs on untrusted bytes in the service). Pure; any thread.
#pragma once

#include <optional>
#include <string_view>

namespace mqchat::api {

// "image/png", "image/jpeg", "image/gif" or "image/webp"; nullopt for anything else.
std::optional<std::string_view> SniffImageType(std::string_view data);

}  // namespace mqchat::api
