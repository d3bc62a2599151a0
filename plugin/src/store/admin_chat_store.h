// AdminChatStore: a ChatStore (one connection) with the admin API's group changes
// (mqchat-api with its admin key; api/src/admin_groups.h). Both backends' chat stores are one;
// the brokers use them as plain ChatStores. Kept out of chat_store.h, which nearly everything
// includes. Confined to one thread at a time, as a ChatStore.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"
#include "store/store_config.h"

namespace mqchat::store {

class AdminChatStore : public ChatStore {
 public:
  // As CreateGroup, AddMembers and RemoveMember, with the same limits and refusals, but made
  // by the app's backend rather than a member: no actor, and the rights of the group's owner
  // (so a direct conversation's members stay fixed and the owner cannot be removed). Each
  // writes, in the change's transaction, one kMembers broker notice (store/broker_notices.h)
  // per user added or removed (username ""; for a new group: all its members are new), so
  // every broker applies the change to its connected clients at once. A new group whose id
  // exists is kAlreadyExists (the caller takes another id).
  virtual Result<Conversation> AdminCreateGroup(ConversationId new_id, const std::string& owner,
                                                const std::string& name,
                                                const std::vector<std::string>& members,
                                                int max_members, int64_t now_ms) = 0;
  virtual Result<std::vector<std::string>> AdminAddMembers(ConversationId id,
                                                           const std::vector<std::string>& users,
                                                           int max_members, int64_t now_ms) = 0;
  virtual Status AdminRemoveMember(ConversationId id, const std::string& user,
                                   int64_t now_ms) = 0;
};

using AdminChatStorePtr = std::unique_ptr<AdminChatStore>;

// Opens one on `config`'s database, as OpenChatStore does (store_factory.cpp).
Result<AdminChatStorePtr> OpenAdminChatStore(const StoreConfig& config);

}  // namespace mqchat::store
