#include "outbox.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "convert.h"
#include "protocol/attachments.h"
#include "protocol/emoji.h"
#include "protocol/fields.h"
#include "protocol/text.h"

namespace mqchat::sdk {
namespace {

namespace values = protocol::values;

// What no server would accept of an entry, checked before it is stored (nullopt: fine).
std::optional<Status> Refusal(std::string_view kind, int64_t target_seq, const std::string& text,
                              const std::vector<std::string>& attachments) {
  auto as_status = [](const std::optional<protocol::ProtocolError>& e) -> std::optional<Status> {
    if (e) return protocol::ErrorToStatus(*e);
    return std::nullopt;
  };
  if (kind.empty()) {
    if (target_seq < 0) return Status::InvalidArgument("reply_to must not be negative");
    if (!attachments.empty()) {
      // The protocol's own check of the list, as the server runs it.
      nlohmann::json list = {{protocol::fields::kAttachments, attachments}};
      std::vector<std::string> ids;
      if (auto error = protocol::ReadAttachmentIds(list, &ids)) {
        return Status::InvalidArgument(error->message);
      }
      if (text.empty()) return std::nullopt;  // a message of attachments only
    }
    // The length limit is the server's setting; only what no server accepts is refused here.
    return as_status(protocol::ValidateMessageText(text, SIZE_MAX));
  }
  if (target_seq <= 0) return Status::InvalidArgument("the message's seq must be positive");
  if (!attachments.empty()) return Status::InvalidArgument("only a message carries attachments");
  if (kind == values::kEventEdit) return as_status(protocol::ValidateMessageText(text, SIZE_MAX));
  if (kind == values::kEventDelete) return std::nullopt;
  if (kind == values::kEventReact || kind == values::kEventUnreact) {
    return as_status(protocol::ValidateEmoji(text));
  }
  return Status::InvalidArgument("unknown outbox entry kind '" + std::string(kind) + "'");
}

// The request that sends `entry`.
protocol::Request RequestFor(const OutboxEntry& entry) {
  protocol::Request request;
  request.conversation_id = entry.conversation_id;
  const std::string& cmid = entry.client_msg_id;
  if (entry.kind == values::kEventEdit) {
    request.op = protocol::Op::kEdit;
    request.body = protocol::EditRequest{cmid, entry.target_seq, entry.text};
  } else if (entry.kind == values::kEventDelete) {
    request.op = protocol::Op::kDelete;
    request.body = protocol::DeleteRequest{cmid, entry.target_seq};
  } else if (entry.kind == values::kEventReact || entry.kind == values::kEventUnreact) {
    request.op = protocol::Op::kReact;
    request.body = protocol::ReactRequest{cmid, entry.target_seq, entry.text,
                                          entry.kind == values::kEventUnreact};
  } else {
    request.op = protocol::Op::kSend;
    request.body = protocol::SendRequest{cmid, entry.text, entry.target_seq, {}, entry.attachments};
  }
  return request;
}

bool IsOutboxOp(const std::string& op) {
  for (protocol::Op o :
       {protocol::Op::kSend, protocol::Op::kEdit, protocol::Op::kDelete, protocol::Op::kReact}) {
    if (op == protocol::OpName(o)) return true;
  }
  return false;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Outbox::Outbox(const ClientOptions& options, EventLoop& loop, LocalCache& cache,
               RequestTracker& tracker, OutboxHost& host, Backoff& retry_backoff, EngineLog log)
    : options_(options),
      loop_(loop),
      cache_(cache),
      tracker_(tracker),
      host_(host),
      retry_backoff_(retry_backoff),
      log_(std::move(log)),
      window_(MaxWindow()) {}

Outbox::~Outbox() { loop_.Cancel(pump_timer_); }

int Outbox::MaxWindow() const { return std::clamp(options_.send_window, 1, kMaxSendWindow); }

void Outbox::Load() {
  auto entries = cache_.Outbox();
  if (!entries.ok()) {
    log_("mqchat: " + entries.status().ToString());
    return;
  }
  for (auto& e : *entries) items_.push_back(Item{std::move(e), {}, {}});
}

void Outbox::Submit(int64_t conversation_id, std::string_view kind, int64_t target_seq,
                    std::string text, AckCallback done, std::vector<std::string> attachments) {
  if (conversation_id <= 0) {
    done(Status::InvalidArgument("conversation id must be positive"));
    return;
  }
  if (auto refusal = Refusal(kind, target_seq, text, attachments)) {
    done(*refusal);
    return;
  }
  OutboxEntry entry;
  entry.created_ms = NowMs();
  entry.client_msg_id = ids_.ClientMsgId(entry.created_ms);
  entry.conversation_id = conversation_id;
  entry.text = std::move(text);
  entry.kind = std::string(kind);
  entry.target_seq = target_seq;
  entry.attachments = std::move(attachments);
  // One lock around "persist, then queue" keeps the engine's order equal to the outbox's.
  MutexLock lock(send_mu_);
  auto position = cache_.AddOutbox(entry);
  if (!position.ok()) {
    done(position.status());
    return;
  }
  entry.position = *position;
  const bool posted = loop_.Post([this, entry = std::move(entry), done]() mutable {
    waiters_[entry.client_msg_id].push_back(std::move(done));
    items_.push_back(Item{std::move(entry), {}, {}});
    Pump();
  });
  if (!posted) {
    done(Status::Unavailable("the client is shutting down; the message stays in the outbox"));
  }
}

void Outbox::SetReceiveMaximum(int receive_maximum) {
  window_cap_ = std::max(1, std::min(receive_maximum - kRequestHeadroom, kMaxSendWindow));
}

void Outbox::Pump() {
  if (!host_.SendsAllowed()) return;
  int in_flight = static_cast<int>(
      std::count_if(items_.begin(), items_.end(), [](const Item& i) { return !i.req_id.empty(); }));
  const auto now = EventLoop::Clock::now();
  const int window = std::min(window_, window_cap_);
  for (auto& item : items_) {
    if (in_flight >= window) break;
    if (!item.req_id.empty()) continue;
    if (item.retry_at > now) {
      // Nothing overtakes a message waiting to be retried: that would change the order.
      if (pump_timer_ == 0) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(item.retry_at - now) +
                    std::chrono::milliseconds(1);
        pump_timer_ = loop_.PostAfter(wait, [this] {
          pump_timer_ = 0;
          Pump();
        });
      }
      break;
    }
    if (!StartSend(item)) break;  // the connection is going; the loss handler resets everything
    ++in_flight;
  }
}

bool Outbox::StartSend(Item& item) {
  protocol::Request request = RequestFor(item.entry);
  auto req_id = std::make_shared<std::string>();
  const std::string cmid = item.entry.client_msg_id;
  auto started = tracker_.Start(
      std::move(request),
      [this, cmid, req_id](Result<protocol::Response> r) {
        OnSendResult(cmid, *req_id, std::move(r));
      },
      RequestTracker::Errors::kAsResponse);
  if (!started.ok()) return false;
  *req_id = *started;
  item.req_id = *started;
  return true;
}

void Outbox::OnSendResult(const std::string& client_msg_id, const std::string& req_id,
                          Result<protocol::Response> response) {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const Item& i) { return i.entry.client_msg_id == client_msg_id; });
  if (it == items_.end()) return;  // settled already
  // RATE_LIMITED: the server said how long to wait; the message waits that long (and every
  // later one behind it), then goes again with the same client_msg_id.
  std::optional<std::chrono::milliseconds> wait;
  if (response.ok() && !response->ok) {
    const protocol::ProtocolError& error = *response->error;
    if (error.code == protocol::ErrorCode::kRateLimited && error.retry_after_ms > 0) {
      wait = std::chrono::milliseconds(error.retry_after_ms);
    }
    response = protocol::ErrorToStatus(error);
  }
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
    it->retry_at = EventLoop::Clock::now() + (wait ? *wait : retry_backoff_.Next());
    window_ = 1;  // slow start again: the server is struggling
    log_("mqchat: send " + client_msg_id + ": " + response.status().ToString() + "; will retry");
    Pump();
    return;
  }
  // Refused for good (not a member, invalid text, ...): it will never be stored.
  Status removed = cache_.RemoveOutbox(client_msg_id);
  if (!removed.ok()) log_("mqchat: " + removed.ToString());
  items_.erase(it);
  Complete(client_msg_id, response.status());
  Pump();
}

