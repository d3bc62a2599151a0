#include "store/sharded_operator_store.h"

#include <algorithm>
#include <utility>

namespace mqchat::store {

Result<std::unique_ptr<ShardedOperatorStore>> ShardedOperatorStore::Create(
    const StoreConfig& config, ShardSet<OperatorStore>::Opener open) {
  MQCHAT_ASSIGN_OR_RETURN(auto set, ShardSet<OperatorStore>::Create(config, std::move(open)));
  return std::unique_ptr<ShardedOperatorStore>(new ShardedOperatorStore(std::move(set)));
}

Result<std::vector<ConversationRow>> ShardedOperatorStore::ListConversations(
    ConversationId after, int limit, const std::string& member) {
  std::vector<ConversationRow> all;
  MQCHAT_RETURN_IF_ERROR(set_.ForAll([&](int, OperatorStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<ConversationRow> some,
                            s.ListConversations(after, limit, member));
    for (ConversationRow& row : some) all.push_back(std::move(row));
    return Status::Ok();
  }));
  std::sort(all.begin(), all.end(),
            [](const ConversationRow& a, const ConversationRow& b) { return a.id < b.id; });
  // A conversation is on one database; a copy an interrupted move left is listed once.
  all.erase(
      std::unique(all.begin(), all.end(),
                  [](const ConversationRow& a, const ConversationRow& b) { return a.id == b.id; }),
      all.end());
  if (all.size() > static_cast<size_t>(limit)) all.resize(static_cast<size_t>(limit));
  return all;
}

Status ShardedOperatorStore::SetMemberRole(ConversationId id, const std::string& user,
                                           MemberRole role, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(OperatorStore * s, set_.Of(id));
  return s->SetMemberRole(id, user, role, now_ms);
}

Result<StoreStats> ShardedOperatorStore::Stats(int64_t since_ms) {
  StoreStats total;
  MQCHAT_RETURN_IF_ERROR(set_.ForAll([&](int home, OperatorStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(StoreStats some, s.Stats(since_ms));
    if (home < 0) {
      total = some;  // users and reports: the global database's only
      return Status::Ok();
    }
    total.direct_conversations += some.direct_conversations;
    total.groups += some.groups;
    total.channels += some.channels;
    total.messages += some.messages;
    total.messages_since += some.messages_since;
    return Status::Ok();
  }));
  return total;
}

}  // namespace mqchat::store
