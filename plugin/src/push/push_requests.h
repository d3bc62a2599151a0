// PushRequests: the push side of the request path (docs/PROTOCOL.md section 7), behind
// chat::PushOps: push_register, push_unregister, push_settings and mute, run on the writer
// worker through the writer's own PushStore; and, before each send batch, who of a message's
// members gets a push job (those with no device online, the sender excluded; in a text channel
// only the users it mentions who may view the channel), then a wake-up
// for the push worker once jobs committed. Built by the composition root from push::SetUpPush's
// chat::ChatPush and handed to ChatService.
#pragma once

#include <vector>

#include "chat/push_ops.h"

namespace mqchat::push {

class PushRequests final : public chat::PushOps {
 public:
  // Without `push.store` every push request is answered UNAVAILABLE.
  explicit PushRequests(chat::ChatPush push) : push_(std::move(push)) {}

  chat::Plan Register(const chat::OpRequest& r, const chat::ChatTools& tools) override;
  chat::Plan Unregister(const chat::OpRequest& r, const chat::ChatTools& tools) override;
  chat::Plan Settings(const chat::OpRequest& r, const chat::ChatTools& tools) override;
  chat::Plan Mute(const chat::OpRequest& r, const chat::ChatTools& tools) override;

  void AddRecipients(store::ChatStore& store, chat::MemberLoader& members,
                     chat::ChannelAccess* channels, std::vector<chat::SendJob>& jobs) override;
  void BatchCommitted(const std::vector<chat::SendJob>& jobs,
                      const std::vector<store::AppendResult>& results) override;
  void ReadMarked(const std::string& user, const std::string& device, int64_t now_ms) override;

 private:
  // Writer thread: the push recipients of a text channel's message `job`.
  void AddChannelRecipients(chat::ChannelAccess& channels, chat::SendJob& job);

  chat::ChatPush push_;  // push_.store: the writer thread only, like the tasks planned here
};

}  // namespace mqchat::push
