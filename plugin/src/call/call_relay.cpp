#include "call/call_relay.h"

#include <nlohmann/json.hpp>

namespace mqchat::call {
namespace {

using nlohmann::json;

constexpr char kHex[] = "0123456789abcdef";

std::string ToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string EncodeEnvelope(const RelayEnvelope& e) {
  json j{{"k", static_cast<int>(e.kind)}, {"user", e.user}, {"body", e.body}};
  switch (e.kind) {
    case RelayEnvelope::Kind::kRequest:
      j.update({{"from", e.from},
                {"device", e.device},
                {"conv", e.conversation_id},
                {"op", e.op},
                {"client", e.client_id},
                {"topic", e.topic},
                {"corr", ToHex(e.correlation_data)},
                {"req_id", e.req_id},
                {"op_name", e.op_name}});
      break;
    case RelayEnvelope::Kind::kToDevice:
      j.update({{"client", e.client_id},
                {"topic", e.topic},
                {"corr", ToHex(e.correlation_data)},
                {"qos", e.qos}});
      break;
    case RelayEnvelope::Kind::kToUser:
      j["except"] = e.except_client_id;
      break;
    case RelayEnvelope::Kind::kGone:
      j["client"] = e.client_id;
      break;
  }
  // Usernames, topics and ids are ASCII or checked UTF-8; a payload is JSON the plugin made.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<RelayEnvelope> DecodeEnvelope(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  RelayEnvelope e;
  const int kind = j.value("k", -1);
  if (kind < 0 || kind > static_cast<int>(RelayEnvelope::Kind::kGone)) return std::nullopt;
  e.kind = static_cast<RelayEnvelope::Kind>(kind);
  try {
    e.user = j.value("user", "");
    e.body = j.value("body", "");
    e.from = j.value("from", 0);
    e.device = j.value("device", "");
    e.conversation_id = j.value("conv", int64_t{0});
    e.op = j.value("op", 0);
    e.client_id = j.value("client", "");
    e.topic = j.value("topic", "");
    auto corr = FromHex(j.value("corr", ""));
    if (!corr) return std::nullopt;
    e.correlation_data = std::move(*corr);
    e.req_id = j.value("req_id", "");
    e.op_name = j.value("op_name", "");
    e.qos = j.value("qos", 1);
    e.except_client_id = j.value("except", "");
  } catch (const json::exception&) {
    return std::nullopt;  // a field of the wrong type
  }
  return e;
}

int HomeOfCall(std::string_view call_id) {
  if (call_id.size() < 4) return -1;
  int node = 0;
  for (size_t i = 0; i < 3; ++i) {
    const int d = HexDigit(call_id[i]);
    if (d < 0) return -1;
    node = node * 16 + d;
  }
  return node;
}

std::string MakeCallId(int node_id, uint64_t random) {
  std::string id;
  for (int shift = 8; shift >= 0; shift -= 4) id += kHex[(node_id >> shift) & 15];
  for (int i = 0; i < 13; ++i, random >>= 4) id += kHex[random & 15];
  return id;
}

}  // namespace mqchat::call
