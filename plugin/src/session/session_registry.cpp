#include "session/session_registry.h"

#include <utility>

#include "protocol/topics.h"

namespace mqchat::session {

bool SessionRegistry::Admit(ClientHandle client, ClientSession session) {
  const std::string user = session.username;
  devices_.Add(user, session.client_id, client);
  sessions_[client] = std::move(session);
  return devices_.Connections(user) == 1;
}

std::optional<std::string> SessionRegistry::Disconnect(ClientHandle client) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return std::nullopt;
  std::string user = it->second.username;
  just_disconnected_.emplace(client, std::move(it->second));
  sessions_.erase(it);
  devices_.Remove(user, client);
  if (devices_.Connections(user) == 0) contacts_.erase(user);
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

void SessionRegistry::AddContacts(const std::string& user, Contacts loaded) {
  if (loaded.empty() || devices_.Connections(user) == 0) return;  // none, or gone again
  auto [it, added] = contacts_.try_emplace(user);
  if (added) {
    it->second = std::move(loaded);
  } else {
    it->second.insert(loaded.begin(), loaded.end());
  }
}

void SessionRegistry::AddMembers(const std::vector<std::string>& members) {
  for (const auto& a : members) {
    if (devices_.Connections(a) == 0) continue;  // only connected users keep contacts
    for (const auto& b : members) {
      if (a != b) contacts_[a].insert(b);
    }
  }
}

const SessionRegistry::Contacts* SessionRegistry::ContactsOf(const std::string& user) const {
  auto it = contacts_.find(user);
  return it == contacts_.end() ? nullptr : &it->second;
}

}  // namespace mqchat::session
