// ChatService::DeliverStoredEntry: the live delivery of an entry another process stored (a
// broker notice of kind entry; store/broker_notices.h, docs/ARCHITECTURE.md "Broker notices"):
// to the members' inboxes here, or, for a text channel, to its topic.
#include <string>
#include <utility>

#include "chat/chat_service.h"
#include "chat/wire_convert.h"
#include "protocol/wire.h"

namespace mqchat::chat {

void ChatService::DeliverStoredEntry(store::ConversationId id, int64_t seq) {
  // A read for no user: on the reader a stable key of the conversation picks, so the notices of
  // one conversation are delivered in the order they were read.
  const std::string key = "conversation/" + std::to_string(id);
  Status s = readers_->For(key).SubmitTask([this, id, seq](store::ChatStore& store) {
    auto entries = store.ReadHistory(id, seq - 1, /*before_seq=*/0, /*limit=*/1);
    if (!entries.ok()) {
      replies_.Log(LogLevel::kWarning, "mqchat: notice of entry " + std::to_string(id) + ":" +
                                           std::to_string(seq) + " not delivered live: " +
                                           entries.status().ToString());
      return;
    }
    if (entries->empty() || entries->front().seq != seq) return;  // gone: sync says so
    // The members now, not a cached list: whoever is a member when it is delivered gets it.
    auto members = members_.Reload(store, id);
    if (!members.ok()) {
      replies_.Log(LogLevel::kWarning, "mqchat: notice of entry " + std::to_string(id) + ":" +
                                           std::to_string(seq) + " not delivered live: " +
                                           members.status().ToString());
      return;
    }
    std::string event = protocol::MessageEvent(ToWire(entries->front()));
    if ((*members)->usernames.empty()) {
      // A text channel (issue 18) has no members rows: its entry goes once to the channel's
      // topic, as a send does, where the READ ACL admits only the devices here whose user may
      // view the channel now (a conversation everyone left has no readers there). Every
      // broker reads the notice, so it is published here only, not shared over the bus.
      replies_.OnBrokerThread([this, id, event = std::move(event)] {
        if (channel_delivery_ != nullptr) channel_delivery_->PublishLocal(id, event);
      });
      return;
    }
    replies_.OnBrokerThread([this, users = (*members)->usernames, event = std::move(event)] {
      fan_out_.ToLocalInboxes(users, event);
    });
  });
  if (!s.ok()) {
    broker_.Log(LogLevel::kWarning, "mqchat: notice of entry " + std::to_string(id) + ":" +
                                        std::to_string(seq) + " not delivered live: " +
                                        s.ToString());
  }
}

}  // namespace mqchat::chat
