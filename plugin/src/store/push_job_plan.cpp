#include "store/push_job_plan.h"

#include <algorithm>
#include <map>
#include <utility>

namespace mqchat::store {

std::vector<PushJobDraft> CollapsePushJobs(const std::vector<NewMessage>& new_messages) {
  std::map<std::pair<std::string, ConversationId>, PushJobDraft> drafts;
  for (const NewMessage& entry : new_messages) {
    const StoredMessage& msg = *entry.message;
    for (const std::string& user : *entry.recipients) {
      if (user == msg.sender) {
        continue;
      }
      auto [it, inserted] = drafts.try_emplace({user, msg.conversation_id});
      PushJobDraft& draft = it->second;
      if (inserted) {
        draft.username = user;
        draft.conversation_id = msg.conversation_id;
        draft.first_seq = msg.seq;
        draft.last_seq = msg.seq;
      }
      draft.count += 1;
      if (std::find(msg.mentions.begin(), msg.mentions.end(), user) != msg.mentions.end()) {
        draft.mention = true;
      }
      if (inserted || msg.seq >= draft.last_seq) {
        draft.last_seq = msg.seq;
        draft.sender = msg.sender;
        // A message of attachments only is previewed by its first file's name.
        draft.preview_text = msg.text.empty() && !msg.attachments.empty()
                                 ? PreviewOf("[" + msg.attachments[0].name + "]")
                                 : PreviewOf(msg.text);
      }
      if (msg.seq < draft.first_seq) {
        draft.first_seq = msg.seq;
      }
    }
  }
  std::vector<PushJobDraft> out;
  out.reserve(drafts.size());
  for (auto& [key, draft] : drafts) {
    out.push_back(std::move(draft));
  }
  return out;
}

PushJobWrites PlanPushJobWrites(const std::vector<AppendRequest>& batch, const AppendPlan& plan) {
  std::vector<NewMessage> new_messages;
  int64_t due_ms = 0;
  int64_t cap_ms = 0;
  for (size_t i : plan.new_indexes()) {
    // Only messages are pushed: edits, deletions and reactions are not news (nor unread).
    if (!batch[i].push_recipients.empty() && batch[i].kind == EventKind::kMessage) {
      const StoredMessage& msg = plan.results()[i].message;
      new_messages.push_back(NewMessage{&msg, &batch[i].push_recipients});
      due_ms =
          std::max(due_ms, batch[i].push_due_ms > 0 ? batch[i].push_due_ms : msg.created_at_ms);
      cap_ms = std::max(cap_ms, batch[i].push_due_cap_ms);
    }
  }
  PushJobWrites writes;
  if (new_messages.empty()) {
    return writes;
  }
  writes.drafts = CollapsePushJobs(new_messages);
  writes.now_ms = plan.results()[plan.new_indexes().back()].message.created_at_ms;
  writes.due_ms = due_ms;
  writes.due_cap_ms = std::max(cap_ms, due_ms);
  return writes;
}

std::string PreviewOf(std::string_view text) {
  size_t code_points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // A byte that is not a continuation byte (10xxxxxx) starts a code point.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (code_points == kMaxPreviewChars) {
        return std::string(text.substr(0, i)) + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
      }
      ++code_points;
    }
  }
  return std::string(text);
}

}  // namespace mqchat::store
