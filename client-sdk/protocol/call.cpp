#include "protocol/call.h"

#include <array>
#include <utility>

#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/ids.h"
#include "protocol/json_bounds.h"
#include "protocol/requests.h"
#include "protocol/topics.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
namespace f = call_fields;

struct OpEntry {
  CallOp op;
  std::string_view name;
  bool conversation;  // on mqchat/v1/c/<id>/, else mqchat/v1/req/
};

constexpr std::array<OpEntry, 7> kOps = {{
    {CallOp::kInvite, "call_invite", true},
    {CallOp::kAccept, "call_accept", true},
    {CallOp::kDecline, "call_decline", true},
    {CallOp::kJoin, "call_join", true},
    {CallOp::kHangup, "call_hangup", true},
    {CallOp::kSignal, "call_signal", true},
    {CallOp::kIceServers, "ice_servers", false},
}};

ProtocolError Bad(std::string message) {
  return ProtocolError{ErrorCode::kBadRequest, std::move(message)};
}

bool ValidCallId(const std::string& id) {
  if (id.empty() || id.size() > kMaxCallIdChars) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A string field: absent -> nullopt; present but not a string -> error.
std::optional<ProtocolError> ReadString(const json& doc, const char* key, bool required,
                                        std::string* out) {
  auto it = doc.find(key);
  if (it == doc.end()) {
    if (required) return Bad(std::string(key) + " is required");
    return std::nullopt;
  }
  if (!it->is_string()) return Bad(std::string(key) + " must be a string");
  *out = it->get<std::string>();
  return std::nullopt;
}

std::optional<ProtocolError> ReadBool(const json& doc, const char* key, std::optional<bool>* out) {
  auto it = doc.find(key);
  if (it == doc.end()) return std::nullopt;
  if (!it->is_boolean()) return Bad(std::string(key) + " must be true or false");
  *out = it->get<bool>();
  return std::nullopt;
}

std::optional<ProtocolError> ReadSignal(const json& doc, CallRequest* req) {
  std::string kind;
  if (auto e = ReadString(doc, f::kSignal, true, &kind)) return e;
  if (kind == "offer") {
    req->signal = SignalKind::kOffer;
  } else if (kind == "answer") {
    req->signal = SignalKind::kAnswer;
  } else if (kind == "candidate") {
    req->signal = SignalKind::kCandidate;
  } else if (kind == "media") {
    req->signal = SignalKind::kMedia;
  } else {
    return Bad("signal must be offer, answer, candidate or media");
  }
  if (req->signal == SignalKind::kMedia) {
    if (auto e = ReadBool(doc, f::kAudio, &req->audio_on)) return e;
    if (auto e = ReadBool(doc, f::kVideo, &req->video_on)) return e;
    if (!req->audio_on && !req->video_on) return Bad("media needs audio or video");
    return std::nullopt;
  }
  if (auto e = ReadString(doc, f::kTo, true, &req->to)) return e;
  if (!ParseClientId(req->to).ok()) return Bad("to must be a client id, <user>/<device>");
  if (req->signal == SignalKind::kCandidate) {
    if (auto e = ReadString(doc, f::kCandidate, true, &req->candidate)) return e;
    if (req->candidate.size() > kMaxCandidateBytes) {
      return ProtocolError{ErrorCode::kTooLarge,
                           "candidate has " + std::to_string(req->candidate.size()) +
                               " bytes; the limit is " + std::to_string(kMaxCandidateBytes)};
    }
    std::string mid;
    auto it = doc.find(f::kSdpMid);
    if (it != doc.end() && !it->is_null()) {
      if (auto e = ReadString(doc, f::kSdpMid, false, &mid)) return e;
      if (mid.size() > 64) return Bad("sdp_mid is longer than 64 bytes");
      req->sdp_mid = mid;
    }
    auto idx = doc.find(f::kSdpMlineIndex);
    if (idx != doc.end() && !idx->is_null()) {
      if (!idx->is_number_integer() || idx->get<int64_t>() < 0 || idx->get<int64_t>() > 1024) {
        return Bad("sdp_mline_index must be an integer 0..1024");
      }
      req->sdp_mline_index = idx->get<int64_t>();
    }
    return std::nullopt;
  }
  if (auto e = ReadString(doc, f::kSdp, true, &req->sdp)) return e;
  if (req->sdp.size() > kMaxSdpBytes) {
    return ProtocolError{ErrorCode::kTooLarge, "sdp has " + std::to_string(req->sdp.size()) +
                                                   " bytes; the limit is " +
                                                   std::to_string(kMaxSdpBytes)};
  }
  if (req->sdp.empty()) return Bad("sdp is empty");
  return std::nullopt;
}

}  // namespace

std::string_view CallOpName(CallOp op) {
  for (const auto& e : kOps) {
    if (e.op == op) return e.name;
  }
  return "unknown";
}

std::optional<CallTopic> CallOpOfTopic(std::string_view topic) {
  auto levels = SplitTopic(topic);
  if (levels.size() < 4 || levels[0] != "mqchat" || levels[1] != "v1") return std::nullopt;
  const OpEntry* entry = nullptr;
  for (const auto& e : kOps) {
    if (e.name == levels.back()) entry = &e;
  }
  if (entry == nullptr) return std::nullopt;
  CallTopic out;
  out.op = entry->op;
  if (!entry->conversation) {
    if (levels.size() != 4 || levels[2] != "req") return std::nullopt;
    return out;
  }
  if (levels.size() != 5 || levels[2] != "c") return std::nullopt;
  auto id = ParseId(levels[3]);
  if (!id) {
    out.error = Bad("bad conversation id '" + std::string(levels[3]) + "'");
  } else {
    out.conversation_id = *id;
  }
  return out;
}

