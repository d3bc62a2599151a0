// ACL decisions: who may subscribe to, receive and publish on which topic. Pure functions over
// the client's identity (and, for conversations, a membership view); broker thread.
// The rules, in short: a client subscribes and reads only inside its own user namespace
// (mqchat/v1/u/<self>/...), publishes only to request topics and its own device will topic,
// never retained; shared subscriptions and everything outside mqchat/v1 are refused. Outside
// the namespaces, a client may subscribe to and read presence topics (mqchat/v1/p/<user>,
// exactly): its own and its contacts' (users who share a conversation with it), and text
// channel topics (mqchat/v1/ch/<id>, exactly: no wildcard, no shared subscription) of the
// channels it may view now (issue 18, community/channel_access_cache.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace mqchat::acl {

// Mirrors MOSQ_ACL_*: one value per check, not a bitmask.
enum class Access { kRead = 1, kWrite = 2, kSubscribe = 4, kUnsubscribe = 8 };

struct Principal {
  std::string_view username;
  std::string_view device_id;
  // Users whose presence this client may watch; null while not yet known (then: nobody).
  const std::unordered_set<std::string>* contacts = nullptr;
  // The text channels this client's user may view now; null: none. Set by the caller only for
  // a channel topic (the lookup is not free).
  const std::unordered_set<int64_t>* channels = nullptr;
};

bool Allowed(const Principal& who, std::string_view topic, Access access, bool retain);

}  // namespace mqchat::acl
