#include "protocol/attachments.h"

#include <unordered_set>
#include <utility>

#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

constexpr size_t kAttachmentIdChars = 32;

ProtocolError Invalid(std::string message) {
  return ProtocolError{ErrorCode::kInvalid, std::move(message)};
}

}  // namespace

bool IsAttachmentId(std::string_view id) {
  if (id.size() != kAttachmentIdChars) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<ProtocolError> ReadAttachmentIds(const json& obj, std::vector<std::string>* ids) {
  ids->clear();
  const json* array = FindField(obj, fields::kAttachments);
  if (array == nullptr) return std::nullopt;
  if (!array->is_array()) return Invalid("attachments must be an array of attachment ids");
  if (array->size() > kMaxAttachments) {
    return Invalid("a message carries at most " + std::to_string(kMaxAttachments) +
                   " attachments; this one names " + std::to_string(array->size()));
  }
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < array->size(); ++i) {
    const json& item = (*array)[i];
    const std::string where = "attachments[" + std::to_string(i) + "]";
    if (!item.is_string()) return Invalid(where + " must be an attachment id (a string)");
    const std::string& id = item.get_ref<const std::string&>();
    if (!IsAttachmentId(id)) return Invalid(where + " is not an attachment id");
    if (!seen.insert(id).second) return Invalid(where + " repeats attachment " + id);
    ids->push_back(id);
  }
  return std::nullopt;
}

json EncodeAttachment(const WireAttachment& a) {
  return json{{fields::kAttachmentId, a.id},     {fields::kName, a.name},
              {fields::kContentType, a.content_type}, {fields::kSize, a.size},
              {fields::kWidth, a.width},          {fields::kHeight, a.height},
              {fields::kThumbnail, a.thumbnail}};
}

json EncodeAttachments(const std::vector<WireAttachment>& list) {
  json out = json::array();
  for (const WireAttachment& a : list) out.push_back(EncodeAttachment(a));
  return out;
}

std::string AttachmentsText(const std::vector<WireAttachment>& list) {
  if (list.empty()) return "";
  return DumpJson(EncodeAttachments(list));
}

Result<WireAttachment> DecodeAttachment(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "attachment"));
  WireAttachment a;
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kAttachmentId, Presence::kRequired, &a.id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kName, Presence::kRequired, &a.name));
  MQCHAT_RETURN_IF_ERROR(
      ReadString(j, fields::kContentType, Presence::kRequired, &a.content_type));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kSize, Presence::kRequired, &a.size));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kWidth, Presence::kOptional, &a.width));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kHeight, Presence::kOptional, &a.height));
  MQCHAT_RETURN_IF_ERROR(ReadBool(j, fields::kThumbnail, Presence::kOptional, &a.thumbnail));
  if (a.id.empty()) return Status::InvalidArgument("attachment id is empty");
  return a;
}

Status ReadAttachments(const json& obj, std::vector<WireAttachment>* out) {
  out->clear();
  const json* array = FindField(obj, fields::kAttachments);
  if (array == nullptr) return Status::Ok();
  if (!array->is_array()) return Status::InvalidArgument("attachments must be an array");
  if (array->size() > kMaxAttachments) {
    return Status::InvalidArgument("attachments has more than " +
                                   std::to_string(kMaxAttachments) + " entries");
  }
  return ReadObjectArray(obj, fields::kAttachments, DecodeAttachment, out);
}

Result<std::vector<WireAttachment>> ParseAttachmentsText(std::string_view text) {
  std::vector<WireAttachment> out;
  if (text.empty()) return out;
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("attachments column is not JSON");
  json holder{{fields::kAttachments, std::move(doc)}};
  MQCHAT_RETURN_IF_ERROR(ReadAttachments(holder, &out));
  return out;
}

}  // namespace mqchat::protocol
