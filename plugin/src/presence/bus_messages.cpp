#include "presence/bus_messages.h"

#include <cstdlib>

namespace mqchat::presence {
namespace {

// Parses a whole non-negative decimal `text`; false if it is not one.
bool ParseInt(std::string_view text, int* out) {
  if (text.empty() || text.size() > 9) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Splits "<int> <rest>" into its parts.
bool SplitIntAndRest(std::string_view line, int* number, std::string_view* rest) {
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos || !ParseInt(line.substr(0, sp), number)) return false;
  *rest = line.substr(sp + 1);
  return true;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::string EncodeDeviceCount(int broker, const std::string& user, int devices) {
  return std::to_string(broker) + ' ' + std::to_string(devices) + ' ' + user;
}

std::string EncodeBrokerState(int broker, const std::map<std::string, int>& users) {
  std::string out = std::to_string(broker) + " =";
  for (const auto& [user, devices] : users) {
    out += '\n';
    out += std::to_string(devices);
    out += ' ';
    out += user;
  }
  return out;
}

std::optional<BusPresence> DecodeBusPresence(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  int broker = 0;
  std::string_view rest;
  if (!SplitIntAndRest(lines[0], &broker, &rest)) return std::nullopt;
  BusPresence out;
  if (rest == "=") {
    BusBrokerState state{broker, {}};
    for (size_t i = 1; i < lines.size(); ++i) {
      int devices = 0;
      std::string_view user;
      if (!SplitIntAndRest(lines[i], &devices, &user) || user.empty()) return std::nullopt;
      if (devices > 0) state.users[std::string(user)] = devices;
    }
    out.state = std::move(state);
    return out;
  }
  int devices = 0;
  std::string_view user;
  if (lines.size() != 1 || !SplitIntAndRest(rest, &devices, &user) || user.empty()) {
    return std::nullopt;
  }
  out.count = BusDeviceCount{broker, devices, std::string(user)};
  return out;
}

std::string EncodeBlock(int broker, const std::string& blocker, const std::string& target,
                        bool blocked) {
  return std::to_string(broker) + (blocked ? " 1\n" : " 0\n") + blocker + "\n" + target;
}

std::optional<BusBlock> DecodeBlock(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  BusBlock out;
  int flag = 0;
  std::string_view rest;
  if (lines.size() != 3 || !SplitIntAndRest(lines[0], &out.broker, &rest)) return std::nullopt;
  if (!ParseInt(rest, &flag) || (flag != 0 && flag != 1)) return std::nullopt;
  if (lines[1].empty() || lines[2].empty()) return std::nullopt;
  out.blocked = flag == 1;
  out.blocker = std::string(lines[1]);
  out.target = std::string(lines[2]);
  return out;
}

std::string EncodeMembers(int broker, const std::vector<std::string>& members) {
  std::string out = std::to_string(broker);
  for (const auto& m : members) {
    out += '\n';
    out += m;
  }
  return out;
}

std::optional<BusMembers> DecodeMembers(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  BusMembers out;
  if (!ParseInt(lines[0], &out.broker)) return std::nullopt;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) return std::nullopt;
    out.members.emplace_back(lines[i]);
  }
  return out;
}

}  // namespace mqchat::presence
