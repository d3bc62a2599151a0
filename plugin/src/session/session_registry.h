// SessionRegistry: the one owner of what the plugin knows about the clients connected to this
// broker: each client's session (fixed at BASIC_AUTH), the devices of each user (DeviceIndex,
// which fan-out reads), the contacts of each user with a device here (who they may watch,
// for the ACL) and who is hidden from them by a block either way (HiddenUsers: never a
// contact, and no typing). It also remembers the clients whose DISCONNECT ran in this broker loop
// iteration until the next TICK: a will's WRITE check follows its client's DISCONNECT and is
// how an unclean loss is told from a clean one. Presence is not kept here (PresenceService);
// Plugin reports each admission and disconnection to both. Broker thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "acl/acl.h"
#include "session/client_session.h"
#include "session/contact_index.h"
#include "session/device_index.h"
#include "session/hidden_users.h"

namespace mqchat::session {

class SessionRegistry {
 public:
  using Contacts = ContactIndex::Users;

  // Records a client BASIC_AUTH admitted. True if it is its user's first device here. (Plugin
  // loads the user's contacts for every device and hands them to AddContacts.)
  bool Admit(ClientHandle client, ClientSession session);
  // Forgets a client; its user, or nullopt if the client is not connected (refused at auth, or
  // already disconnected: the broker may report one client twice). The last device of a user
  // to leave takes their contacts along.
  std::optional<std::string> Disconnect(ClientHandle client);
  // TICK: forgets the clients disconnected since the last call.
  void EndOfLoop() { just_disconnected_.clear(); }

  // The session of a connected client, or null.
  const ClientSession* Find(ClientHandle client) const;
  // The session of a client disconnected in this loop iteration if `topic` is its device's will
  // topic (its will is being published: the connection was lost uncleanly), else null.
  const ClientSession* DepartedWill(ClientHandle client, std::string_view topic) const;
  // The ACL's view of a connected client (its contacts included), or nullopt if not connected.
  // Valid until the next change to the registry.
  std::optional<acl::Principal> Principal(ClientHandle client) const;

  // Contacts of `user` loaded from the store (asynchronously, after Admit), with the users
  // hidden from them by a block either way: kept only if the user still has a device here;
  // the contacts are added to any learnt meanwhile, the hidden ones replace what was known
  // and are never contacts.
  void AddContacts(const std::string& user, Contacts loaded, Contacts hidden);
  // The members of a conversation whose membership changed: each connected member may now
  // watch every other one, except those hidden from them.
  void AddMembers(const std::vector<std::string>& members);
  // A block between `a` and `b` (either way) committed: at once, neither (if connected here)
  // may watch the other.
  void Hide(const std::string& a, const std::string& b);
  // An unblock between `a` and `b` committed: those of the two connected here, whose contacts
  // and hidden users only a new load from the store can tell (the other may block them too).
  std::vector<std::string> Unhide(const std::string& a, const std::string& b);
  // Who `user` may watch; null if nobody (most idle connections have no entry).
  const Contacts* ContactsOf(const std::string& user) const;
  // The users with a device here who may watch `user` (`user` among their contacts), and
  // `user` if connected here: those a change of `user`'s profile goes to. From the reverse
  // index (ContactIndex): proportional to the watchers, not to the users connected here.
  std::vector<std::string> Watchers(const std::string& user) const;

  const DeviceIndex& devices() const { return devices_; }
  const HiddenUsers& hidden() const { return hidden_; }
  size_t size() const { return sessions_.size(); }

 private:
  std::unordered_map<ClientHandle, ClientSession> sessions_;
  std::unordered_map<ClientHandle, ClientSession> just_disconnected_;  // cleared by EndOfLoop
  DeviceIndex devices_;
  HiddenUsers hidden_;
  // The contacts of users with a device here, both ways.
  ContactIndex contacts_;
};

}  // namespace mqchat::session
