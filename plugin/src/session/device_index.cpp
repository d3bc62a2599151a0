#include "session/device_index.h"

#include <algorithm>

namespace mqchat::session {

void DeviceIndex::Add(const std::string& user, const std::string& client_id,
                      Connection connection) {
  devices_[user].push_back(Device{client_id, connection});
}

void DeviceIndex::Remove(const std::string& user, Connection connection) {
  auto it = devices_.find(user);
  if (it == devices_.end()) return;
  auto& list = it->second;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const Device& d) { return d.connection == connection; }),
             list.end());
  if (list.empty()) devices_.erase(it);
}

size_t DeviceIndex::Connections(const std::string& user) const {
  auto it = devices_.find(user);
  return it == devices_.end() ? 0 : it->second.size();
}

std::vector<std::string> DeviceIndex::OtherDevices(const std::string& user,
                                                   const std::string& except_client_id) const {
  std::vector<std::string> out;
  auto it = devices_.find(user);
  if (it == devices_.end()) return out;
  for (const auto& d : it->second) {
    if (d.client_id == except_client_id) continue;
    if (std::find(out.begin(), out.end(), d.client_id) == out.end()) out.push_back(d.client_id);
  }
  return out;
}

}  // namespace mqchat::session
