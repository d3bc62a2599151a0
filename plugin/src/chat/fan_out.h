// FanOut: everything ChatService publishes, on the broker thread: responses to the requesting
// device, acks of a send batch followed by its message events, and events to members' inboxes
// (a sender's copy only to their other devices on this broker; every inbox delivery also to
// the inbox hook, which reaches the user's devices on other brokers). Broker thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "broker/broker_api.h"
#include "session/device_index.h"
#include "chat/reply.h"

namespace mqchat::chat {

// What became of one send of a batch, with every payload built (on the writer thread).
struct SendOutcome {
  ReplyTo to;
  std::string reply;  // the ack, or an error response
  std::string event;  // message event to fan out; empty if none
  std::vector<std::string> inboxes;
  std::string sender;
  // > 0: `event` is a channel's (issue 18): one publish to its channel topic, no inboxes.
  int64_t channel_id = 0;
};

// Publishes a stored channel message event to the channel's live readers (chat/channel_access.h).
using ChannelPublisher = std::function<void(int64_t channel_id, const std::string& payload)>;

// Called for every inbox delivery, so it can also reach the user's devices on other brokers.
using InboxHook = std::function<void(const std::string& user, const std::string& payload)>;

class FanOut {
 public:
  // `devices` (may be null: then a sender's whole inbox gets their message) and `broker`
  // outlive this. `inbox_hook` may be empty (a single broker).
  FanOut(BrokerApi& broker, const session::DeviceIndex* devices, InboxHook inbox_hook)
      : broker_(broker), devices_(devices), inbox_hook_(std::move(inbox_hook)) {}

  // A response to the requesting device (reply.h).
  void Reply(const ReplyTo& to, std::string payload) { PublishReply(broker_, to, std::move(payload)); }
  // `payload` to each user's inbox at `qos`.
  void ToInboxes(const std::vector<std::string>& users, const std::string& payload, int qos = 1);
  // `payload` to each user's devices on this broker only (no inbox hook): for what every
  // broker delivers by itself, as a broker notice (store/broker_notices.h).
  void ToLocalInboxes(const std::vector<std::string>& users, const std::string& payload);
  // A new message event to each member's inbox; the sender's copy goes only to their devices
  // other than `origin_client_id` (the sending device has its ack).
  void NewMessage(const std::vector<std::string>& users, const std::string& payload,
                  const std::string& sender, const std::string& origin_client_id);
  // A committed batch: every ack first (a sender learns its message is durable no later than
  // the recipients), then every message event.
  void SendResults(std::vector<SendOutcome> outcomes);
  void Log(LogLevel level, const std::string& message) { broker_.Log(level, message); }
  // Set once, before any send: where channel message events go (none: they are dropped).
  void SetChannelPublisher(ChannelPublisher publisher) { channel_publisher_ = std::move(publisher); }

 private:
  // `sender` empty: every user's whole inbox; otherwise as NewMessage.
  void Deliver(const std::vector<std::string>& users, const std::string& payload, int qos,
               const std::string& sender, const std::string& origin_client_id);
  void Publish(const OutgoingMessage& msg, const std::string& to);

  BrokerApi& broker_;
  const session::DeviceIndex* const devices_;
  const InboxHook inbox_hook_;
  ChannelPublisher channel_publisher_;
};

}  // namespace mqchat::chat
