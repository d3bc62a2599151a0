// Attachments in the chat store (docs/PROTOCOL.md, "Attachments"; migrations 020 and 022). A
// message names its attachments by id; AppendBatch looks each up under the conversation lock
// (AppendPlan: the sender's own, finished upload, else refused), copies what a message shows of
// it into messages.attachments (the JSON array protocol/attachments.h encodes, '' for none),
// links it in message_attachments (what the API's download check joins with `members`) and
// marks it referenced (attachments.referenced_at_ms, so the API's sweep keeps it).
//
// A message that stops showing them (deleted for everyone, expired by retention, erased with
// its sender) loses its message_attachments rows in the same transaction, so no member can get
// a download URL for them any more; an attachment no other message carries is then unmarked
// (referenced_at_ms = 0) and the API's sweep purges it and its blobs (a day after its upload).
// Pure helpers; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/attachments.h"

namespace mqchat::store {

// The messages.attachments column of a list ('' for none).
std::string AttachmentsColumn(const std::vector<protocol::WireAttachment>& list);
// The list a column holds; a value that does not decode reads as none.
std::vector<protocol::WireAttachment> ParseAttachmentsColumn(std::string_view column);

// The columns a lookup of an `attachments` row reads (both stores):
// owner, state, name, content_type, size, width, height, thumb_id.
#define MQCHAT_ATTACHMENT_LOOKUP_COLUMNS \
  "owner, state, name, content_type, size, width, height, thumb_id"

}  // namespace mqchat::store
