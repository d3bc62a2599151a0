// OnlineDirectory: whether a user has a device connected to any broker, readable from any thread
// (the push path asks it whether a recipient is offline). PresenceTracker implements it: it
// already counts every user's devices here and on other brokers, so the names are kept once.
#pragma once

#include <string>

namespace mqchat::presence {

class OnlineDirectory {
 public:
  virtual ~OnlineDirectory();

  // True if this broker or another one (shared presence) counts a device of `user`.
  // Thread-safe.
  virtual bool IsOnline(const std::string& user) const = 0;
};

}  // namespace mqchat::presence
