#include "presence/remote_devices.h"

namespace mqchat::presence {

int RemoteDevices::Set(int broker, const std::string& user, int devices) {
  auto& brokers = by_user_[user];
  if (devices > 0) {
    brokers[broker] = devices;
  } else {
    brokers.erase(broker);
  }
  const int total = Total(user);
  if (brokers.empty()) by_user_.erase(user);
  return total;
}

std::vector<std::pair<std::string, int>> RemoteDevices::DropBroker(int broker) {
  std::vector<std::pair<std::string, int>> affected;
  for (auto it = by_user_.begin(); it != by_user_.end();) {
    if (it->second.erase(broker) > 0) {
      int total = 0;
      for (const auto& [b, n] : it->second) total += n;
      affected.emplace_back(it->first, total);
    }
    it = it->second.empty() ? by_user_.erase(it) : std::next(it);
  }
  return affected;
}

std::vector<std::pair<std::string, int>> RemoteDevices::Replace(
    int broker, const std::map<std::string, int>& users) {
  std::vector<std::pair<std::string, int>> affected;
  // Users the broker had and no longer has.
  for (auto it = by_user_.begin(); it != by_user_.end();) {
    auto b = it->second.find(broker);
    if (b != it->second.end() && users.count(it->first) == 0) {
      it->second.erase(b);
      int total = 0;
      for (const auto& [other, n] : it->second) total += n;
      affected.emplace_back(it->first, total);
    }
    it = it->second.empty() ? by_user_.erase(it) : std::next(it);
  }
  for (const auto& [user, devices] : users) {
    auto& brokers = by_user_[user];
    auto b = brokers.find(broker);
    if (b != brokers.end() && b->second == devices) continue;
    brokers[broker] = devices;
    affected.emplace_back(user, Total(user));
  }
  return affected;
}

std::vector<int> RemoteDevices::Brokers(const std::string& user) const {
  std::vector<int> out;
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return out;
  for (const auto& [b, n] : it->second) out.push_back(b);
  return out;
}

int RemoteDevices::Total(const std::string& user) const {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return 0;
  int total = 0;
  for (const auto& [b, n] : it->second) total += n;
  return total;
}

}  // namespace mqchat::presence
