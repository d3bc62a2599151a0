// ACL decisions: who may subscribe to, receive and publish on which topic. Pure functions over
// the client's identity (and, for conversations, a membership view); broker thread.
// The rules, in short: a client subscribes and reads only inside its own user namespace
// (mqchat/v1/u/<self>/...), publishes only to request topics and its own device will topic,
// never retained; shared subscriptions and everything outside mqchat/v1 are refused. Outside
// the namespaces, a client may subscribe to and read presence topics (mqchat/v1/p/<user>,
// exactly): its own and its contacts' (users who share a conversation with it).
#pragma once

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
};

bool Allowed(const Principal& who, std::string_view topic, Access access, bool retain);

}  // namespace mqchat::acl
