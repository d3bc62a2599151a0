#include "call_result.h"

#include "protocol/ids.h"

namespace mqchat::sdk {
namespace {

namespace f = protocol::call_fields;
namespace ev = protocol::call_events;
using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::vector<IceServer> IceList(const json& list) {
  std::vector<IceServer> out;
  if (!list.is_array()) return out;
  for (const auto& s : list) {
    if (!s.is_object()) continue;
    IceServer server;
    auto urls = s.find(f::kUrls);
    if (urls != s.end() && urls->is_array()) {
      for (const auto& u : *urls) {
        if (u.is_string()) server.urls.push_back(u.get<std::string>());
      }
    }
    server.username = Str(s, f::kUsername);
    server.credential = Str(s, f::kCredential);
    out.push_back(std::move(server));
  }
  return out;
}

CallSignal::Kind SignalKindOf(const std::string& name) {
  if (name == "answer") return CallSignal::Kind::kAnswer;
  if (name == "candidate") return CallSignal::Kind::kCandidate;
  if (name == "media") return CallSignal::Kind::kMedia;
  return CallSignal::Kind::kOffer;
}

CallEvent::Kind KindOf(const std::string& event) {
  if (event == ev::kRinging) return CallEvent::Kind::kRinging;
  if (event == ev::kRingEnded) return CallEvent::Kind::kRingEnded;
  if (event == ev::kBusy) return CallEvent::Kind::kBusy;
  if (event == ev::kJoined) return CallEvent::Kind::kJoined;
  if (event == ev::kDeclined) return CallEvent::Kind::kDeclined;
  if (event == ev::kLeft) return CallEvent::Kind::kLeft;
  if (event == ev::kEnded) return CallEvent::Kind::kEnded;
  if (event == ev::kSignal) return CallEvent::Kind::kSignal;
  return CallEvent::Kind::kOther;
}

}  // namespace

Result<CallSession> CallSessionResult(const protocol::Response& r) {
  const json& b = r.body;
  CallSession s;
  s.call_id = Str(b, f::kCallId);
  if (s.call_id.empty()) return Status::Internal(r.op + " answer has no call_id");
  if (auto id = protocol::ParseId(Str(b, f::kConversationId))) s.conversation_id = *id;
  s.ring_timeout_s = Int(b, f::kRingTimeoutS);
  auto parts = b.find(f::kParticipants);
  if (parts != b.end() && parts->is_array()) {
    for (const auto& p : *parts) {
      if (p.is_object()) s.participants.push_back({Str(p, f::kUser), Str(p, f::kDevice)});
    }
  }
  auto ice = b.find(f::kIceServers);
  if (ice != b.end()) s.ice_servers = IceList(*ice);
  return s;
}

Result<std::vector<IceServer>> IceServersResult(const protocol::Response& r) {
  auto ice = r.body.find(f::kIceServers);
  if (ice == r.body.end() || !ice->is_array()) {
    return Status::Internal("ice_servers answer has no ice_servers");
  }
  return IceList(*ice);
}

std::optional<CallEvent> CallEventFromJson(const json& event) {
  auto base = protocol::DecodeCallEvent(event);
  if (!base) return std::nullopt;
  CallEvent e;
  e.event = base->event;
  e.kind = KindOf(e.event);
  e.conversation_id = base->conversation_id;
  e.call_id = base->call_id;
  e.user = Str(event, f::kUser);
  e.device = Str(event, f::kDevice);
  e.reason = Str(event, f::kReason);
  e.caller = Str(event, f::kCaller);
  e.caller_device = Str(event, f::kCallerDevice);
  e.ring_timeout_s = Int(event, f::kRingTimeoutS);
  e.started_by = Str(event, f::kStartedBy);
  e.duration_ms = Int(event, f::kDurationMs);
  e.from = Str(event, f::kFrom);
  e.sig_seq = Int(event, f::kSigSeq);
  auto video = event.find(f::kVideo);
  if (video != event.end() && video->is_boolean()) e.video = video->get<bool>();
  auto users = event.find(f::kParticipants);
  if (users != event.end() && users->is_array()) {
    for (const auto& u : *users) {
      if (u.is_string()) e.users.push_back(u.get<std::string>());
    }
  }
  if (e.kind == CallEvent::Kind::kSignal) {
    CallSignal& s = e.signal;
    s.kind = SignalKindOf(Str(event, f::kSignal));
    s.sdp = Str(event, f::kSdp);
    s.candidate = Str(event, f::kCandidate);
    if (event.contains(f::kSdpMid)) s.sdp_mid = Str(event, f::kSdpMid);
    if (event.contains(f::kSdpMlineIndex)) s.sdp_mline_index = Int(event, f::kSdpMlineIndex);
    auto audio = event.find(f::kAudio);
    if (audio != event.end() && audio->is_boolean()) s.audio = audio->get<bool>();
    if (video != event.end() && video->is_boolean()) s.video = video->get<bool>();
  }
  return e;
}

protocol::CallRequest CallSignalRequest(const std::string& call_id, const CallSignal& signal) {
  protocol::CallRequest r;
  r.op = protocol::CallOp::kSignal;
  r.call_id = call_id;
  switch (signal.kind) {
    case CallSignal::Kind::kOffer:
      r.signal = protocol::SignalKind::kOffer;
      break;
    case CallSignal::Kind::kAnswer:
      r.signal = protocol::SignalKind::kAnswer;
      break;
    case CallSignal::Kind::kCandidate:
      r.signal = protocol::SignalKind::kCandidate;
      break;
    case CallSignal::Kind::kMedia:
      r.signal = protocol::SignalKind::kMedia;
      break;
  }
  r.to = signal.to;
  r.sdp = signal.sdp;
  r.candidate = signal.candidate;
  r.sdp_mid = signal.sdp_mid;
  r.sdp_mline_index = signal.sdp_mline_index;
  r.audio_on = signal.audio;
  r.video_on = signal.video;
  return r;
}

}  // namespace mqchat::sdk
