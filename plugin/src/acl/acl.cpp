#include "acl/acl.h"

#include "protocol/topics.h"

namespace mqchat::acl {
namespace {

bool HasWildcard(std::string_view level) {
  return level.find('+') != std::string_view::npos || level.find('#') != std::string_view::npos;
}

// True if the first four levels are literally mqchat/v1/u/<username> and more levels follow.
bool InOwnNamespace(const std::vector<std::string_view>& levels, std::string_view username) {
  return protocol::NamespaceOwner(levels) == username;
}

// mqchat/v1/p/<user>, exactly (PresenceTopicUser admits no wildcard), for the user themself or
// a contact of `who`.
bool MayWatchPresence(const Principal& who, std::string_view topic) {
  auto user = protocol::PresenceTopicUser(topic);
  if (!user) return false;
  if (*user == who.username) return true;
  return who.contacts != nullptr && who.contacts->count(std::string(*user)) > 0;
}

// mqchat/v1/ch/<id>, exactly (ChannelTopicId admits no wildcard), of a channel `who` may view.
bool MayReadChannel(const Principal& who, std::string_view topic) {
  auto id = protocol::ChannelTopicId(topic);
  return id && who.channels != nullptr && who.channels->count(*id) > 0;
}

bool SubscribeAllowed(const Principal& who, std::string_view filter) {
  // A shared subscription would let one client steal deliveries.
  if (filter.rfind(protocol::kSharedSubscriptionPrefix, 0) == 0) return false;
  if (MayWatchPresence(who, filter) || MayReadChannel(who, filter)) return true;
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
  // The device's own last-will topic: mqchat/v1/u/<self>/will/<device>.
  if (protocol::IsWillTopic(levels, who.username, who.device_id)) return true;
  // Request topics: mqchat/v1/req/<op> and mqchat/v1/c/<conversation>/<op>. The request
  // handler checks membership and validates the payload. Nothing else: in particular no
  // presence topic (mqchat/v1/p/<user>), which only the plugin publishes.
  return protocol::HasRequestTopicShape(levels);
}

}  // namespace

bool Allowed(const Principal& who, std::string_view topic, Access access, bool retain) {
  switch (access) {
    case Access::kUnsubscribe:
      return true;
    case Access::kSubscribe:
      return SubscribeAllowed(who, topic);
    case Access::kRead:
      // Checked for every delivery the broker makes: the topic overload splits nothing.
      return protocol::NamespaceOwner(topic) == who.username || MayWatchPresence(who, topic) ||
             MayReadChannel(who, topic);
    case Access::kWrite:
      return WriteAllowed(who, topic, retain);
  }
  return false;
}

}  // namespace mqchat::acl
