#include "store/attachments.h"

namespace mqchat::store {

std::string AttachmentsColumn(const std::vector<protocol::WireAttachment>& list) {
  return protocol::AttachmentsText(list);
}

std::vector<protocol::WireAttachment> ParseAttachmentsColumn(std::string_view column) {
  auto parsed = protocol::ParseAttachmentsText(column);
  if (!parsed.ok()) return {};
  return std::move(parsed).value();
}

}  // namespace mqchat::store
