#include "session/contact_index.h"

namespace mqchat::session {

void ContactIndex::Add(const std::string& user, const std::string& contact) {
  if (user == contact) return;
  if (contacts_[user].insert(contact).second) watchers_[contact].insert(user);
}

void ContactIndex::Remove(const std::string& user, const std::string& contact) {
  auto it = contacts_.find(user);
  if (it == contacts_.end() || it->second.erase(contact) == 0) return;
  // An emptied entry stays, as before the index: the user still has a device here, and
  // ContactsOf tells "loaded, nobody" from "nothing known" the same way either way.
  Drop(watchers_, contact, user);
}

void ContactIndex::Forget(const std::string& user) {
  auto it = contacts_.find(user);
  if (it == contacts_.end()) return;
  for (const std::string& contact : it->second) Drop(watchers_, contact, user);
  contacts_.erase(it);
}

const ContactIndex::Users* ContactIndex::ContactsOf(const std::string& user) const {
  auto it = contacts_.find(user);
  return it == contacts_.end() ? nullptr : &it->second;
}

const ContactIndex::Users* ContactIndex::WatchersOf(const std::string& user) const {
  auto it = watchers_.find(user);
  return it == watchers_.end() ? nullptr : &it->second;
}

void ContactIndex::Drop(std::unordered_map<std::string, Users>& map, const std::string& key,
                        const std::string& user) {
  auto it = map.find(key);
  if (it == map.end()) return;
  it->second.erase(user);
  if (it->second.empty()) map.erase(it);
}

}  // namespace mqchat::session
