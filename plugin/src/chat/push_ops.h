// PushOps: push notifications as the request path sees them (docs/PROTOCOL.md section 7): the
// four push requests and, around each send batch, who gets a push job. Declared here so chat/
// does not depend on push/; implemented by push::PushRequests (push/push_requests.h) and
// passed to ChatService by the composition root. Writer thread, except the planning calls
// (broker thread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chat/channel_access.h"
#include "chat/member_loader.h"
#include "chat/op_table.h"
#include "chat/store_worker.h"
#include "presence/online_directory.h"
#include "store/chat_store.h"
#include "store/push_store.h"
#include "util/clock.h"

namespace mqchat::chat {

// What the push requests and push recipients need from the plugin (built by push::SetUpPush).
struct ChatPush {
  const presence::OnlineDirectory* online = nullptr;  // thread-safe: who has a device online
  store::PushStorePtr store;  // the writer thread's: push_register, push_settings, mute, ...
  bool record_jobs = false;   // a gateway is configured: messages record push jobs
  std::function<void()> jobs_recorded;  // writer thread, after a batch that may have recorded jobs
  // Coalescing (docs/PROTOCOL.md 7.2): a job is due coalesce_ms after the last message or read
  // folded into it before its first delivery, but at most coalesce_max_ms after its first one.
  int64_t coalesce_ms = 0;      // push_coalesce_ms
  int64_t coalesce_max_ms = 0;  // push_coalesce_max_ms
  const Clock* clock = nullptr;  // the writer's time for those, when it records the job
};

class PushOps {
 public:
  virtual ~PushOps() = default;

  // push_register, push_unregister, push_settings and mute (broker thread): writer tasks, or a
  // refusal.
  virtual Plan Register(const OpRequest& r, const ChatTools& tools) = 0;
  virtual Plan Unregister(const OpRequest& r, const ChatTools& tools) = 0;
  virtual Plan Settings(const OpRequest& r, const ChatTools& tools) = 0;
  virtual Plan Mute(const OpRequest& r, const ChatTools& tools) = 0;

  // Writer thread, before AppendBatch: each send's push recipients, if push jobs are recorded.
  // A text channel's message (SendJob::channel) is pushed only to the users it mentions who
  // may view the channel (`channels`, null when communities are off), never to every reader.
  virtual void AddRecipients(store::ChatStore& store, MemberLoader& members,
                             ChannelAccess* channels, std::vector<SendJob>& jobs) = 0;
  // Writer thread, after AppendBatch committed `results` (results[i] answers jobs[i]).
  virtual void BatchCommitted(const std::vector<SendJob>& jobs,
                              const std::vector<store::AppendResult>& results) = 0;
  // Writer thread, after `user` marked a conversation read (or changed a mute) on `device`: their
  // unread total may have changed, so a counts-only job for their other devices' badges, if
  // push jobs are recorded.
  virtual void ReadMarked(const std::string& user, const std::string& device, int64_t now_ms) = 0;
};

}  // namespace mqchat::chat
