// CollapsePushJobs: the backend-independent half of recording push jobs in AppendBatch. From the
// new messages of a batch and their recipients (AppendRequest::push_recipients), builds one job
// draft per (recipient, conversation): a burst of messages becomes one notification with a
// count. PlanPushJobWrites picks a batch's new messages and the jobs' time; a backend then upserts
// each draft into the pending job of that pair, if any, inside the batch's transaction. Pure
// logic; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/append_plan.h"
#include "store/chat_store.h"

namespace mqchat::store {

// Previews are cut to this many code points (push services limit payload sizes).
inline constexpr size_t kMaxPreviewChars = 200;

struct PushJobDraft {
  std::string username;
  ConversationId conversation_id = 0;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  int64_t count = 0;
  std::string sender;        // of the newest message
  std::string preview_text;  // newest message's text, cut (stored only if previews are on)
  // A message of the draft mentions the user: recorded even if they muted the conversation,
  // unless their mention_push is off (migration 019).
  bool mention = false;
};

// `new_messages` are the stored messages of a batch with the recipients of each (the message's
// sender is never one). Returns drafts ordered by (username, conversation_id).
struct NewMessage {
  const StoredMessage* message = nullptr;
  const std::vector<std::string>* recipients = nullptr;
};
std::vector<PushJobDraft> CollapsePushJobs(const std::vector<NewMessage>& new_messages);

// What a decided AppendPlan records as push jobs: the drafts of its new messages that have
// push recipients, the time the jobs are created (the newest new message's created_at_ms),
// when a new job is first due (the batch's largest AppendRequest::push_due_ms, a message's
// created_at_ms where that is 0), and the latest a new job may be put off to (the largest
// push_due_cap_ms, at least due_ms). A backend folds a draft into the pair's pending job
// instead if there is one: if that job's first delivery has not started, it becomes due at
// due_ms (never earlier than it was), but no later than the cap it was created with.
// No drafts when no new message has recipients.
struct PushJobWrites {
  std::vector<PushJobDraft> drafts;
  int64_t now_ms = 0;
  int64_t due_ms = 0;
  int64_t due_cap_ms = 0;
};
PushJobWrites PlanPushJobWrites(const std::vector<AppendRequest>& batch, const AppendPlan& plan);

// The first kMaxPreviewChars code points of valid UTF-8 `text`, plus "…" if it was cut.
std::string PreviewOf(std::string_view text);

}  // namespace mqchat::store
