// ClientImpl: sending. Every message is written to the outbox before anything goes on the wire,
// then sent in outbox order, at most `window_` at a time, and resent with the same
// client_msg_id after reconnects, timeouts and retryable refusals until the server acks it.
// The server deduplicates by client_msg_id, so each message is stored exactly once.
#include <algorithm>
#include <cstdint>

#include "client_impl.h"
#include "convert.h"
#include "protocol/text.h"

namespace mqchat::sdk {

void ClientImpl::LoadOutbox() {
  auto entries = cache_->Outbox();
  if (!entries.ok()) {
    Log("mqchat: " + entries.status().ToString());
    return;
  }
  for (auto& e : *entries) outbox_.push_back(OutboxItem{std::move(e), {}, {}});
}

void ClientImpl::Send(int64_t conversation_id, std::string text, AckCallback done) {
  if (conversation_id <= 0) {
    done(Status::InvalidArgument("conversation id must be positive"));
    return;
  }
  // The length limit is the server's setting; only what no server accepts is refused here.
  if (auto error = protocol::ValidateMessageText(text, SIZE_MAX)) {
    done(protocol::ErrorToStatus(*error));
    return;
  }
  OutboxEntry entry;
  entry.created_ms = NowMs();
  entry.client_msg_id = ids_.ClientMsgId(entry.created_ms);
  entry.conversation_id = conversation_id;
  entry.text = std::move(text);
  // One lock around "persist, then queue" keeps the engine's order equal to the outbox's.
  std::lock_guard<std::mutex> lock(send_mu_);
  auto position = cache_->AddOutbox(entry);
  if (!position.ok()) {
    done(position.status());
    return;
  }
  entry.position = *position;
  const bool posted = loop_.Post([this, entry = std::move(entry), done]() mutable {
    send_waiters_[entry.client_msg_id].push_back(std::move(done));
    outbox_.push_back(OutboxItem{std::move(entry), {}, {}});
    PumpOutbox();
  });
  if (!posted) {
    done(Status::Unavailable("the client is shutting down; the message stays in the outbox"));
  }
}

void ClientImpl::PumpOutbox() {
  if (state_ != ConnectionState::kOnline || !IsUp()) return;
  int in_flight = static_cast<int>(
      std::count_if(outbox_.begin(), outbox_.end(), [](const auto& i) { return !i.req_id.empty(); }));
  const auto now = EventLoop::Clock::now();
  const int window = std::min(window_, window_cap_);
  for (auto& item : outbox_) {
    if (in_flight >= window) break;
    if (!item.req_id.empty()) continue;
    if (item.retry_at > now) {
      // Nothing overtakes a message waiting to be retried: that would change the order.
      if (pump_timer_ == 0) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(item.retry_at - now) +
                    std::chrono::milliseconds(1);
        pump_timer_ = loop_.PostAfter(wait, [this] {
          pump_timer_ = 0;
          PumpOutbox();
        });
      }
      break;
    }
    protocol::Request request;
    request.op = protocol::Op::kSend;
    request.conversation_id = item.entry.conversation_id;
    request.body = protocol::SendRequest{item.entry.client_msg_id, item.entry.text};
    auto req_id = std::make_shared<std::string>();
    const std::string cmid = item.entry.client_msg_id;
    auto started = StartRequest(std::move(request), [this, cmid, req_id](Result<protocol::Response> r) {
      OnSendResult(cmid, *req_id, std::move(r));
    });
    if (!started.ok()) break;  // the connection is going; the loss handler resets everything
    *req_id = *started;
    item.req_id = *started;
    ++in_flight;
  }
}

void ClientImpl::OnSendResult(const std::string& client_msg_id, const std::string& req_id,
                              Result<protocol::Response> response) {
  auto it = std::find_if(outbox_.begin(), outbox_.end(),
                         [&](const OutboxItem& i) { return i.entry.client_msg_id == client_msg_id; });
  if (it == outbox_.end()) return;  // settled already
  if (response.ok()) {
    auto ack = protocol::DecodeAck(response->body);
    if (ack.ok()) {
      ApplyAck(*ack);
      return;
    }
    response = Status::Internal("malformed send ack: " + ack.status().message());
  }
  if (it->req_id != req_id) return;  // an older attempt; a newer one is in flight
  it->req_id.clear();
  if (response.status().IsRetryable()) {
    it->retry_at = EventLoop::Clock::now() + retry_backoff_.Next();
    window_ = 1;  // slow start again: the server is struggling
    Log("mqchat: send " + client_msg_id + ": " + response.status().ToString() + "; will retry");
    PumpOutbox();
    return;
  }
  // Refused for good (not a member, invalid text, ...): it will never be stored.
  Status removed = cache_->RemoveOutbox(client_msg_id);
  if (!removed.ok()) Log("mqchat: " + removed.ToString());
  outbox_.erase(it);
  CompleteSend(client_msg_id, response.status());
  PumpOutbox();
}

void ClientImpl::ApplyAck(const protocol::WireAck& ack) {
  auto it = std::find_if(outbox_.begin(), outbox_.end(), [&](const OutboxItem& i) {
    return i.entry.client_msg_id == ack.client_msg_id;
  });
  if (it == outbox_.end()) return;  // settled already (a late duplicate ack)
  const OutboxEntry entry = std::move(it->entry);
  outbox_.erase(it);
  RunBatch([&] {
    Status removed = cache_->RemoveOutbox(entry.client_msg_id);
    if (!removed.ok()) Log("mqchat: " + removed.ToString());
    // The sender's own copy: the inbox delivers it too, and the cache keeps one.
    protocol::WireMessage m;
    m.conversation_id = ack.conversation_id;
    m.seq = ack.seq;
    m.message_id = ack.message_id;
    m.sender = options_.username;
    m.client_msg_id = entry.client_msg_id;
    m.text = entry.text;
    m.sent_at_ms = ack.server_time_ms;
    StoreMessage(m, 0);
  });
  retry_backoff_.Reset();
  window_ = std::min(window_ * 2, std::clamp(options_.send_window, 1, kMaxSendWindow));
  CompleteSend(entry.client_msg_id, FromWire(ack));
  PumpOutbox();
}

void ClientImpl::CompleteSend(const std::string& client_msg_id, const Result<Ack>& result) {
  auto node = send_waiters_.extract(client_msg_id);
  if (node.empty()) return;
  for (auto& done : node.mapped()) done(result);
}

}  // namespace mqchat::sdk
