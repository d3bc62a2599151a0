// BusMessages: the text of what brokers publish to each other on the ClusterBus (Redis
// pub/sub), encoded and decoded in one place. Usernames never contain a newline; they may
// contain anything else, so a user name always ends its line.
//  - a device count, on `mqchat:presence`: "<broker> <devices> <user>" (absolute, idempotent);
//  - a broker's whole state, on `mqchat:presence`: "<broker> =\n<devices> <user>\n..." (replaces
//    everything known of that broker: users missing from it have no device there);
//  - the members of a conversation whose membership changed, on `mqchat:members`:
//    "<broker>\n<user>\n<user>...";
//  - a block (1) or unblock (0) committed, on `mqchat:blocks`: "<broker> <0|1>\n<blocker>\n<blocked>".
// Pure functions; any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::presence {

struct BusDeviceCount {
  int broker = 0;
  int devices = 0;
  std::string user;
};

struct BusBrokerState {
  int broker = 0;
  std::map<std::string, int> users;  // user -> devices (> 0) on that broker
};

// One message of `mqchat:presence`: a device count or a whole state (exactly one is set).
struct BusPresence {
  std::optional<BusDeviceCount> count;
  std::optional<BusBrokerState> state;
};

struct BusMembers {
  int broker = 0;
  std::vector<std::string> members;
};

std::string EncodeDeviceCount(int broker, const std::string& user, int devices);
std::string EncodeBrokerState(int broker, const std::map<std::string, int>& users);
// nullopt if `text` is neither form.
std::optional<BusPresence> DecodeBusPresence(std::string_view text);

struct BusBlock {
  int broker = 0;
  bool blocked = false;  // true: a block; false: an unblock
  std::string blocker;
  std::string target;
};

std::string EncodeBlock(int broker, const std::string& blocker, const std::string& target,
                        bool blocked);
std::optional<BusBlock> DecodeBlock(std::string_view text);

std::string EncodeMembers(int broker, const std::vector<std::string>& members);
std::optional<BusMembers> DecodeMembers(std::string_view text);

}  // namespace mqchat::presence
