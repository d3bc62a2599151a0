// CallOps across brokers (call_relay.h): requests forwarded to a call's home, answers and events
// sent back through the broker of the device they are for. Broker thread only.
#include <utility>

#include "call/call_ops.h"
#include "protocol/topics.h"

namespace mqchat::call {

using protocol::CallOp;

bool CallOps::Forward(const DeviceRef& who, int64_t conversation_id,
                      const protocol::CallRequest& req, const chat::ReplyTo& to) {
  if (!relay_ || req.op == CallOp::kInvite || req.op == CallOp::kIceServers) return false;
  const int home = HomeOfCall(req.call_id);
  if (home < 0 || home == relay_->node_id) return false;
  // The membership was checked here (and a signal's rate); the home applies the request.
  RelayEnvelope e;
  e.kind = RelayEnvelope::Kind::kRequest;
  e.from = relay_->node_id;
  e.user = who.user;
  e.device = who.device;
  e.conversation_id = conversation_id;
  e.op = static_cast<int>(req.op);
  e.body = protocol::EncodeCallRequest(req).dump();
  e.client_id = to.client_id;
  e.topic = to.topic;
  e.correlation_data = to.correlation_data;
  e.req_id = to.req_id;
  e.op_name = to.op_name;
  Send(home, e);
  forwarded_[who.client_id()] = home;
  return true;
}

void CallOps::Answer(const chat::ReplyTo& to, std::string payload, int origin) {
  if (origin < 0) return fan_out_.Reply(to, std::move(payload));
  RelayEnvelope e;
  e.kind = RelayEnvelope::Kind::kToDevice;
  e.client_id = to.client_id;
  e.topic = to.topic;
  e.correlation_data = to.correlation_data;
  e.qos = 0;  // a response, as every response (chat/reply.h)
  e.body = std::move(payload);
  Send(origin, e);
}

void CallOps::Send(int broker, const RelayEnvelope& envelope) {
  if (relay_ && relay_->send) relay_->send(broker, EncodeEnvelope(envelope));
}

void CallOps::OnRelayed(const std::string& text) {
  std::optional<RelayEnvelope> e = DecodeEnvelope(text);
  if (!e) {
    broker_.Log(LogLevel::kWarning, "mqchat: call relay: an envelope that does not decode");
    return;
  }
  switch (e->kind) {
    case RelayEnvelope::Kind::kRequest: {
      chat::ReplyTo to;
      to.client_id = e->client_id;
      to.topic = e->topic;
      to.correlation_data = e->correlation_data;
      to.req_id = e->req_id;
      to.op_name = e->op_name;
      const bool known = e->op >= 0 && e->op <= static_cast<int>(CallOp::kIceServers);
      const auto op = known ? static_cast<CallOp>(e->op) : CallOp::kInvite;
      protocol::ParsedCallRequest parsed = protocol::ParseCallRequest(op, e->body);
      if (parsed.error || op == CallOp::kInvite || op == CallOp::kIceServers) {
        return Answer(to,
                      chat::ErrorPayload(to, protocol::ErrorCode::kBadRequest,
                                         "a call request another broker could not relay"),
                      e->from);
      }
      remote_devices_[e->client_id] = e->from;
      Apply(DeviceRef{e->user, e->device}, e->conversation_id, parsed.request, to, nullptr,
            e->from);
      return;
    }
    case RelayEnvelope::Kind::kToDevice: {
      OutgoingMessage msg;
      msg.topic = e->topic;
      msg.payload = std::move(e->body);
      msg.qos = e->qos;
      msg.target_client_id = e->client_id;
      msg.correlation_data = e->correlation_data;
      Status s = broker_.Publish(msg);
      if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: relayed call event: " + s.ToString());
      return;
    }
    case RelayEnvelope::Kind::kToUser:
      if (devices_ == nullptr) return;
      for (const auto& client_id : devices_->OtherDevices(e->user, e->except_client_id)) {
        PublishTo(e->user, client_id, e->body);
      }
      return;
    case RelayEnvelope::Kind::kGone:
      DeviceGone(e->client_id);
      remote_devices_.erase(e->client_id);
      return;
  }
}

}  // namespace mqchat::call
