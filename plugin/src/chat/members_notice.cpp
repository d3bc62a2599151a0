// ChatService::ApplyMembersNotice: what a broker does when the admin API changed a group's
// members (a broker notice of kind members; store/broker_notices.h, docs/ARCHITECTURE.md
// "Broker notices"): what ConversationOps::AfterMembershipChange does after a member's change
// through this broker, for the devices connected here.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "chat/chat_service.h"
#include "chat/wire_convert.h"
#include "protocol/fields.h"
#include "protocol/wire.h"

namespace mqchat::chat {

namespace values = protocol::values;

void ChatService::ApplyMembersNotice(store::ConversationId id, const std::string& user) {
  // The reader of the conversation's key, as for an entry notice: one conversation's notices
  // are applied in the order they were read.
  const std::string key = "conversation/" + std::to_string(id);
  Status s = readers_->For(key).SubmitTask([this, id, user](store::ChatStore& store) {
    members_.Forget(id);
    auto conversation = store.GetConversation(id);
    if (!conversation.ok()) {
      replies_.Log(LogLevel::kWarning, "mqchat: members notice of conversation " +
                                           std::to_string(id) + " not applied: " +
                                           conversation.status().ToString());
      return;
    }
    members_.Put(*conversation);
    std::vector<std::string> members;
    for (const auto& m : conversation->members) members.push_back(m.username);
    // Facts, not commands: whether `user` is in or out is read now, so a notice read after a
    // later change says what is true then.
    std::string_view event = values::kConversationCreated;
    std::vector<std::string> about = members;
    std::vector<std::string> recipients = members;
    if (!user.empty()) {
      about = {user};
      const bool member = std::find(members.begin(), members.end(), user) != members.end();
      event = member ? values::kMembersAdded : values::kMemberRemoved;
      if (!member) recipients.push_back(user);  // a removed user learns they are out
    }
    // The actor is empty: the app's backend made the change, not a member.
    std::string payload =
        protocol::ConversationEvent(event, ToWire(*conversation), /*actor=*/"", about);
    replies_.MembersChanged(std::move(members));  // contacts first, as after a member's change
    replies_.OnBrokerThread([this, recipients = std::move(recipients),
                             payload = std::move(payload)] {
      fan_out_.ToLocalInboxes(recipients, payload);
    });
  });
  if (!s.ok()) {
    broker_.Log(LogLevel::kWarning, "mqchat: members notice of conversation " +
                                        std::to_string(id) + " not applied: " + s.ToString());
  }
}

}  // namespace mqchat::chat
