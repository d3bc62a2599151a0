// HiddenUsers: for each user with a device on this broker, the users hidden from them because
// one of the two blocked the other (either way): they may not watch each other's presence
// (the ACL's contacts leave them out, SessionRegistry) and get no typing from each other
// (TypingOps). Loaded from the store with the user's contacts at each login, changed at once
// by a block or unblock made through any broker (ClusterBus). Each change and each new
// connection stamps the user with a new version, so a contact load that read the store
// before a change it did not see is told apart (Plugin loads it again). Broker thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace mqchat::session {

class HiddenUsers {
 public:
  using Users = std::unordered_set<std::string>;

  // `user` connected a first device here: tracked (not loaded yet), with a new version.
  void Track(const std::string& user);
  // `user`'s last device here left.
  void Forget(const std::string& user) { entries_.erase(user); }
  // A load from the store: replaces what is hidden from `user` (tracked users only).
  void Set(const std::string& user, Users hidden);
  // A block between `user` and `other` (either way): `other` hidden from `user`, if tracked.
  void Hide(const std::string& user, const std::string& other);
  // Something changed for `user` that only a new load can tell (an unblock): a new version.
  void Touch(const std::string& user);

  // Whether `other` is hidden from `user` (false for a user not tracked).
  bool Hidden(const std::string& user, const std::string& other) const;
  // Whether `user`'s hidden users were loaded since their first device connected.
  bool Loaded(const std::string& user) const;
  // The version of `user` (0: not tracked).
  uint64_t Version(const std::string& user) const;

 private:
  struct Entry {
    bool loaded = false;
    uint64_t version = 0;
    Users hidden;
  };
  std::unordered_map<std::string, Entry> entries_;
  uint64_t next_version_ = 0;
};

}  // namespace mqchat::session
