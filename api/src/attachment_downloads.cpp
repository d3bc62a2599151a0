// UploadHandlers' read side: GET /v1/attachments/{id} (metadata and URLs signed for the
// caller) and GET /v1/files/{id} (the bytes, for an unexpired, untampered URL whose user may
// still read the attachment). See uploads.h.
#include <cctype>

#include "attachment_access.h"
#include "profiles.h"
#include "protocol/attachment_api.h"
#include "thumbnailer.h"
#include "uploads.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace http = protocol::http;
namespace field = protocol::http::field;

constexpr std::string_view kNoSuchAttachment = "no such attachment";

std::string Query(const ApiRequest& request, std::string_view key) {
  for (const auto& [k, v] : request.query) {
    if (k == key) return v;
  }
  return "";
}

// RFC 5987 encoding of a file name for Content-Disposition's filename*.
std::string EncodeFileName(const std::string& name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "UTF-8''";
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

nlohmann::json UploadHandlers::AttachmentJson(const AttachmentRecord& r,
                                              const std::string& reader) const {
  const int64_t expires_s = now_ms_() / 1000 + config_.url_ttl_s;
  nlohmann::json thumbnail = nullptr;
  if (!r.thumb_id.empty()) {
    const ImageSize fit = FitWithin({r.width, r.height}, http::kThumbnailMaxSide);
    thumbnail = {{std::string(field::kUrl),
                  signer_->Sign({r.id, std::string(http::kVariantThumbnail), reader, expires_s})},
                 {std::string(field::kWidth), fit.width},
                 {std::string(field::kHeight), fit.height}};
  }
  nlohmann::json out = {
      {std::string(field::kId), r.id},
      {std::string(field::kName), r.name},
      {std::string(field::kContentType), r.content_type},
      {std::string(field::kSize), r.size},
      {std::string(field::kUrl),
       signer_->Sign({r.id, std::string(http::kVariantOriginal), reader, expires_s})},
      {std::string(field::kExpiresAtMs), expires_s * 1000},
      {std::string(field::kThumbnail), std::move(thumbnail)}};
  if (r.width > 0) {
    out[std::string(field::kWidth)] = r.width;
    out[std::string(field::kHeight)] = r.height;
  }
  return out;
}

ApiResponse UploadHandlers::Describe(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    const std::string& id = request.path_params.at(0);
    if (!IsBlobId(id)) return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchAttachment);
    auto readable = MayReadAttachment(store, id, caller);
    if (!readable.ok()) return StoreFailure(store, readable.status(), "attachment read check");
    auto record = store.attachments().Get(id);
    if (!record.ok()) return StoreFailure(store, record.status(), "attachment get");
    // Not readable and not there look the same: ids are not probed.
    if (!*readable || !record->has_value() || !(*record)->finished) {
      return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchAttachment);
    }
    return JsonResponse(200, AttachmentJson(**record, caller));
  });
}

ApiResponse UploadHandlers::Download(const ApiRequest& request) {
  if (files_ == nullptr) {
    return ErrorResponse(ApiErrorCode::kUnavailable, "attachments are not configured");
  }
  SignedFile file{request.path_params.at(0), Query(request, field::kVariant),
                  Query(request, field::kUser), 0};
  const std::string expires = Query(request, field::kExpires);
  if (expires.empty() || expires.size() > 12 ||
      expires.find_first_not_of("0123456789") != std::string::npos) {
    return ErrorResponse(ApiErrorCode::kForbidden, "the link is not valid");
  }
  file.expires_s = std::stoll(expires);
  const bool thumbnail = file.variant == http::kVariantThumbnail;
  if ((!thumbnail && file.variant != http::kVariantOriginal) || !IsBlobId(file.id) ||
      !signer_->Verify(file, Query(request, field::kSig))) {
    return ErrorResponse(ApiErrorCode::kForbidden, "the link is not valid");
  }
  if (file.expires_s * 1000 < now_ms_()) {
    return ErrorResponse(ApiErrorCode::kForbidden, "the link has expired");
  }
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "attachment store");
  // The URL's user must still be able to read it (a member removed since loses it at once).
  auto readable = MayReadAttachment(*store, file.id, file.user);
  if (!readable.ok()) return StoreFailure(*store, readable.status(), "attachment read check");
  auto record = store->attachments().Get(file.id);
  if (!record.ok()) return StoreFailure(*store, record.status(), "attachment get");
  if (!*readable) return ErrorResponse(ApiErrorCode::kForbidden, "not a reader of this file");
  if (!record->has_value() || !(*record)->finished ||
      (thumbnail && (*record)->thumb_id.empty())) {
    return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchAttachment);
  }
  const AttachmentRecord& r = **record;
  auto bytes = files_->Get(thumbnail ? r.thumb_id : r.blob_id);
  if (!bytes.ok()) return FailureResponse(bytes.status(), "attachment blob");
  ApiResponse response;
  response.body = std::move(*bytes);
  response.content_type = thumbnail ? "image/jpeg" : r.content_type;
  const bool inline_ok = thumbnail || r.content_type.rfind("image/", 0) == 0;
  response.headers.emplace_back(
      "Content-Disposition",
      std::string(inline_ok ? "inline" : "attachment") + "; filename*=" + EncodeFileName(r.name));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Cache-Control", "private, max-age=" + std::to_string(
                                    std::max<int64_t>(0, file.expires_s - now_ms_() / 1000)));
  return response;
}

}  // namespace mqchat::api
