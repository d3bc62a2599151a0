#include "presence/channel_bus_messages.h"

#include "protocol/ids.h"

namespace mqchat::presence {
namespace {

// "<broker> <id>" then a newline and the rest: the three parts, or false.
bool SplitHead(std::string_view text, int* broker, int64_t* id, std::string_view* rest) {
  const size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return false;
  const std::string_view head = text.substr(0, nl);
  const size_t sp = head.find(' ');
  if (sp == std::string_view::npos) return false;
  auto b = protocol::ParseNonNegativeDecimal(head.substr(0, sp));
  auto i = protocol::ParseId(head.substr(sp + 1));
  if (!b || *b > 1'000'000'000 || !i) return false;
  *broker = static_cast<int>(*b);
  *id = *i;
  *rest = text.substr(nl + 1);
  return true;
}

std::string Head(int broker, int64_t id) {
  return std::to_string(broker) + " " + std::to_string(id) + "\n";
}

}  // namespace

std::string EncodeCommunityChange(int broker, int64_t server_id, const std::string& user) {
  return Head(broker, server_id) + user;
}

std::optional<BusCommunityChange> DecodeCommunityChange(std::string_view text) {
  BusCommunityChange out;
  std::string_view rest;
  if (!SplitHead(text, &out.broker, &out.server_id, &rest)) return std::nullopt;
  if (rest.find('\n') != std::string_view::npos) return std::nullopt;
  out.user = std::string(rest);
  return out;
}

std::string EncodeChannelMessage(int broker, int64_t channel_id, const std::string& payload,
                                 int qos) {
  if (qos == 0) {
    return std::to_string(broker) + " " + std::to_string(channel_id) + " 0\n" + payload;
  }
  return Head(broker, channel_id) + payload;
}

std::optional<BusChannelMessage> DecodeChannelMessage(std::string_view text) {
  BusChannelMessage out;
  std::string_view rest;
  // The ephemeral mark: " 0" at the end of the head.
  const size_t nl = text.find('\n');
  const std::string_view mark = " 0\n";
  std::string owned;
  if (nl != std::string_view::npos && nl >= 2 && text.substr(nl - 2, 3) == mark &&
      text.substr(0, nl - 2).find(' ') != std::string_view::npos) {
    out.qos = 0;
    owned = std::string(text.substr(0, nl - 2)) + std::string(text.substr(nl));
    text = owned;
  }
  if (!SplitHead(text, &out.broker, &out.channel_id, &rest) || rest.empty()) return std::nullopt;
  out.payload = std::string(rest);
  return out;
}

}  // namespace mqchat::presence
