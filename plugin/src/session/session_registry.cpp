#include "session/session_registry.h"

#include <utility>

#include "protocol/topics.h"

namespace mqchat::session {

bool SessionRegistry::Admit(ClientHandle client, ClientSession session) {
  const std::string user = session.username;
  devices_.Add(user, session.client_id, client);
  sessions_[client] = std::move(session);
  const bool first = devices_.Connections(user) == 1;
  if (first) hidden_.Track(user);
  return first;
}

std::optional<std::string> SessionRegistry::Disconnect(ClientHandle client) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return std::nullopt;
  std::string user = it->second.username;
  just_disconnected_.emplace(client, std::move(it->second));
  sessions_.erase(it);
  devices_.Remove(user, client);
  if (devices_.Connections(user) == 0) {
    contacts_.Forget(user);
    hidden_.Forget(user);
  }
  return user;
}

const ClientSession* SessionRegistry::Find(ClientHandle client) const {
  auto it = sessions_.find(client);
  return it == sessions_.end() ? nullptr : &it->second;
}

const ClientSession* SessionRegistry::DepartedWill(ClientHandle client,
                                                   std::string_view topic) const {
  auto it = just_disconnected_.find(client);
  if (it == just_disconnected_.end()) return nullptr;
  const ClientSession& s = it->second;
  return topic == protocol::WillTopic(s.username, s.device_id) ? &s : nullptr;
}

std::optional<acl::Principal> SessionRegistry::Principal(ClientHandle client) const {
  const ClientSession* s = Find(client);
  if (s == nullptr) return std::nullopt;
  return acl::Principal{s->username, s->device_id, ContactsOf(s->username)};
}

void SessionRegistry::AddContacts(const std::string& user, Contacts loaded, Contacts hidden) {
  if (devices_.Connections(user) == 0) return;  // gone again
  for (const auto& h : hidden) {
    loaded.erase(h);
    contacts_.Remove(user, h);  // learnt before a block was loaded
  }
  hidden_.Set(user, std::move(hidden));
  for (const auto& contact : loaded) contacts_.Add(user, contact);
}

void SessionRegistry::AddMembers(const std::vector<std::string>& members) {
  for (const auto& a : members) {
    if (devices_.Connections(a) == 0) continue;  // only connected users keep contacts
    for (const auto& b : members) {
      if (a != b && !hidden_.Hidden(a, b)) contacts_.Add(a, b);
    }
  }
}

void SessionRegistry::Hide(const std::string& a, const std::string& b) {
  for (const auto& [user, other] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    if (devices_.Connections(*user) == 0) continue;
    hidden_.Hide(*user, *other);
    contacts_.Remove(*user, *other);
  }
}

std::vector<std::string> SessionRegistry::Unhide(const std::string& a, const std::string& b) {
  std::vector<std::string> reload;
  for (const std::string* user : {&a, &b}) {
    if (devices_.Connections(*user) == 0) continue;
    hidden_.Touch(*user);
    reload.push_back(*user);
  }
  return reload;
}

std::vector<std::string> SessionRegistry::Watchers(const std::string& user) const {
  std::vector<std::string> out;
  if (devices_.Connections(user) > 0) out.push_back(user);
  if (const Contacts* watchers = contacts_.WatchersOf(user)) {
    out.insert(out.end(), watchers->begin(), watchers->end());
  }
  return out;
}

const SessionRegistry::Contacts* SessionRegistry::ContactsOf(const std::string& user) const {
  return contacts_.ContactsOf(user);
}

}  // namespace mqchat::session
