// ContactIndex: who each user with a device here may watch (their contacts: users who share a
// conversation with them, for the ACL's presence rule), and the reverse, who here may watch
// each user (for a change of that user's profile, Plugin::PublishProfile). Both maps change
// together, so finding the watchers of a user costs one hash lookup, not a walk over every
// connected user. Only users with at least one contact have an entry either way. Broker thread
// only (SessionRegistry owns it).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace mqchat::session {

class ContactIndex {
 public:
  using Users = std::unordered_set<std::string>;

  // `contact` becomes one of `user`'s contacts (nothing if it already was, or is `user`).
  void Add(const std::string& user, const std::string& contact);
  // `contact` is no longer one of `user`'s contacts.
  void Remove(const std::string& user, const std::string& contact);
  // `user` has no contacts any more (their last device here left).
  void Forget(const std::string& user);

  // `user`'s contacts; null if none.
  const Users* ContactsOf(const std::string& user) const;
  // The users who have `user` as a contact; null if none.
  const Users* WatchersOf(const std::string& user) const;

 private:
  // Removes `user` from `key`'s entry of `map`, dropping the entry once empty.
  static void Drop(std::unordered_map<std::string, Users>& map, const std::string& key,
                   const std::string& user);

  std::unordered_map<std::string, Users> contacts_;  // user -> who they may watch
  std::unordered_map<std::string, Users> watchers_;  // user -> who may watch them
};

}  // namespace mqchat::session
