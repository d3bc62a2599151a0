// RemoteDevices: how many devices each user has on each other broker, as shared presence
// reports it. Broker thread only.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mqchat::presence {

class RemoteDevices {
 public:
  // Records `devices` of `user` on `broker`; returns the user's total over all other brokers.
  int Set(int broker, const std::string& user, int devices);
  // Replaces everything known of `broker` by `users` (user -> devices there); returns each user
  // whose total changed, with the new total.
  std::vector<std::pair<std::string, int>> Replace(int broker,
                                                   const std::map<std::string, int>& users);
  // Forgets a broker that is gone; returns each affected user with their new total.
  std::vector<std::pair<std::string, int>> DropBroker(int broker);
  int Total(const std::string& user) const;
  // The other brokers where `user` has devices (to route inbox deliveries there).
  std::vector<int> Brokers(const std::string& user) const;

 private:
  std::unordered_map<std::string, std::unordered_map<int, int>> by_user_;
};

}  // namespace mqchat::presence
