#include "acl/acl.h"

#include "protocol/topics.h"

namespace mqchat::acl {
namespace {

bool HasWildcard(std::string_view level) {
  return level.find('+') != std::string_view::npos || level.find('#') != std::string_view::npos;
}

// True if the first four levels are literally mqchat/v1/u/<username> and more levels follow.
bool InOwnNamespace(const std::vector<std::string_view>& levels, std::string_view username) {
  return levels.size() >= 5 && levels[0] == "mqchat" && levels[1] == "v1" && levels[2] == "u" &&
         levels[3] == username;
}

// mqchat/v1/p/<user>, exactly (PresenceTopicUser admits no wildcard), for the user themself or
// a contact of `who`.
bool MayWatchPresence(const Principal& who, std::string_view topic) {
  auto user = protocol::PresenceTopicUser(topic);
  if (!user) return false;
  if (*user == who.username) return true;
  return who.contacts != nullptr && who.contacts->count(std::string(*user)) > 0;
}

bool SubscribeAllowed(const Principal& who, std::string_view filter) {
  if (filter.rfind("$share/", 0) == 0) return false;  // would let one client steal deliveries
  if (MayWatchPresence(who, filter)) return true;
  auto levels = protocol::SplitTopic(filter);
  if (!InOwnNamespace(levels, who.username)) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (HasWildcard(levels[i])) return false;
  }
  return true;
}

bool WriteAllowed(const Principal& who, std::string_view topic, bool retain) {
  if (retain) return false;  // clients never leave retained state behind
  auto levels = protocol::SplitTopic(topic);
  if (levels.size() < 3 || levels[0] != "mqchat" || levels[1] != "v1") return false;
  // The device's own last-will topic: mqchat/v1/u/<self>/will/<device>.
  if (levels.size() == 6 && InOwnNamespace(levels, who.username) && levels[4] == "will" &&
      levels[5] == who.device_id) {
    return true;
  }
  // Request topics: mqchat/v1/req/<op> and mqchat/v1/c/<conversation>/<op>. The request
  // handler checks membership and validates the payload. Nothing else: in particular no
  // presence topic (mqchat/v1/p/<user>), which only the plugin publishes.
  if (levels[2] == "req" && levels.size() == 4) return true;
  if (levels[2] == "c" && levels.size() == 5) return true;
  return false;
}

}  // namespace

bool Allowed(const Principal& who, std::string_view topic, Access access, bool retain) {
  switch (access) {
    case Access::kUnsubscribe:
      return true;
    case Access::kSubscribe:
      return SubscribeAllowed(who, topic);
    case Access::kRead:
      return InOwnNamespace(protocol::SplitTopic(topic), who.username) ||
             MayWatchPresence(who, topic);
    case Access::kWrite:
      return WriteAllowed(who, topic, retain);
  }
  return false;
}

}  // namespace mqchat::acl
