#include "call/call_registry.h"

#include <utility>

namespace mqchat::call {
namespace {

using nlohmann::json;
namespace f = protocol::call_fields;
namespace ev = protocol::call_events;

protocol::ProtocolError Invalid(std::string message) {
  return protocol::ProtocolError{protocol::ErrorCode::kInvalid, std::move(message)};
}

}  // namespace

CallRegistry::Call* CallRegistry::Find(int64_t conversation_id, const std::string& call_id,
                                       std::optional<protocol::ProtocolError>* error) {
  auto it = calls_.find(call_id);
  // One wording for an unknown, ended or other conversation's call: an id tells nothing.
  if (it == calls_.end() || it->second.conversation_id != conversation_id) {
    *error = Invalid("no live call " + call_id + " in conversation " +
                     std::to_string(conversation_id));
    return nullptr;
  }
  return &it->second;
}

bool CallRegistry::UserBusy(const std::string& user) const {
  auto it = user_devices_in_calls_.find(user);
  return it != user_devices_in_calls_.end() && it->second > 0;
}

std::optional<protocol::ProtocolError> CallRegistry::DeviceFree(
    const std::string& client_id) const {
  auto it = by_device_.find(client_id);
  if (it == by_device_.end()) return std::nullopt;
  return Invalid("this device is in call " + it->second + "; hang up first");
}

std::string CallRegistry::CallOf(const std::string& client_id) const {
  auto it = by_device_.find(client_id);
  return it == by_device_.end() ? std::string() : it->second;
}

std::string CallRegistry::CallIn(int64_t conversation_id) const {
  auto it = by_conversation_.find(conversation_id);
  return it == by_conversation_.end() ? std::string() : it->second;
}

json CallRegistry::ParticipantList(const Call& call) const {
  json list = json::array();
  for (const auto& [id, d] : call.participants) {
    list.push_back({{f::kUser, d.user}, {f::kDevice, d.device}});
  }
  return list;
}

void CallRegistry::ToParticipants(const Call& call, const json& event, std::vector<Delivery>& out,
                                  const std::string& except) const {
  for (const auto& [id, d] : call.participants) {
    if (id != except) out.push_back(Delivery{d.user, id, "", event});
  }
}

void CallRegistry::RingEnded(const Call& call, const std::string& user, const std::string& reason,
                             std::vector<Delivery>& out,
                             const std::string& except_client_id) const {
  json e = protocol::CallEventBase(ev::kRingEnded, call.conversation_id, call.id);
  e[f::kReason] = reason;
  out.push_back(Delivery{user, "", except_client_id, std::move(e)});
}

CallRegistry::Outcome CallRegistry::Invite(const DeviceRef& caller, int64_t conversation_id,
                                           bool direct, const std::vector<std::string>& callees,
                                           bool video, const std::string& call_id,
                                           int64_t now_ms) {
  Outcome out;
  const std::string caller_id = caller.client_id();
  if (auto e = DeviceFree(caller_id)) {
    out.error = std::move(e);
    return out;
  }
  const std::string live = CallIn(conversation_id);
  if (!live.empty()) {
    out.error = Invalid("conversation " + std::to_string(conversation_id) +
                        " has a call in progress: call_join it (call_id " + live + ")");
    return out;
  }
  std::vector<std::string> others;
  for (const auto& user : callees) {
    if (user != caller.user) others.push_back(user);
  }
  if (others.empty()) {
    out.error = Invalid("there is nobody else in conversation " + std::to_string(conversation_id));
    return out;
  }
  Call& call = calls_[call_id];
  call.id = call_id;
  call.conversation_id = conversation_id;
  call.direct = direct;
  call.video = video;
  call.caller = caller;
  call.started_ms = now_ms;
  call.ring_deadline_ms = now_ms + limits_.ring_timeout_ms;
  call.participants[caller_id] = caller;
  call.took_part.insert(caller.user);
  by_conversation_[conversation_id] = call_id;
  by_device_[caller_id] = call_id;
  ++user_devices_in_calls_[caller.user];
  for (const auto& user : others) {
    if (UserBusy(user)) {
      call.busy = true;
      json e = protocol::CallEventBase(ev::kBusy, conversation_id, call_id);
      e[f::kUser] = user;
      out.deliveries.push_back(Delivery{caller.user, caller_id, "", std::move(e)});
      continue;
    }
    call.rung.insert(user);
    call.rang_anyone = true;
    json e = protocol::CallEventBase(ev::kRinging, conversation_id, call_id);
    e[f::kCaller] = caller.user;
    e[f::kCallerDevice] = caller.device;
    e[f::kVideo] = video;
    e[f::kRingTimeoutS] = limits_.ring_timeout_ms / 1000;
    out.deliveries.push_back(Delivery{user, "", "", std::move(e)});
  }
  deadlines_.emplace(call.ring_deadline_ms, call_id);
  out.response[f::kCallId] = call_id;
  out.response[f::kRingTimeoutS] = limits_.ring_timeout_ms / 1000;
  MaybeEnd(call, now_ms, out.deliveries);  // everyone busy: over at once
  return out;
}

CallRegistry::Outcome CallRegistry::Enter(Call& call, const DeviceRef& who, int64_t now_ms) {
  Outcome out;
  const std::string id = who.client_id();
  if (static_cast<int>(call.participants.size()) >= limits_.max_participants) {
    out.error = protocol::ProtocolError{
        protocol::ErrorCode::kGroupFull,
        "call " + call.id + " has " + std::to_string(limits_.max_participants) +
            " participants, the limit (max_call_participants)"};
    return out;
  }
  if (call.rung.erase(who.user) > 0) {
    RingEnded(call, who.user, "answered_elsewhere", out.deliveries, id);
  }
  if (!call.answered) {
    call.answered = true;
    call.answered_ms = now_ms;
  }
  out.response[f::kCallId] = call.id;
  out.response[f::kParticipants] = ParticipantList(call);  // those already in, to offer to
  call.participants[id] = who;
  call.took_part.insert(who.user);
  by_device_[id] = call.id;
  ++user_devices_in_calls_[who.user];
  json e = protocol::CallEventBase(ev::kJoined, call.conversation_id, call.id);
  e[f::kUser] = who.user;
  e[f::kDevice] = who.device;
  ToParticipants(call, e, out.deliveries);
  return out;
}

CallRegistry::Outcome CallRegistry::Accept(const DeviceRef& who, int64_t conversation_id,
                                           const std::string& call_id, int64_t now_ms) {
  Outcome out;
  Call* call = Find(conversation_id, call_id, &out.error);
  if (call == nullptr) return out;
  if (call->rung.count(who.user) == 0) {
    out.error = Invalid("you are not being rung for call " + call_id);
    return out;
  }
  if (auto e = DeviceFree(who.client_id())) {
    out.error = std::move(e);
    return out;
  }
  return Enter(*call, who, now_ms);
}

CallRegistry::Outcome CallRegistry::Join(const DeviceRef& who, int64_t conversation_id,
                                         const std::string& call_id, int64_t now_ms) {
  Outcome out;
  Call* call = Find(conversation_id, call_id, &out.error);
  if (call == nullptr) return out;
  if (call->direct) {
    out.error = Invalid("a direct conversation's call is taken with call_accept");
    return out;
  }
  if (auto e = DeviceFree(who.client_id())) {
    out.error = std::move(e);
    return out;
  }
  for (const auto& [id, d] : call->participants) {
    if (d.user == who.user) {
      out.error = Invalid("you are in call " + call_id + " on another device");
      return out;
    }
  }
  return Enter(*call, who, now_ms);
}

CallRegistry::Outcome CallRegistry::Decline(const DeviceRef& who, int64_t conversation_id,
                                            const std::string& call_id, int64_t now_ms) {
  Outcome out;
  Call* call = Find(conversation_id, call_id, &out.error);
  if (call == nullptr) return out;
  if (call->rung.erase(who.user) == 0) {
    out.error = Invalid("you are not being rung for call " + call_id);
    return out;
  }
  call->declined.insert(who.user);
  RingEnded(*call, who.user, "declined", out.deliveries);
  json e = protocol::CallEventBase(ev::kDeclined, conversation_id, call_id);
  e[f::kUser] = who.user;
  ToParticipants(*call, e, out.deliveries);
  out.response[f::kCallId] = call_id;
  MaybeEnd(*call, now_ms, out.deliveries);
  return out;
}

CallRegistry::Outcome CallRegistry::Hangup(const DeviceRef& who, int64_t conversation_id,
                                           const std::string& call_id, int64_t now_ms) {
  Outcome out;
  Call* call = Find(conversation_id, call_id, &out.error);
  if (call == nullptr) return out;
  const std::string id = who.client_id();
  if (call->participants.count(id) == 0) {
    out.error = Invalid("this device is not in call " + call_id);
    return out;
  }
  out.response[f::kCallId] = call_id;
  Leave(*call, id, "hangup", now_ms, out.deliveries);
  return out;
}

CallRegistry::Outcome CallRegistry::Signal(const DeviceRef& who, int64_t conversation_id,
                                           const protocol::CallRequest& req) {
  Outcome out;
  Call* call = Find(conversation_id, req.call_id, &out.error);
  if (call == nullptr) return out;
  const std::string from = who.client_id();
  if (call->participants.count(from) == 0) {
    out.error = Invalid("this device is not in call " + req.call_id);
    return out;
  }
  const bool media = req.signal == protocol::SignalKind::kMedia;
  if (!media) {
    if (req.to == from) {
      out.error = Invalid("a signal goes to another device of the call, not to its sender");
      return out;
    }
    if (call->participants.count(req.to) == 0) {
      out.error = Invalid("device " + req.to + " is not in call " + req.call_id);
      return out;
    }
  }
  json e = protocol::CallEventBase(ev::kSignal, conversation_id, req.call_id);
  e[f::kFrom] = from;
  e[f::kSigSeq] = ++call->sig_seq;
  protocol::AddSignalFields(req, e);
  if (media) {
    ToParticipants(*call, e, out.deliveries, from);
  } else {
    const DeviceRef& target = call->participants.at(req.to);
    out.deliveries.push_back(Delivery{target.user, req.to, "", std::move(e)});
  }
  out.response[f::kCallId] = req.call_id;
  out.response[f::kSigSeq] = call->sig_seq;
  return out;
}

void CallRegistry::Leave(Call& call, const std::string& client_id, const std::string& reason,
                         int64_t now_ms, std::vector<Delivery>& out) {
  auto it = call.participants.find(client_id);
  if (it == call.participants.end()) return;
  const DeviceRef gone = it->second;
  call.participants.erase(it);
  by_device_.erase(client_id);
  if (--user_devices_in_calls_[gone.user] <= 0) user_devices_in_calls_.erase(gone.user);
  json e = protocol::CallEventBase(ev::kLeft, call.conversation_id, call.id);
  e[f::kUser] = gone.user;
  e[f::kDevice] = gone.device;
  e[f::kReason] = reason;
  ToParticipants(call, e, out);
  // A device that hung up hears how the call ended; a dropped one is gone.
  MaybeEnd(call, now_ms, out, reason == "dropped" ? std::string() : client_id);
}

bool CallRegistry::MaybeEnd(Call& call, int64_t now_ms, std::vector<Delivery>& out,
                            const std::string& also_tell) {
  if (!call.answered) {
    if (call.participants.empty()) {
      End(call, "cancelled", now_ms, out, also_tell);
      return true;
    }
    if (call.rung.empty()) {
      // busy: every callee was busy, nobody was rung at all.
      const char* reason = !call.declined.empty()       ? "declined"
                           : call.busy && !call.rang_anyone ? "busy"
                                                            : "missed";
      End(call, reason, now_ms, out, also_tell);
      return true;
    }
    return false;
  }
  const size_t needed = call.direct ? 2 : 1;
  if (call.participants.size() < needed) {
    End(call, "completed", now_ms, out, also_tell);
    return true;
  }
  return false;
}

void CallRegistry::End(Call& call, const std::string& reason, int64_t now_ms,
                       std::vector<Delivery>& out, const std::string& also_tell) {
  const std::string ring_reason = reason == "cancelled" ? "cancelled" : "ended";
  for (const auto& user : call.rung) RingEnded(call, user, ring_reason, out);
  json e = protocol::CallEventBase(ev::kEnded, call.conversation_id, call.id);
  e[f::kReason] = reason;
  e[f::kStartedBy] = call.caller.user;
  e[f::kDurationMs] = call.answered ? now_ms - call.answered_ms : 0;
  e[f::kParticipants] = std::vector<std::string>(call.took_part.begin(), call.took_part.end());
  EndedCall ended{call.conversation_id, call.caller.user, {}};
  ended.record.declined.assign(call.declined.begin(), call.declined.end());
  ended.record.call_id = call.id;
  ended.record.outcome = std::string(protocol::CallOutcomeOf(reason));
  ended.record.video = call.video;
  ended.record.duration_ms = e[f::kDurationMs].get<int64_t>();
  ended.record.participants.assign(call.took_part.begin(), call.took_part.end());
  ended_.push_back(std::move(ended));
  ToParticipants(call, e, out);
  if (!also_tell.empty() && call.participants.count(also_tell) == 0) {
    const std::string user = also_tell.substr(0, also_tell.find('/'));
    out.push_back(Delivery{user, also_tell, "", e});
  }
  for (const auto& [id, d] : call.participants) {
    by_device_.erase(id);
    if (--user_devices_in_calls_[d.user] <= 0) user_devices_in_calls_.erase(d.user);
  }
  by_conversation_.erase(call.conversation_id);
  const std::string id = call.id;  // not a reference into the entry erased
  calls_.erase(id);                // `call` is gone from here on
}

std::vector<Delivery> CallRegistry::DeviceGone(const std::string& client_id, int64_t now_ms) {
  std::vector<Delivery> out;
  auto it = by_device_.find(client_id);
  if (it == by_device_.end()) return out;
  auto call = calls_.find(it->second);
  if (call == calls_.end()) return out;
  Leave(call->second, client_id, "dropped", now_ms, out);
  return out;
}

std::vector<Delivery> CallRegistry::Tick(int64_t now_ms) {
  std::vector<Delivery> out;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ms) {
    const std::string id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = calls_.find(id);
    if (it == calls_.end()) continue;  // ended before its rings timed out
    Call& call = it->second;
    for (const auto& user : call.rung) RingEnded(call, user, "timeout", out);
    call.rung.clear();
    MaybeEnd(call, now_ms, out);
  }
  return out;
}

}  // namespace mqchat::call
