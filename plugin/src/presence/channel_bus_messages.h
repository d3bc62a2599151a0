// The ClusterBus messages of channel delivery (issue 18; community/channel_delivery.h),
// encoded and decoded in one place, beside bus_messages.h:
//  - a committed change to a server's permissions or membership, on `mqchat:communities`:
//    "<broker> <server_id>\n<user>" (user: the member it concerns, or empty);
//  - a stored channel message event, on `mqchat:channels`: "<broker> <channel_id>\n<payload>";
//    an ephemeral one (typing, published at QoS 0): "<broker> <channel_id> 0\n<payload>" (a
//    broker that predates it drops the line as malformed: a typing hint lost, nothing else).
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqchat::presence {

struct BusCommunityChange {
  int broker = 0;
  int64_t server_id = 0;
  std::string user;
};

struct BusChannelMessage {
  int broker = 0;
  int64_t channel_id = 0;
  std::string payload;
  int qos = 1;  // 0: ephemeral (typing)
};

std::string EncodeCommunityChange(int broker, int64_t server_id, const std::string& user);
std::optional<BusCommunityChange> DecodeCommunityChange(std::string_view text);

std::string EncodeChannelMessage(int broker, int64_t channel_id, const std::string& payload,
                                 int qos = 1);
std::optional<BusChannelMessage> DecodeChannelMessage(std::string_view text);

}  // namespace mqchat::presence
