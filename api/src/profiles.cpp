#include "profiles.h"

#include <utility>

#include "image_type.h"
#include "protocol/identity.h"
#include "protocol/profile.h"
#include "protocol/text.h"
#include "request_body.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

constexpr std::string_view kNoSuchUser = "no such user";
constexpr std::string_view kNoSuchAvatar = "no such user or avatar";

std::string AvatarUrl(const Profile& profile) {
  // The blob id's first digits make the URL change with the image (caches may keep it).
  return protocol::AvatarPath(profile.username, profile.avatar_id);
}

}  // namespace

nlohmann::json ProfileJson(const Profile& profile, bool mine) {
  nlohmann::json avatar = nullptr;
  if (!profile.avatar_id.empty()) {
    avatar = {{std::string(field::kType), profile.avatar_type},
              {std::string(field::kUrl), AvatarUrl(profile)}};
  }
  nlohmann::json out = {{std::string(field::kUsername), profile.username},
                        {std::string(field::kDisplayName), profile.display_name},
                        {std::string(field::kStatusText), profile.status_text},
                        {std::string(field::kAvatar), std::move(avatar)},
                        {std::string(field::kUpdatedAtMs), profile.updated_at_ms}};
  if (mine) out[std::string(field::kDiscoverable)] = profile.discoverable;
  return out;
}

std::optional<std::string> CheckProfileText(std::string_view field_name, std::string_view text,
                                            size_t max_chars) {
  const protocol::Utf8Scan scan = protocol::ScanUtf8(text);
  if (!scan.valid || scan.has_nul) return std::string(field_name) + " is not valid UTF-8";
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return std::string(field_name) + " has a control character";
  }
  if (scan.code_points > max_chars) {
    return std::string(field_name) + " is longer than " + std::to_string(max_chars) +
           " characters";
  }
  return std::nullopt;
}

ApiResponse StoreFailure(StoreLease& store, const Status& status, std::string_view what) {
  if (status.code() == Code::kUnavailable) store.Discard();
  return FailureResponse(status, what);
}

ApiResponse ProfileHandlers::WithCaller(StorePool* stores, const BearerAuth* auth,
                                        int64_t now_ms, const ApiRequest& request,
                                        const CallerBody& body) {
  auto store = stores->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "profile store");
  auto caller = auth->Authenticate(request, *store, now_ms);
  if (auto* error = std::get_if<ApiResponse>(&caller)) return *error;
  return body(*store, std::get<std::string>(caller));
}

ApiResponse ProfileHandlers::GetMe(const ApiRequest& request) {
  return WithCaller(request, [](StoreLease& store, const std::string& caller) {
    auto profile = store.profiles().Get(caller);
    if (!profile.ok()) return StoreFailure(store, profile.status(), "profile get");
    return JsonResponse(200, ProfileJson(*profile, /*mine=*/true));
  });
}

ApiResponse ProfileHandlers::PatchMe(const ApiRequest& request) {
  auto parsed = ParseJsonBody(request, {field::kDisplayName, field::kStatusText,
                                        field::kDiscoverable});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const nlohmann::json body = std::get<nlohmann::json>(std::move(parsed));
  if (body.empty()) return ErrorResponse(ApiErrorCode::kBadRequest, "no field to change");
  for (const auto& [key, max] : {std::pair{field::kDisplayName, kMaxDisplayNameChars},
                                 std::pair{field::kStatusText, kMaxStatusTextChars}}) {
    auto it = body.find(std::string(key));
    if (it == body.end()) continue;
    if (!it->is_string()) {
      return ErrorResponse(ApiErrorCode::kBadRequest,
                           "field '" + std::string(key) + "' must be a string");
    }
    if (auto why = CheckProfileText(key, it->get_ref<const std::string&>(), max)) {
      return ErrorResponse(ApiErrorCode::kInvalid, *why);
    }
  }
  auto discoverable = body.find(std::string(field::kDiscoverable));
  if (discoverable != body.end() && !discoverable->is_boolean()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "field 'discoverable' must be true or false");
  }
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto profile = store.profiles().Get(caller);
    if (!profile.ok()) return StoreFailure(store, profile.status(), "profile get");
    const Profile before = *profile;
    profile->display_name = body.value(std::string(field::kDisplayName), profile->display_name);
    profile->status_text = body.value(std::string(field::kStatusText), profile->status_text);
    profile->discoverable = body.value(std::string(field::kDiscoverable), profile->discoverable);
    profile->updated_at_ms = now_ms_();
    // Others see the name and status, not `discoverable`: only a change they see is announced.
    const bool seen =
        profile->display_name != before.display_name || profile->status_text != before.status_text;
    Status saved =
        seen ? store.profiles().SaveAndAnnounce(*profile) : store.profiles().Save(*profile);
    if (!saved.ok()) {
      return StoreFailure(store, saved, "profile save");
    }
    return JsonResponse(200, ProfileJson(*profile, /*mine=*/true));
  });
}