std::string CallRequestTopic(CallOp op, int64_t conversation_id) {
  for (const auto& e : kOps) {
    if (e.op != op) continue;
    if (!e.conversation) return "mqchat/v1/req/" + std::string(e.name);
    return "mqchat/v1/c/" + std::to_string(conversation_id) + "/" + std::string(e.name);
  }
  return {};
}

std::string_view SignalKindName(SignalKind kind) {
  switch (kind) {
    case SignalKind::kOffer:
      return "offer";
    case SignalKind::kAnswer:
      return "answer";
    case SignalKind::kCandidate:
      return "candidate";
    case SignalKind::kMedia:
      return "media";
  }
  return "offer";
}

ParsedCallRequest ParseCallRequest(CallOp op, std::string_view payload) {
  ParsedCallRequest parsed;
  parsed.op_name = std::string(CallOpName(op));
  parsed.request.op = op;
  if (payload.size() > kMaxCallRequestBytes) {
    parsed.error = ProtocolError{ErrorCode::kTooLarge,
                                 "payload has " + std::to_string(payload.size()) +
                                     " bytes; the limit is " +
                                     std::to_string(kMaxCallRequestBytes)};
    return parsed;
  }
  // Strings up to the payload's size pass the scan, so an oversize sdp is named below.
  const JsonBoundsScan scan =
      ScanJsonBounds(payload, JsonBounds{3, 64, kMaxCallRequestBytes}, fields::kReqId);
  if (scan.top_is_object && scan.captured && scan.captured->size() <= kMaxReqIdBytes) {
    parsed.req_id = *scan.captured;
  }
  if (scan.excess) {
    parsed.error = ProtocolError{ErrorCode::kTooLarge, *scan.excess};
    return parsed;
  }
  const json doc = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    parsed.error = Bad("payload must be a JSON object");
    return parsed;
  }
  CallRequest& req = parsed.request;
  if (op == CallOp::kIceServers) return parsed;
  if (op == CallOp::kInvite) {
    std::optional<bool> video;
    if (auto e = ReadBool(doc, f::kVideo, &video)) parsed.error = std::move(e);
    req.video = video.value_or(false);
    return parsed;
  }
  if (auto e = ReadString(doc, f::kCallId, true, &req.call_id)) {
    parsed.error = std::move(e);
    return parsed;
  }
  if (!ValidCallId(req.call_id)) {
    parsed.error = Bad("call_id must be 1..32 characters of [0-9a-f]");
    return parsed;
  }
  if (op == CallOp::kSignal) {
    if (auto e = ReadSignal(doc, &req)) parsed.error = std::move(e);
  }
  return parsed;
}

json EncodeCallRequest(const CallRequest& req) {
  json out = json::object();
  if (req.op == CallOp::kIceServers) return out;
  if (req.op == CallOp::kInvite) {
    out[f::kVideo] = req.video;
    return out;
  }
  out[f::kCallId] = req.call_id;
  if (req.op != CallOp::kSignal) return out;
  out[f::kSignal] = std::string(SignalKindName(req.signal));
  if (req.signal != SignalKind::kMedia) out[f::kTo] = req.to;
  AddSignalFields(req, out);
  return out;
}

json CallEventBase(std::string_view event, int64_t conversation_id, std::string_view call_id) {
  return {{f::kType, f::kCallType},
          {f::kEvent, std::string(event)},
          {f::kConversationId, FormatId(conversation_id)},
          {f::kCallId, std::string(call_id)}};
}

void AddSignalFields(const CallRequest& req, json& out) {
  out[f::kSignal] = std::string(SignalKindName(req.signal));
  switch (req.signal) {
    case SignalKind::kOffer:
    case SignalKind::kAnswer:
      out[f::kSdp] = req.sdp;
      break;
    case SignalKind::kCandidate:
      out[f::kCandidate] = req.candidate;
      if (req.sdp_mid) out[f::kSdpMid] = *req.sdp_mid;
      if (req.sdp_mline_index) out[f::kSdpMlineIndex] = *req.sdp_mline_index;
      break;
    case SignalKind::kMedia:
      if (req.audio_on) out[f::kAudio] = *req.audio_on;
      if (req.video_on) out[f::kVideo] = *req.video_on;
      break;
  }
}

std::optional<CallEvent> DecodeCallEvent(const json& event) {
  if (!event.is_object() || event.value(f::kType, "") != f::kCallType) return std::nullopt;
  auto ev = event.find(f::kEvent);
  auto call = event.find(f::kCallId);
  auto conv = event.find(f::kConversationId);
  if (ev == event.end() || !ev->is_string() || call == event.end() || !call->is_string() ||
      conv == event.end() || !conv->is_string()) {
    return std::nullopt;
  }
  auto id = ParseId(conv->get<std::string>());
  if (!id) return std::nullopt;
  return CallEvent{ev->get<std::string>(), *id, call->get<std::string>(), event};
}

}  // namespace mqchat::protocol
