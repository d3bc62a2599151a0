// Driver traffic: building and sending messages, and reading acks, responses and deliveries.
// Runs on whichever thread owns the connection at the time (setup: main; run: its loop thread).
#include <algorithm>
#include <cstring>

#include "driver.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/requests.h"
#include "protocol/topics.h"
#include "protocol/wire.h"

namespace mqchat::bench {

thread_local int Driver::current_thread_ = -1;

namespace {

std::string_view PayloadOf(const mosquitto_message& m) {
  return std::string_view(static_cast<const char*>(m.payload), static_cast<size_t>(m.payloadlen));
}

}  // namespace

Connection::Handlers Driver::MakeHandlers() {
  Connection::Handlers h;
  h.on_message = [this](Connection& c, const mosquitto_message& m) { OnMessage(c, m); };
  h.on_publish = [this](Connection& c, int mid, int rc) { OnPuback(c, mid, rc); };
  return h;
}

std::string Driver::Payload(uint64_t id) const {
  // The baseline sends the very same bytes as a chat send request, so sizes match.
  protocol::Request r;
  r.op = protocol::Op::kSend;
  r.req_id = tracker_->ClientMsgId(id);
  r.body = protocol::SendRequest{r.req_id, text_};
  return protocol::EncodeRequest(r);
}

std::pair<protocol::Op, int64_t> Driver::NextKind(Sender& s) const {
  // Of every 10 requests: 8 messages, an edit of the newest acked one, a reaction to it (each
  // message is edited and reacted to at most once; before any ack, a message instead).
  const int64_t k = s.made++ % 10;
  if (k == 8 && s.acked_seq > s.edited_seq) {
    s.edited_seq = s.acked_seq;
    return {protocol::Op::kEdit, s.acked_seq};
  }
  if (k == 9 && s.acked_seq > s.reacted_seq) {
    s.reacted_seq = s.acked_seq;
    return {protocol::Op::kReact, s.acked_seq};
  }
  return {protocol::Op::kSend, 0};
}

std::string Driver::RequestFor(const Sender& s, uint64_t id, std::string* topic) const {
  auto it = s.events.find(id);
  if (it == s.events.end()) {
    *topic = s.topic;
    return Payload(id);
  }
  protocol::Request r;
  r.op = it->second.first;
  r.req_id = tracker_->ClientMsgId(id);
  if (r.op == protocol::Op::kEdit) {
    protocol::EditRequest edit;
    edit.client_msg_id = r.req_id;
    edit.seq = it->second.second;
    edit.text = text_;
    r.body = std::move(edit);
  } else {
    protocol::ReactRequest react;
    react.client_msg_id = r.req_id;
    react.seq = it->second.second;
    react.emoji = "\xF0\x9F\x91\x8D";  // thumbs up
    r.body = std::move(react);
  }
  *topic = protocol::RequestTopic(r.op, s.conversation_id);
  return protocol::EncodeRequest(r);
}

bool Driver::SendOne(Sender& s) {
  if (s.quota == 0 || !s.conn->alive()) return false;
  const uint64_t id = tracker_->RecordSend(s.slot, s.conversation, NowNs());
  if (options_.mixed && chat_) {
    const auto kind = NextKind(s);
    if (kind.first != protocol::Op::kSend) s.events.emplace(id, kind);
  }
  std::string topic;
  const std::string payload = RequestFor(s, id, &topic);
  const int mid = s.conn->Publish(topic, payload, options_.send_qos);
  if (mid < 0) {
    tracker_->RecordError(s.conn->client_id() + ": publish failed");
    return false;
  }
  if (!chat_) s.mid_to_id[mid] = id;
  if (s.quota > 0) --s.quota;
  return true;
}

void Driver::Resend(Sender& s, uint64_t id) {
  tracker_->RecordResend();
  std::string topic;
  const std::string payload = RequestFor(s, id, &topic);
  const int mid = s.conn->Publish(topic, payload, options_.send_qos);
  if (mid < 0) tracker_->RecordError(s.conn->client_id() + ": publish failed");
}

void Driver::Completed(int sender) {
  if (sender < 0) return;
  const int t = senders_[sender].thread;
  // The sender's own thread refills its window after this callback; others must be woken.
  if (t != current_thread_ && t < static_cast<int>(threads_.size()) && threads_[t].loop) {
    threads_[t].loop->Wake();
  }
}

void Driver::OnMessage(Connection& c, const mosquitto_message& m) {
  const std::string_view payload = PayloadOf(m);
  if (!chat_) {
    OnDelivery(c, payload);
    return;
  }
  // One subscription (mqchat/v1/u/<user>/#) brings the inbox and the replies; anything else
  // in the user's namespace is not counted.
  if (inbox_topics_[c.index()] == m.topic) {
    OnDelivery(c, payload);
  } else if (reply_topics_[c.index()] == m.topic) {
    OnChatResponse(c, payload);
  }
}

void Driver::OnDelivery(Connection& c, std::string_view payload) {
  const int64_t now = NowNs();
  std::string cmid;
  if (chat_) {
    auto event = protocol::DecodeInboxEvent(payload);
    if (!event.ok()) {
      tracker_->RecordError(c.client_id() + ": bad inbox event: " + event.status().ToString());
      return;
    }
    if (event->type != protocol::values::kEventTypeMessage) return;  // conversation events
    auto message = protocol::DecodeMessage(event->body);
    if (!message.ok()) {
      tracker_->RecordError(c.client_id() + ": bad message: " + message.status().ToString());
      return;
    }
    cmid = std::move(message->client_msg_id);
  } else {
    auto json = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
    if (!protocol::ReadString(json, protocol::fields::kClientMsgId, protocol::Presence::kRequired,
                              &cmid)
             .ok()) {
      tracker_->RecordUnexpected();
      return;
    }
  }
  uint64_t id = 0;
  if (!tracker_->ParseClientMsgId(cmid, &id)) {
    tracker_->RecordUnexpected();
    return;
  }
  Completed(tracker_->RecordDelivery(id, roles_[c.index()], now));
}

void Driver::OnChatResponse(Connection& c, std::string_view payload) {
  const int64_t now = NowNs();
  auto response = protocol::DecodeResponse(payload);
  if (!response.ok()) {
    tracker_->RecordError(c.client_id() + ": bad response: " + response.status().ToString());
    return;
  }
  const std::string error = response->error
                                ? std::string(protocol::ErrorCodeName(response->error->code)) +
                                      ": " + response->error->message
                                : "";
  const bool retryable = response->error && protocol::IsRetryable(response->error->code);

  const bool send = response->op == protocol::OpName(protocol::Op::kSend);
  if (send || response->op == protocol::OpName(protocol::Op::kEdit) ||
      response->op == protocol::OpName(protocol::Op::kReact)) {
    uint64_t id = 0;
    if (!tracker_->ParseClientMsgId(response->req_id, &id)) {
      tracker_->RecordUnexpected();
      return;
    }
    if (response->ok && send && options_.mixed && sender_of_[c.index()] >= 0) {
      // The newest acked message is the next edit's and reaction's target.
      const auto* seq = protocol::FindField(response->body, protocol::fields::kSeq);
      Sender& s = senders_[sender_of_[c.index()]];
      if (seq != nullptr && seq->is_number_integer()) {
        s.acked_seq = std::max(s.acked_seq, seq->get<int64_t>());
      }
    }
    if (response->ok) {
      // The sending device gets no echo of its own message (docs/PROTOCOL.md): the ack is its
      // copy. In a group it counts as that member's delivery, as the plain baseline's sender
      // gets its own publish through its subscription.
      if (IsGroup(options_.scenario))
        Completed(tracker_->RecordDelivery(id, roles_[c.index()], now));
      Completed(tracker_->RecordAck(id, now));
    } else if (retryable && sender_of_[c.index()] >= 0) {
      tracker_->RecordRetryableError();
      senders_[sender_of_[c.index()]].retries.push_back(id);
    } else {
      tracker_->RecordError(c.client_id() + ": send: " + error);
    }
    return;
  }
  if (response->op == protocol::OpName(protocol::Op::kOpenDirect) ||
      response->op == protocol::OpName(protocol::Op::kCreateGroup)) {
    const int i = c.index();
    const bool not_yet = response->error && response->error->code == protocol::ErrorCode::kNotFound;
    if (response->ok) {
      const auto* conv = protocol::FindField(response->body, protocol::fields::kConversation);
      auto decoded = conv ? protocol::DecodeConversation(*conv)
                          : Result<protocol::WireConversation>(
                                Status::InvalidArgument("no conversation field"));
      if (decoded.ok()) {
        setup_conversation_[i] = decoded->conversation_id;
      } else {
        setup_error_[i] = "bad " + response->op + " response: " + decoded.status().ToString();
      }
    } else if (retryable || not_yet) {
      // NOT_FOUND: the peer's first login may still be creating its account.
      setup_conversation_[i] = -1;
    } else {
      setup_error_[i] = response->op + ": " + error;
    }
    return;
  }
  tracker_->RecordUnexpected();
}

void Driver::OnPuback(Connection& c, int mid, int reason_code) {
  if (chat_) return;  // chat requests are acked by their JSON response, not by the PUBACK
  const int si = sender_of_[c.index()];
  if (si < 0) return;
  Sender& s = senders_[si];
  auto it = s.mid_to_id.find(mid);
  if (it == s.mid_to_id.end()) return;
  const uint64_t id = it->second;
  s.mid_to_id.erase(it);
  if (reason_code >= 0x80) {
    tracker_->RecordError(c.client_id() + ": PUBACK " + mosquitto_reason_string(reason_code));
    return;
  }
  Completed(tracker_->RecordAck(id, NowNs()));
}

}  // namespace mqchat::bench
