#include "call/call_ops.h"

#include <utility>

#include "protocol/topics.h"

namespace mqchat::call {
namespace {

namespace f = protocol::call_fields;
using protocol::CallOp;
using protocol::ErrorCode;

}  // namespace

CallOps::CallOps(CallOptions options, const chat::ChatTools& tools, chat::FanOut& fan_out,
                 BrokerApi& broker, const session::DeviceIndex* devices,
                 const session::HiddenUsers* hidden, SnowflakeGenerator& ids, CallLogSubmit log)
    : options_(std::move(options)),
      tools_(tools),
      fan_out_(fan_out),
      broker_(broker),
      devices_(devices),
      hidden_(hidden),
      ids_(ids),
      log_(std::move(log)),
      registry_(options_.limits),
      signal_limiter_(RateLimiter::PerWindow(options_.signals_per_minute, 60000)),
      random_(std::random_device{}()) {}

std::string CallOps::NewCallId() { return MakeCallId(relay_ ? relay_->node_id : 0, random_()); }

chat::Plan CallOps::Plan(const session::ClientSession& who, int64_t conversation_id,
                         protocol::CallRequest req, const chat::ReplyTo& to) {
  const DeviceRef me{who.username, who.device_id};
  if (req.op == CallOp::kIceServers) {
    IceServers ice = MakeIceServers(options_.ice, who.username, tools_.clock.NowMs() / 1000);
    nlohmann::json fields = {{f::kIceServers, std::move(ice.servers)}};
    if (ice.expires_at_ms > 0) fields[f::kExpiresAtMs] = ice.expires_at_ms;
    fan_out_.Reply(to, chat::OkPayload(to, std::move(fields)));
    return chat::Answered{};
  }
  if (req.op == CallOp::kSignal) {
    const int64_t wait =
        signal_limiter_.Take(who.client_id, 1, tools_.clock.MonotonicMs());
    if (wait > 0) {
      return chat::Refusal{ErrorCode::kRateLimited,
                           "too many call signals; the limit is " +
                               std::to_string(options_.signals_per_minute) + " per minute",
                           wait};
    }
  }
  chat::MembersPtr cached = tools_.members.Cached(conversation_id);
  const bool blocks_known = hidden_ == nullptr || hidden_->Loaded(who.username);
  if (cached && cached->Contains(who.username) && blocks_known) {
    Apply(me, conversation_id, req, to, cached);
    return chat::Answered{};
  }
  // Unknown, or cached without the user (added through another broker since?): the store
  // decides, on the user's reader (after their blocks are loaded).
  return chat::StoreTask([this, me, conversation_id, req = std::move(req),
                          to](store::ChatStore& store) {
    auto members = tools_.members.Reload(store, conversation_id);
    if (!members.ok() || !(*members)->Contains(me.user)) {
      return tools_.replies.NotMember(to, conversation_id);
    }
    tools_.replies.OnBrokerThread([this, me, conversation_id, req, to, m = *members] {
      Apply(me, conversation_id, req, to, m);
    });
  });
}

void CallOps::Apply(const DeviceRef& who, int64_t conversation_id, const protocol::CallRequest& req,
                    const chat::ReplyTo& to, const chat::MembersPtr& members, int origin) {
  if (origin < 0) {
    if (Forward(who, conversation_id, req, to)) return;
    remote_devices_.erase(who.client_id());  // here now, whatever it was before
  }
  const int64_t now = tools_.clock.MonotonicMs();
  CallRegistry::Outcome out;
  bool with_ice = false;
  switch (req.op) {
    case CallOp::kInvite: {
      const bool direct = members->kind == store::ConversationKind::kDirect;
      std::vector<std::string> callees;
      for (const auto& user : members->usernames) {
        if (user == who.user) continue;
        const bool hidden = hidden_ != nullptr && hidden_->Hidden(who.user, user);
        if (hidden && direct) {
          // One code and wording with send's: a block is not told apart from a dm policy.
          Answer(to,
                 chat::ErrorPayload(to, ErrorCode::kNotAccepting,
                                    user + " does not accept calls from you"),
                 origin);
          return;
        }
        if (!hidden) callees.push_back(user);  // a group rings nobody across a block
      }
      out = registry_.Invite(who, conversation_id, direct, callees, req.video, NewCallId(), now);
      with_ice = true;
      break;
    }
    case CallOp::kAccept:
      out = registry_.Accept(who, conversation_id, req.call_id, now);
      with_ice = true;
      break;
    case CallOp::kJoin:
      out = registry_.Join(who, conversation_id, req.call_id, now);
      with_ice = true;
      break;
    case CallOp::kDecline:
      out = registry_.Decline(who, conversation_id, req.call_id, now);
      break;
    case CallOp::kHangup:
      out = registry_.Hangup(who, conversation_id, req.call_id, now);
      break;
    case CallOp::kSignal:
      out = registry_.Signal(who, conversation_id, req);
      break;
    case CallOp::kIceServers:
      return;  // answered in Plan
  }
  if (out.error) {
    Answer(to, chat::ErrorPayload(to, out.error->code, out.error->message), origin);
    return;
  }
  out.response[f::kConversationId] = std::to_string(conversation_id);
  if (with_ice) {
    out.response[f::kIceServers] =
        MakeIceServers(options_.ice, who.user, tools_.clock.NowMs() / 1000).servers;
  }
  // The answer first: a caller knows its call_id before any event about the call.
  Answer(to, chat::OkPayload(to, std::move(out.response)), origin);
  Publish(out.deliveries);
  if (req.op == CallOp::kInvite) PushRings(who, conversation_id, req.video, out.deliveries);
  RecordEnded();
}

void CallOps::Publish(const std::vector<Delivery>& deliveries) {
  for (const Delivery& d : deliveries) {
    const std::string payload = d.event.dump();
    if (!d.client_id.empty()) {
      auto remote = remote_devices_.find(d.client_id);
      if (remote == remote_devices_.end()) {
        PublishTo(d.user, d.client_id, payload);
      } else {  // a device of the call on another broker
        RelayEnvelope e;
        e.kind = RelayEnvelope::Kind::kToDevice;
        e.user = d.user;
        e.client_id = d.client_id;
        e.topic = protocol::InboxTopic(d.user);
        e.body = payload;
        Send(remote->second, e);
      }
    } else if (!d.except_client_id.empty() && devices_ != nullptr) {
      for (const auto& client_id : devices_->OtherDevices(d.user, d.except_client_id)) {
        PublishTo(d.user, client_id, payload);
      }
      if (relay_ && relay_->brokers_of) {  // the user's devices on other brokers, but that one
        RelayEnvelope e;
        e.kind = RelayEnvelope::Kind::kToUser;
        e.user = d.user;
        e.except_client_id = d.except_client_id;
        e.body = payload;
        for (int broker : relay_->brokers_of(d.user)) Send(broker, e);
      }
    } else {
      fan_out_.ToInboxes({d.user}, payload);  // the inbox reaches every broker
    }
  }
}

void CallOps::PublishTo(const std::string& user, const std::string& client_id,
                        const std::string& payload) {
  OutgoingMessage msg;
  msg.topic = protocol::InboxTopic(user);
  msg.payload = payload;
  msg.qos = 1;
  msg.target_client_id = client_id;
  Status s = broker_.Publish(msg);
  if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: call event: " + s.ToString());
}

void CallOps::DeviceGone(const std::string& client_id) {
  if (auto home = forwarded_.find(client_id); home != forwarded_.end()) {
    RelayEnvelope e;  // it may be in a call homed there: it leaves it
    e.kind = RelayEnvelope::Kind::kGone;
    e.client_id = client_id;
    Send(home->second, e);
    forwarded_.erase(home);
  }
  if (registry_.CallOf(client_id).empty()) return;
  Publish(registry_.DeviceGone(client_id, tools_.clock.MonotonicMs()));
  RecordEnded();
}

void CallOps::OnTick() {
  if (registry_.size() == 0) return;
  Publish(registry_.Tick(tools_.clock.MonotonicMs()));
  RecordEnded();
}

void CallOps::PushRings(const DeviceRef& caller, int64_t conversation_id, bool video,
                        const std::vector<Delivery>& deliveries) {
  if (!push_ || !push_->online || !push_->push) return;
  for (const Delivery& d : deliveries) {
    if (d.event.value(f::kEvent, "") != protocol::call_events::kRinging) continue;
    if (push_->online(d.user)) continue;  // their devices ring
    const std::string call_id = d.event.value(f::kCallId, "");
    push::CallNotice notice{d.user, conversation_id, call_id, caller.user, video, false, ""};
    push_->push(std::move(notice));
    pushed_[call_id].push_back(d.user);
  }
}

void CallOps::RecordEnded() {
  for (EndedCall& ended : registry_.TakeEnded()) {
    if (auto pushed = pushed_.find(ended.record.call_id); pushed != pushed_.end()) {
      for (const auto& user : pushed->second) {
        push_->push(push::CallNotice{user, ended.conversation_id, ended.record.call_id,
                                     ended.caller, ended.record.video, true, ended.record.outcome});
      }
      pushed_.erase(pushed);
    }
    if (!log_) continue;
    chat::SendJob job;  // no requester: no reply (its ReplyTo has no topic)
    store::AppendRequest& req = job.request;
    req.conversation_id = ended.conversation_id;
    req.sender = ended.caller;
    req.client_msg_id = protocol::CallEntryKey(ended.record.call_id);
    req.text = protocol::EncodeCallRecord(ended.record).dump();
    req.message_id = ids_.Next();
    req.created_at_ms = tools_.clock.NowMs();
    req.kind = store::EventKind::kCall;
    // Who took part or declined saw it: it is unread only for those who missed it.
    for (const auto* users : {&ended.record.participants, &ended.record.declined}) {
      for (const auto& user : *users) {
        if (user != ended.caller) req.also_read.push_back(user);
      }
    }
    Status s = log_(std::move(job));
    if (!s.ok()) {
      broker_.Log(LogLevel::kWarning,
                  "mqchat: call " + ended.record.call_id + " not recorded in conversation " +
                      std::to_string(ended.conversation_id) + ": " + s.ToString());
    }
  }
}

}  // namespace mqchat::call
