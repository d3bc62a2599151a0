// OnlineDirectory: which users have a device connected anywhere, readable from any thread (the
// push path asks it whether a recipient is offline). The broker thread records this broker's
// users; shared presence (Redis) records users connected to other brokers. Thread-safe; each
// call holds a mutex for a hash lookup.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace mqchat::presence {

class OnlineDirectory {
 public:
  // This broker's view of `user`.
  void SetLocal(const std::string& user, bool online);
  // Another broker's view of `user` (shared presence).
  void SetRemote(const std::string& user, bool online);
  // True if any broker reports a device of `user`.
  bool IsOnline(const std::string& user) const;
  size_t local_count() const;

 private:
  mutable std::mutex mu_;
  std::unordered_set<std::string> local_;   // guarded by mu_
  std::unordered_set<std::string> remote_;  // guarded by mu_
};

}  // namespace mqchat::presence
