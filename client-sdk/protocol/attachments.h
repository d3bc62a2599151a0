// The attachments a message carries (docs/PROTOCOL.md, "Attachments"): the ids a `send` names
// and the metadata a message shows (live, history, sync, the conversation list's last message),
// their bounds, encoders and decoders; once for the plugin, the SDK and the tools. The files
// themselves go through the API service (protocol/attachment_api.h). Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"
#include "protocol/errors.h"

namespace mqchat::protocol {

// A message carries at most this many attachments.
inline constexpr size_t kMaxAttachments = 10;

// One attachment as a message shows it: what GET /v1/attachments/{id} answers, without the
// signed URLs (they expire; a member asks the API for fresh ones). width/height are 0 for a
// file that is not a picture; `thumbnail` says whether the API offers a thumbnail of it.
struct WireAttachment {
  std::string id;  // 32 lower-case hex digits (IsAttachmentId)
  std::string name;
  std::string content_type;
  int64_t size = 0;
  int64_t width = 0;
  int64_t height = 0;
  bool thumbnail = false;
};

inline bool operator==(const WireAttachment& a, const WireAttachment& b) {
  return a.id == b.id && a.name == b.name && a.content_type == b.content_type &&
         a.size == b.size && a.width == b.width && a.height == b.height &&
         a.thumbnail == b.thumbnail;
}

// Whether `id` has the shape of an attachment id (32 lower-case hex digits).
bool IsAttachmentId(std::string_view id);

// The optional `attachments` of a send request: an array of at most kMaxAttachments distinct
// attachment-shaped strings. INVALID naming the problem otherwise (absent: empty, no error).
std::optional<ProtocolError> ReadAttachmentIds(const nlohmann::json& obj,
                                               std::vector<std::string>* ids);

// {"id","name","content_type","size","width","height","thumbnail"} and the array of them.
nlohmann::json EncodeAttachment(const WireAttachment& a);
nlohmann::json EncodeAttachments(const std::vector<WireAttachment>& list);
// The compact JSON text of EncodeAttachments ("" for none): what a message event writes and
// what the store's messages.attachments column (migration 022) holds.
std::string AttachmentsText(const std::vector<WireAttachment>& list);
// The inverse of AttachmentsText ("" is none); kInvalidArgument if it does not decode.
Result<std::vector<WireAttachment>> ParseAttachmentsText(std::string_view text);

Result<WireAttachment> DecodeAttachment(const nlohmann::json& j);
// The optional `attachments` of a message object: at most kMaxAttachments, each decoded with
// DecodeAttachment (absent or null: none).
Status ReadAttachments(const nlohmann::json& obj, std::vector<WireAttachment>* out);

}  // namespace mqchat::protocol
