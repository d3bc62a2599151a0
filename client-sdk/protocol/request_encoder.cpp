// EncodeRequest (declared in requests.h): the SDK's side of the request payloads.
#include <nlohmann/json.hpp>

#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"
#include "protocol/requests.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

// Writes each body's fields into `out`; empty bodies write nothing.
struct BodyEncoder {
  json& out;

  void operator()(const SendRequest& b) const {
    out[fields::kClientMsgId] = b.client_msg_id;
    out[fields::kText] = b.text;
    if (b.reply_to > 0) out[fields::kReplyTo] = b.reply_to;
    if (!b.mentions.empty()) out[fields::kMentions] = b.mentions;
    if (!b.attachments.empty()) out[fields::kAttachments] = b.attachments;
  }
  void operator()(const EditRequest& b) const {
    out[fields::kClientMsgId] = b.client_msg_id;
    out[fields::kSeq] = b.seq;
    out[fields::kText] = b.text;
    if (!b.mentions.empty()) out[fields::kMentions] = b.mentions;
  }
  void operator()(const DeleteRequest& b) const {
    out[fields::kClientMsgId] = b.client_msg_id;
    out[fields::kSeq] = b.seq;
  }
  void operator()(const ReactRequest& b) const {
    out[fields::kClientMsgId] = b.client_msg_id;
    out[fields::kSeq] = b.seq;
    out[fields::kEmoji] = b.emoji;
    if (b.remove) out[fields::kRemove] = true;
  }
  void operator()(const HistoryRequest& b) const {
    if (b.after_seq > 0) out[fields::kAfterSeq] = b.after_seq;
    if (b.before_seq > 0) out[fields::kBeforeSeq] = b.before_seq;
    out[fields::kLimit] = b.limit;
  }
  void operator()(const ReadRequest& b) const { out[fields::kSeq] = b.seq; }
  void operator()(const MembersRequest&) const {}
  void operator()(const AddMembersRequest& b) const { out[fields::kUsers] = b.users; }
  void operator()(const RemoveMemberRequest& b) const { out[fields::kUser] = b.user; }
  void operator()(const LeaveRequest&) const {}
  void operator()(const RenameRequest& b) const { out[fields::kName] = b.name; }
  void operator()(const TypingRequest& b) const { out[fields::kTyping] = b.typing; }
  void operator()(const MuteRequest& b) const { out[fields::kUntilMs] = b.until_ms; }
  void operator()(const OpenDirectRequest& b) const { out[fields::kUser] = b.user; }
  void operator()(const CreateGroupRequest& b) const {
    out[fields::kName] = b.name;
    out[fields::kMembers] = b.members;
  }
  void operator()(const ConversationsRequest&) const {}
  void operator()(const SyncRequest& b) const {
    json cursors = json::object();
    for (const auto& [conversation_id, seq] : b.cursors) cursors[FormatId(conversation_id)] = seq;
    out[fields::kCursors] = std::move(cursors);
    out[fields::kLimit] = b.limit;
  }
  void operator()(const PushRegisterRequest& b) const {
    out[fields::kPlatform] = b.platform;
    out[fields::kToken] = b.token;
  }
  void operator()(const PushUnregisterRequest&) const {}
  void operator()(const PushSettingsRequest& b) const {
    if (b.has_preview) out[fields::kPreview] = b.preview;
    if (b.mention_push) out[fields::kMentionPush] = *b.mention_push;
  }
  void operator()(const BlockRequest& b) const { out[fields::kUser] = b.user; }
  void operator()(const UnblockRequest& b) const { out[fields::kUser] = b.user; }
  void operator()(const BlocksRequest&) const {}
  void operator()(const SetDmPolicyRequest& b) const {
    out[fields::kDmPolicy] = DmPolicyName(b.dm_policy);
  }
  void operator()(const SetRetentionRequest& b) const {
    out[fields::kConversationId] = FormatId(b.conversation_id);
    if (b.days == kRetentionServerDefault) {
      out[fields::kDays] = nullptr;
    } else {
      out[fields::kDays] = b.days;
    }
  }
  void operator()(const SetSlowModeRequest& b) const {
    out[fields::kConversationId] = FormatId(b.conversation_id);
    out[fields::kSeconds] = b.seconds;
  }
  void operator()(const ReportRequest& b) const {
    out[fields::kClientMsgId] = b.client_msg_id;
    if (!b.user.empty()) out[fields::kUser] = b.user;
    if (b.seq > 0) {
      out[fields::kConversationId] = FormatId(b.conversation_id);
      out[fields::kSeq] = b.seq;
    }
    out[fields::kReason] = b.reason;
    if (!b.details.empty()) out[fields::kDetails] = b.details;
  }
  void operator()(const SearchRequest& b) const {
    out[fields::kQuery] = b.query;
    if (b.conversation_id > 0) out[fields::kConversationId] = FormatId(b.conversation_id);
    if (!b.sender.empty()) out[fields::kSender] = b.sender;
    if (b.from_ms > 0) out[fields::kFromMs] = b.from_ms;
    if (b.to_ms > 0) out[fields::kToMs] = b.to_ms;
    out[fields::kLimit] = b.limit;
    if (!b.cursor.empty()) out[fields::kCursor] = b.cursor;
  }
};

}  // namespace

std::string EncodeRequest(const Request& request) {
  json out = json::object();
  if (!request.req_id.empty()) out[fields::kReqId] = request.req_id;
  std::visit(BodyEncoder{out}, request.body);
  return DumpJson(out);
}

}  // namespace mqchat::protocol
