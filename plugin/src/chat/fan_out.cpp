#include "chat/fan_out.h"

#include "protocol/topics.h"

namespace mqchat::chat {

void FanOut::ToInboxes(const std::vector<std::string>& users, const std::string& payload, int qos) {
  Deliver(users, payload, qos, /*sender=*/"", /*origin_client_id=*/"");
}

void FanOut::ToLocalInboxes(const std::vector<std::string>& users, const std::string& payload) {
  OutgoingMessage msg;
  msg.payload = payload;
  msg.qos = 1;
  for (const auto& user : users) {
    protocol::InboxTopicInto(user, msg.topic);
    Publish(msg, user);
  }
}

void FanOut::NewMessage(const std::vector<std::string>& users, const std::string& payload,
                        const std::string& sender, const std::string& origin_client_id) {
  Deliver(users, payload, /*qos=*/1, sender, origin_client_id);
}

void FanOut::SendResults(std::vector<SendOutcome> outcomes) {
  for (auto& out : outcomes) {
    // A send the plugin made itself (a call's log entry) has nobody to answer.
    if (!out.to.topic.empty()) Reply(out.to, std::move(out.reply));
  }
  for (const auto& out : outcomes) {
    if (out.event.empty()) continue;
    if (out.channel_id > 0) {
      if (channel_publisher_) channel_publisher_(out.channel_id, out.event);
      continue;
    }
    NewMessage(out.inboxes, out.event, out.sender, out.to.client_id);
  }
}

void FanOut::Deliver(const std::vector<std::string>& users, const std::string& payload, int qos,
                     const std::string& sender, const std::string& origin_client_id) {
  OutgoingMessage msg;
  msg.payload = payload;
  msg.qos = qos;
  for (const auto& user : users) {
    protocol::InboxTopicInto(user, msg.topic);  // one buffer for every member
    if (devices_ != nullptr && !sender.empty() && user == sender) {
      // The sending device has the message from its ack: saves a publish and its PUBACK.
      for (const auto& device : devices_->OtherDevices(user, origin_client_id)) {
        msg.target_client_id = device;
        Publish(msg, device);
      }
      msg.target_client_id.clear();
    } else {
      Publish(msg, user);
    }
    if (inbox_hook_) inbox_hook_(user, payload);  // devices on other brokers
  }
}

void FanOut::Publish(const OutgoingMessage& msg, const std::string& to) {
  Status s = broker_.Publish(msg);
  if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: publish to " + to + ": " + s.ToString());
}

}  // namespace mqchat::chat
