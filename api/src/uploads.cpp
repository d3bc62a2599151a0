#include "uploads.h"

#include <iostream>
#include <utility>

#include "file_type.h"
#include "profiles.h"
#include "protocol/attachment_api.h"
#include "protocol/text.h"
#include "request_body.h"
#include "thumbnailer.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace http = protocol::http;
namespace field = protocol::http::field;

constexpr std::string_view kNoSuchUpload = "no such upload";

// nullopt if `name` may name a file: 1..255 bytes of UTF-8, no control character, no path.
std::optional<std::string> CheckFileName(const std::string& name) {
  if (name.empty() || name.size() > http::kMaxAttachmentNameBytes) {
    return "name must have 1 to " + std::to_string(http::kMaxAttachmentNameBytes) + " bytes";
  }
  const protocol::Utf8Scan scan = protocol::ScanUtf8(name);
  if (!scan.valid || scan.has_nul) return "name is not valid UTF-8";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "name has a control character";
    if (c == '/' || c == '\\') return "name must not hold a path";
  }
  if (name == "." || name == "..") return "name must not hold a path";
  return std::nullopt;
}

// The JSON integer `size` of `body`: the error response if missing, not an integer or < 1.
std::variant<int64_t, ApiResponse> ReadSize(const nlohmann::json& body) {
  auto it = body.find(std::string(field::kSize));
  if (it == body.end() || !it->is_number_integer()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "size must be an integer");
  }
  const int64_t size = it->get<int64_t>();
  if (size < 1) return ErrorResponse(ApiErrorCode::kInvalid, "size must be at least 1");
  return size;
}

std::optional<int64_t> ParseOffset(const ApiRequest& request) {
  for (const auto& [key, value] : request.query) {
    if (key != field::kOffset) continue;
    if (value.empty() || value.size() > 15) return std::nullopt;
    int64_t out = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return std::nullopt;
      out = out * 10 + (c - '0');
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

void DeleteBlobLogged(BlobStore* files, const std::string& id) {
  if (id.empty()) return;
  if (Status s = files->Delete(id); !s.ok()) {
    std::cerr << "mqchat-api: cannot delete blob " << id << ": " << s.message() << "\n";
  }
}

nlohmann::json UploadJson(const AttachmentRecord& r) {
  return {{std::string(field::kId), r.id},
          {std::string(field::kSize), r.size},
          {std::string(field::kReceived), r.received},
          {std::string(field::kFinished), r.finished}};
}

ApiResponse UploadHandlers::WithCaller(const ApiRequest& request, const Body& body) {
  if (files_ == nullptr || spool_ == nullptr) {
    return ErrorResponse(ApiErrorCode::kUnavailable, "attachments are not configured");
  }
  return ProfileHandlers::WithCaller(stores_, auth_, now_ms_(), request, body);
}

std::variant<AttachmentRecord, ApiResponse> UploadHandlers::OwnUpload(
    StoreLease& store, const std::string& caller, const ApiRequest& request) {
  const std::string& id = request.path_params.at(0);
  if (!IsBlobId(id)) return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchUpload);
  auto record = store.attachments().Get(id);
  if (!record.ok()) return StoreFailure(store, record.status(), "upload get");
  if (!record->has_value() || (*record)->owner != caller) {
    return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchUpload);
  }
  return std::move(**record);
}

ApiResponse UploadHandlers::Create(const ApiRequest& request) {
  auto parsed = ParseJsonBody(request, {field::kName, field::kSize, field::kContentType});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const nlohmann::json& body = std::get<nlohmann::json>(parsed);
  AttachmentRecord record;
  if (auto error = ReadRequiredStrings(body, {{field::kName, &record.name}})) return *error;
  if (auto why = CheckFileName(record.name)) return ErrorResponse(ApiErrorCode::kInvalid, *why);
  auto size = ReadSize(body);
  if (auto* error = std::get_if<ApiResponse>(&size)) return *error;
  record.size = std::get<int64_t>(size);
  if (record.size > config_.max_attachment_bytes) {
    return ErrorResponse(ApiErrorCode::kTooLarge,
                         "a file may have at most " +
                             std::to_string(config_.max_attachment_bytes) + " bytes");
  }
  auto type = body.find(std::string(field::kContentType));
  if (type != body.end() && !type->is_string()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "content_type must be a string");
  }
  if (type != body.end()) record.declared_type = NormalizeContentType(type->get<std::string>());
  if (record.declared_type.size() > http::kMaxContentTypeBytes) {
    return ErrorResponse(ApiErrorCode::kInvalid, "content_type is too long");
  }
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto pending = store.attachments().CountUnfinished(caller);
    if (!pending.ok()) return StoreFailure(store, pending.status(), "upload count");
    if (*pending >= config_.uploads_per_user) {
      return RetryLaterResponse(ApiErrorCode::kRateLimited,
                                "too many unfinished uploads; finish or wait for them to expire",
                                60);
    }
    const int64_t free_bytes = spool_->FreeBytes();
    if (free_bytes >= 0 && free_bytes - record.size < config_.min_free_bytes) {
      return RetryLaterResponse(ApiErrorCode::kUnavailable, "no room for uploads", 60);
    }
    auto id = NewBlobId();
    if (!id.ok()) return FailureResponse(id.status(), "upload id");
    record.id = *id;
    record.owner = caller;
    record.created_at_ms = now_ms_();
    if (Status s = store.attachments().Create(record); !s.ok()) {
      return StoreFailure(store, s, "upload create");
    }
    nlohmann::json out = UploadJson(record);
    out[std::string(field::kChunkBytes)] = config_.chunk_bytes;
    return JsonResponse(201, out);
  });
}

