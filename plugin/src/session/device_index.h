// DeviceIndex: the devices each user has connected to this broker, by client id. Fan-out uses
// it to reach a sender's other devices without echoing a message to the device that sent it
// (that device learns everything from its ack). One entry per broker connection, so a takeover
// (the same client id connecting again before the old connection is gone) is counted twice and
// forgotten connection by connection. Broker thread only.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace mqchat::session {

class DeviceIndex {
 public:
  using Connection = const void*;  // the broker's client pointer

  void Add(const std::string& user, const std::string& client_id, Connection connection);
  void Remove(const std::string& user, Connection connection);

  // Distinct client ids of `user`'s connected devices other than `except_client_id`.
  std::vector<std::string> OtherDevices(const std::string& user,
                                        const std::string& except_client_id) const;
  // Connections of `user` (a takeover counts twice until the old connection is gone).
  size_t Connections(const std::string& user) const;
  size_t users() const { return devices_.size(); }

 private:
  struct Device {
    std::string client_id;
    Connection connection = nullptr;
  };
  std::unordered_map<std::string, std::vector<Device>> devices_;
};

}  // namespace mqchat::session
