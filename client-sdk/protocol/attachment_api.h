// Attachments over HTTP (mqchat-api; docs/openapi.yaml "Attachments", docs/PROTOCOL.md
// "Attachments"): the upload and download paths, their JSON field and query names, and the
// limits a client and the service share. An upload is restartable: POST /v1/uploads declares
// the file (name, size, type), PUT /v1/uploads/{id}?offset=N sends the bytes in chunks in order
// (a chunk may be sent again from any offset up to what the service has), GET /v1/uploads/{id}
// tells how far it got, POST /v1/uploads/{id}/finish checks the content and makes it an
// attachment. GET /v1/attachments/{id} gives its metadata and signed download URLs.
// Pure values; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mqchat::protocol::http {

inline constexpr std::string_view kPathUploads = "/v1/uploads";
inline constexpr std::string_view kPathUpload = "/v1/uploads/{id}";
inline constexpr std::string_view kPathUploadFinish = "/v1/uploads/{id}/finish";
inline constexpr std::string_view kPathAttachment = "/v1/attachments/{id}";
// A signed download: /v1/files/{id}?variant=original|thumbnail&user=U&expires=S&sig=HEX. No
// Authorization header (an <img src> can use it); the signature binds all four.
inline constexpr std::string_view kPathFile = "/v1/files/{id}";
inline constexpr std::string_view kPathFilesPrefix = "/v1/files/";

namespace field {
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kReceived = "received";
inline constexpr std::string_view kFinished = "finished";
inline constexpr std::string_view kContentType = "content_type";
inline constexpr std::string_view kWidth = "width";
inline constexpr std::string_view kHeight = "height";
inline constexpr std::string_view kThumbnail = "thumbnail";  // {"url","width","height"} or null
inline constexpr std::string_view kChunkBytes = "chunk_bytes";  // the largest chunk accepted
inline constexpr std::string_view kExpiresAtMs = "expires_at_ms";
// Query parameters.
inline constexpr std::string_view kOffset = "offset";
inline constexpr std::string_view kVariant = "variant";
inline constexpr std::string_view kUser = "user";
inline constexpr std::string_view kExpires = "expires";
inline constexpr std::string_view kSig = "sig";
}  // namespace field

inline constexpr std::string_view kVariantOriginal = "original";
inline constexpr std::string_view kVariantThumbnail = "thumbnail";
// Declared type meaning "any content": the service records what it finds.
inline constexpr std::string_view kAnyContentType = "application/octet-stream";

inline constexpr size_t kMaxAttachmentNameBytes = 255;
inline constexpr size_t kMaxContentTypeBytes = 100;
// A thumbnail fits in a square of this many pixels (aspect ratio kept).
inline constexpr int kThumbnailMaxSide = 320;

}  // namespace mqchat::protocol::http
