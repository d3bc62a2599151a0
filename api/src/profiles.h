// The profile endpoints, all for a caller authenticated by its access token (bearer_auth.h):
// - GET /v1/me: my profile, with `discoverable`.
// - PATCH /v1/me {"display_name"?, "status_text"?, "discoverable"?}: changes the fields given
//   (display name up to 64 characters, status up to 140, UTF-8 without control characters; ""
//   clears one); answers my profile.
// - PUT /v1/me/avatar: the raw image as the body (any Content-Type: the type is told from the
//   bytes, PNG/JPEG/GIF/WebP, else 415; over avatar_max_bytes 413). Stored as uploaded (not
//   resized: no image library runs on untrusted bytes here) in the BlobStore; the previous
//   avatar's blob is deleted. DELETE /v1/me/avatar removes it.
// A change others see (display name, status, avatar set or removed) is saved with a broker
// notice in its transaction (ProfileStore::SaveAndAnnounce): brokers send the `profile` inbox
// event (protocol/profile.h) to the user's devices and their contacts'.
// - GET /v1/users/{name} and /v1/users/{name}/avatar: the profile (image) of a user the caller
//   shares a conversation with, or the caller's own; any other user, an unknown, disabled or
//   deleted one, gets the same 404.
// Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "bearer_auth.h"
#include "blob_store.h"
#include "http_types.h"
#include "profile_store.h"
#include "store_pool.h"

namespace mqchat::api {

inline constexpr size_t kMaxDisplayNameChars = 64;
inline constexpr size_t kMaxStatusTextChars = 140;

// A profile as the API shows it: username, display_name, status_text, avatar ({"type","url"}
// or null), updated_at_ms; with `mine`, discoverable too.
nlohmann::json ProfileJson(const Profile& profile, bool mine);

// nullopt if `text` may be a display name or status of at most `max_chars` characters, else
// why not (naming `field`).
std::optional<std::string> CheckProfileText(std::string_view field, std::string_view text,
                                            size_t max_chars);

// The response for a failed store call on `store`: the lease is discarded after kUnavailable.
ApiResponse StoreFailure(StoreLease& store, const Status& status, std::string_view what);

class ProfileHandlers {
 public:
  // `blobs` may be null (no blob_dir): avatar uploads then get 503 UNAVAILABLE.
  ProfileHandlers(StorePool* stores, const BearerAuth* auth, BlobStore* blobs,
                  size_t avatar_max_bytes, std::function<int64_t()> now_ms)
      : stores_(stores),
        auth_(auth),
        blobs_(blobs),
        avatar_max_bytes_(avatar_max_bytes),
        now_ms_(std::move(now_ms)) {}

  ApiResponse GetMe(const ApiRequest& request);
  ApiResponse PatchMe(const ApiRequest& request);
  ApiResponse PutAvatar(const ApiRequest& request);
  ApiResponse DeleteAvatar(const ApiRequest& request);
  ApiResponse GetUser(const ApiRequest& request);
  ApiResponse GetAvatar(const ApiRequest& request);

  // Runs `body` with a store lease and the authenticated caller's username (or answers the
  // authentication failure). Shared with the lookup and device handlers.
  using CallerBody = std::function<ApiResponse(StoreLease& store, const std::string& caller)>;
  static ApiResponse WithCaller(StorePool* stores, const BearerAuth* auth, int64_t now_ms,
                                const ApiRequest& request, const CallerBody& body);

 private:
  ApiResponse WithCaller(const ApiRequest& request, const CallerBody& body) {
    return WithCaller(stores_, auth_, now_ms_(), request, body);
  }
  // The profile of path_params[0] if `caller` may see it; else the 404 (`not_found`).
  std::variant<Profile, ApiResponse> VisibleProfile(StoreLease& store, const std::string& caller,
                                                    const std::string& name,
                                                    std::string_view not_found);
  // Stores `avatar_id`/`avatar_type` in the caller's profile and deletes the previous blob.
  ApiResponse ReplaceAvatar(StoreLease& store, const std::string& caller,
                            const std::string& avatar_id, std::string_view avatar_type);

  StorePool* stores_;
  const BearerAuth* auth_;
  BlobStore* blobs_;
  const size_t avatar_max_bytes_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