ApiResponse ProfileHandlers::PutAvatar(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    if (request.body.size() > avatar_max_bytes_) {
      return ErrorResponse(ApiErrorCode::kTooLarge,
                           "the avatar is larger than " + std::to_string(avatar_max_bytes_) +
                               " bytes");
    }
    const auto type = SniffImageType(request.body);
    if (!type) {
      return ErrorResponse(ApiErrorCode::kUnsupportedMediaType,
                           "the avatar must be a PNG, JPEG, GIF or WebP image");
    }
    if (blobs_ == nullptr) {
      return RetryLaterResponse(ApiErrorCode::kUnavailable,
                                "avatars are not configured on this server (blob_dir)", 60);
    }
    auto id = blobs_->Put(request.body);
    if (!id.ok()) return FailureResponse(id.status(), "avatar put");
    return ReplaceAvatar(store, caller, *id, *type);
  });
}

ApiResponse ProfileHandlers::DeleteAvatar(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    return ReplaceAvatar(store, caller, "", "");
  });
}

ApiResponse ProfileHandlers::ReplaceAvatar(StoreLease& store, const std::string& caller,
                                           const std::string& avatar_id,
                                           std::string_view avatar_type) {
  auto profile = store.profiles().Get(caller);
  Status saved = profile.status();
  std::string previous;
  if (profile.ok()) {
    previous = std::exchange(profile->avatar_id, avatar_id);
    profile->avatar_type = std::string(avatar_type);
    profile->updated_at_ms = now_ms_();
    // Removing no avatar changes nothing others see.
    saved = previous.empty() && avatar_id.empty() ? store.profiles().Save(*profile)
                                                  : store.profiles().SaveAndAnnounce(*profile);
  }
  // Whichever blob no row names any more goes (an orphan is only wasted space).
  const std::string& unused = saved.ok() ? previous : avatar_id;
  if (!unused.empty() && blobs_ != nullptr) {
    if (Status deleted = blobs_->Delete(unused); !deleted.ok()) {
      (void)FailureResponse(deleted, "avatar delete old blob");  // logged only
    }
  }
  if (!saved.ok()) return StoreFailure(store, saved, "avatar save");
  return JsonResponse(200, ProfileJson(*profile, /*mine=*/true));
}

std::variant<Profile, ApiResponse> ProfileHandlers::VisibleProfile(StoreLease& store,
                                                                   const std::string& caller,
                                                                   const std::string& name,
                                                                   std::string_view not_found) {
  if (!protocol::ValidateUsername(name).ok()) {
    return ErrorResponse(ApiErrorCode::kNotFound, not_found);
  }
  // Any spelling of a name finds its user (names are unique ignoring case).
  auto stored = store.sessions().UsernameForKey(protocol::UsernameKey(name));
  if (!stored.ok()) {
    if (stored.status().code() == Code::kNotFound) {
      return ErrorResponse(ApiErrorCode::kNotFound, not_found);
    }
    return StoreFailure(store, stored.status(), "profile find user");
  }
  auto user = store->GetUser(*stored);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) {
      return ErrorResponse(ApiErrorCode::kNotFound, not_found);
    }
    return StoreFailure(store, user.status(), "profile get user");
  }
  if (user->state != store::UserState::kActive) {
    return ErrorResponse(ApiErrorCode::kNotFound, not_found);
  }
  if (user->username != caller) {
    auto shared = store.profiles().ShareConversation(caller, user->username);
    if (!shared.ok()) return StoreFailure(store, shared.status(), "profile share");
    if (!*shared) return ErrorResponse(ApiErrorCode::kNotFound, not_found);
  }
  auto profile = store.profiles().Get(user->username);
  if (!profile.ok()) return StoreFailure(store, profile.status(), "profile get");
  return *profile;
}

ApiResponse ProfileHandlers::GetUser(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto profile = VisibleProfile(store, caller, request.path_params.at(0), kNoSuchUser);
    if (auto* error = std::get_if<ApiResponse>(&profile)) return *error;
    return JsonResponse(200, ProfileJson(std::get<Profile>(profile), /*mine=*/false));
  });
}

ApiResponse ProfileHandlers::GetAvatar(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto found = VisibleProfile(store, caller, request.path_params.at(0), kNoSuchAvatar);
    if (auto* error = std::get_if<ApiResponse>(&found)) return *error;
    const Profile& profile = std::get<Profile>(found);
    if (profile.avatar_id.empty() || blobs_ == nullptr) {
      return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchAvatar);
    }
    auto bytes = blobs_->Get(profile.avatar_id);
    if (!bytes.ok()) {
      if (bytes.status().code() == Code::kNotFound) {
        return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchAvatar);
      }
      return FailureResponse(bytes.status(), "avatar get");
    }
    ApiResponse response;
    response.body = std::move(*bytes);
    response.content_type = profile.avatar_type;
    response.headers = {{"Cache-Control", "private, max-age=300"},
                        {"X-Content-Type-Options", "nosniff"}};
    return response;
  });
}

}  // namespace mqchat::api