void Outbox::OnUnmatchedResponse(const protocol::Response& response) {
  // A response to a request of an earlier connection (queued in the session).
  if (response.ok && IsOutboxOp(response.op)) {
    auto ack = protocol::DecodeAck(response.body);
    if (ack.ok()) ApplyAck(*ack);
  }
}

void Outbox::ApplyAck(const protocol::WireAck& ack) {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const Item& i) { return i.entry.client_msg_id == ack.client_msg_id; });
  if (it == items_.end()) return;  // settled already (a late duplicate ack)
  const OutboxEntry entry = std::move(it->entry);
  items_.erase(it);
  host_.RunBatch([&] {
    Status removed = cache_.RemoveOutbox(entry.client_msg_id);
    if (!removed.ok()) log_("mqchat: " + removed.ToString());
    // The sender's own copy (of a message or an event): the device that sent it gets no inbox
    // event for it, and the cache keeps one.
    protocol::WireMessage m;
    m.conversation_id = ack.conversation_id;
    m.seq = ack.seq;
    m.message_id = ack.message_id;
    m.sender = options_.username;
    m.client_msg_id = entry.client_msg_id;
    m.text = entry.text;
    m.sent_at_ms = ack.server_time_ms;
    m.kind = entry.kind;
    if (entry.kind.empty()) {
      m.reply_to = entry.target_seq;
    } else {
      m.target_seq = entry.target_seq;
    }
    host_.StoreOwnCopy(m);
  });
  retry_backoff_.Reset();
  window_ = std::min(window_ * 2, MaxWindow());
  Complete(entry.client_msg_id, FromWire(ack));
  Pump();
}

void Outbox::Complete(const std::string& client_msg_id, const Result<Ack>& result) {
  auto node = waiters_.extract(client_msg_id);
  if (node.empty()) return;
  for (auto& done : node.mapped()) done(result);
}

void Outbox::Reset() {
  loop_.Cancel(pump_timer_);
  pump_timer_ = 0;
  for (auto& item : items_) item.req_id.clear();
}

void Outbox::FailWaiters(const Status& status) {
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& [id, callbacks] : waiters) {
    for (auto& cb : callbacks) cb(status);
  }
}

}  // namespace mqchat::sdk