ApiResponse UploadHandlers::PutChunk(const ApiRequest& request) {
  const std::optional<int64_t> offset = ParseOffset(request);
  if (!offset) return ErrorResponse(ApiErrorCode::kBadRequest, "offset must be a number");
  if (request.body.empty()) return ErrorResponse(ApiErrorCode::kBadRequest, "the chunk is empty");
  if (static_cast<int64_t>(request.body.size()) > config_.chunk_bytes) {
    return ErrorResponse(ApiErrorCode::kTooLarge, "the chunk is too large");
  }
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto owned = OwnUpload(store, caller, request);
    if (auto* error = std::get_if<ApiResponse>(&owned)) return *error;
    AttachmentRecord& record = std::get<AttachmentRecord>(owned);
    if (record.finished) return ErrorResponse(ApiErrorCode::kInvalid, "the upload is finished");
    if (*offset > record.received) {
      return ErrorResponse(ApiErrorCode::kInvalid,
                           "offset is past the bytes received (" +
                               std::to_string(record.received) + ")");
    }
    const int64_t end = *offset + static_cast<int64_t>(request.body.size());
    if (end > record.size) {
      return ErrorResponse(ApiErrorCode::kTooLarge,
                           "the chunk goes past the declared size (" +
                               std::to_string(record.size) + ")");
    }
    if (Status s = spool_->Write(record.id, *offset, request.body); !s.ok()) {
      return FailureResponse(s, "upload write");
    }
    if (end > record.received) {
      if (Status s = store.attachments().SetReceived(record.id, end); !s.ok()) {
        return StoreFailure(store, s, "upload progress");
      }
      record.received = end;
    }
    return JsonResponse(200, UploadJson(record));
  });
}

ApiResponse UploadHandlers::GetUpload(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto owned = OwnUpload(store, caller, request);
    if (auto* error = std::get_if<ApiResponse>(&owned)) return *error;
    return JsonResponse(200, UploadJson(std::get<AttachmentRecord>(owned)));
  });
}

ApiResponse UploadHandlers::Finish(const ApiRequest& request) {
  return WithCaller(request, [&](StoreLease& store, const std::string& caller) {
    auto owned = OwnUpload(store, caller, request);
    if (auto* error = std::get_if<ApiResponse>(&owned)) return *error;
    AttachmentRecord& record = std::get<AttachmentRecord>(owned);
    if (record.finished) return JsonResponse(200, AttachmentJson(record, caller));
    if (record.received != record.size) {
      return ErrorResponse(ApiErrorCode::kInvalid,
                           "the upload is incomplete: " + std::to_string(record.received) +
                               " of " + std::to_string(record.size) + " bytes");
    }
    return FinishUpload(store, std::move(record));
  });
}

// Checks the content, makes the thumbnail and moves the bytes into the blob store. A refused
// content drops the upload (row and spool file): the client uploads a right one.
ApiResponse UploadHandlers::FinishUpload(StoreLease& store, AttachmentRecord record) {
  auto data = spool_->Read(record.id, record.size);
  if (!data.ok()) return FailureResponse(data.status(), "upload read");
  record.content_type = SniffContentType(*data);
  std::optional<ImageSize> size;
  if (record.content_type.rfind("image/", 0) == 0) {
    size = ReadImageSize(record.content_type, *data);
  }
  const bool bad_image = record.content_type.rfind("image/", 0) == 0 && !size.has_value();
  if (!ClaimMatches(record.declared_type, record.content_type) || bad_image) {
    auto dropped = store.attachments().DeleteUnreferenced(record.id);
    if (!dropped.ok()) return StoreFailure(store, dropped.status(), "upload drop");
    spool_->Remove(record.id);
    return ErrorResponse(ApiErrorCode::kUnsupportedMediaType,
                         bad_image ? "the picture's header is malformed"
                                   : "the content is " + record.content_type + ", not " +
                                         record.declared_type);
  }
  if (size) {
    record.width = size->width;
    record.height = size->height;
    auto thumb = MakeThumbnail(record.content_type, *data, http::kThumbnailMaxSide);
    if (thumb.ok()) {
      auto thumb_id = files_->Put(thumb->jpeg);
      if (!thumb_id.ok()) return FailureResponse(thumb_id.status(), "thumbnail put");
      record.thumb_id = *thumb_id;
    }
  }
  auto blob_id = files_->Put(*data);
  if (!blob_id.ok()) return FailureResponse(blob_id.status(), "attachment put");
  record.blob_id = *blob_id;
  auto finished = store.attachments().Finish(record, now_ms_());
  if (!finished.ok() || !*finished) {
    DeleteBlobLogged(files_, record.blob_id);
    DeleteBlobLogged(files_, record.thumb_id);
    if (!finished.ok()) return StoreFailure(store, finished.status(), "upload finish");
    return ErrorResponse(ApiErrorCode::kNotFound, kNoSuchUpload);
  }
  spool_->Remove(record.id);
  record.finished = true;
  record.received = record.size;
  return JsonResponse(200, AttachmentJson(record, record.owner));
}

}  // namespace mqchat::api
