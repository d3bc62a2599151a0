// ShardedChatStore and the `shared_group` direct-message policy (store/sharded_chat_store.h;
// docs/ARCHITECTURE.md, "Sharding by conversation"): the direct conversation's database decides
// under its lock, seeing only its own groups; when it refuses, the other databases are asked
// for a group the two share, and if one has it the request runs again with that known
// (PgChatStore::AppendBatchSharingGroup and OpenDirectSharingGroup), so blocks and
// the rest of the rule are still decided under the lock. Only refused requests pay for it.
#include <map>
#include <utility>

#include "store/block_steps.h"
#include "store/sharded_chat_store.h"

namespace mqchat::store {

Result<bool> ShardedChatStore::SharesGroupElsewhere(int home, const std::string& sender,
                                                    const std::string& recipient) {
  MQCHAT_ASSIGN_OR_RETURN(PrivacySettings privacy, global_->GetPrivacy(recipient));
  if (privacy.dm_policy != DmPolicy::kSharedGroup) return false;  // a block, or existing_only
  Status missed;
  for (int db = -1; db < static_cast<int>(shard_count()); ++db) {
    if (db == home) continue;  // it refused: it has no such group
    auto store = set_.Database(db);
    auto shares =
        store.ok() ? (*store)->SharesGroup(recipient, sender) : Result<bool>(store.status());
    if (!shares.ok()) {
      missed =
          db < 0 ? shares.status() : shares.status().WithContext("shard " + std::to_string(db));
      continue;  // another database may still have one
    }
    if (*shares) return true;
  }
  if (missed.ok()) return false;
  // Not found, but a database did not answer: the answer is unknown, and neither "accepted" nor
  // a final refusal; the client retries.
  return Status::Unavailable("cannot tell whether " + recipient + " shares a group with " + sender +
                             ": " + missed.message());
}

Result<Conversation> ShardedChatStore::OpenDirectIn(int home, ConversationId id,
                                                    const std::string& a, const std::string& b,
                                                    int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PgChatStore * store, set_.Database(home));
  auto opened = store->OpenDirect(id, a, b, now_ms);
  if (opened.ok() || !IsNotAccepting(opened.status())) return opened;
  MQCHAT_ASSIGN_OR_RETURN(bool shared, SharesGroupElsewhere(home, a, b));
  if (!shared) return opened;
  return store->OpenDirectSharingGroup(id, a, b, now_ms);
}

void ShardedChatStore::RetrySharedGroups(const std::vector<AppendRequest>& batch,
                                         const std::vector<int>& homes,
                                         std::vector<AppendResult>& results) {
  // Per (conversation, sender): whether a group elsewhere lets the sender in (or why unknown).
  std::map<std::pair<ConversationId, std::string>, Status> unknown;
  std::map<std::pair<ConversationId, std::string>, bool> shared;
  std::vector<size_t> again;
  for (size_t i = 0; i < batch.size(); ++i) {
    const AppendRequest& r = batch[i];
    if (results[i].outcome != AppendOutcome::kNotAccepting) continue;
    const auto key = std::make_pair(r.conversation_id, r.sender);
    if (shared.count(key) == 0 && unknown.count(key) == 0) {
      auto store = Database(homes[i]);
      auto conv = store.ok() ? (*store)->GetConversation(r.conversation_id)
                             : Result<Conversation>(store.status());
      std::string recipient;
      if (conv.ok()) {
        for (const Member& m : conv->members) {
          if (m.username != r.sender) recipient = m.username;
        }
      }
      auto answer = !conv.ok()          ? Result<bool>(conv.status())
                    : recipient.empty() ? Result<bool>(false)
                                        : SharesGroupElsewhere(homes[i], r.sender, recipient);
      if (answer.ok()) {
        shared[key] = *answer;
      } else {
        unknown[key] = answer.status();
      }
    }
    if (auto it = unknown.find(key); it != unknown.end()) {
      results[i] = AppendResult();
      results[i].outcome = AppendOutcome::kFailed;
      results[i].error = it->second;
    } else if (shared[key]) {
      again.push_back(i);
    }
  }
  // Sent again to the conversation's database, marked (a conversation moved meanwhile
  // answers NOT_MEMBER there; the client's resend finds it).
  std::map<int, std::vector<size_t>> parts;
  for (size_t i : again) parts[homes[i]].push_back(i);
  for (const auto& [home, indexes] : parts) {
    std::vector<AppendRequest> part;
    for (size_t i : indexes) part.push_back(batch[i]);
    auto store = set_.Database(home);
    auto answers = store.ok() ? (*store)->AppendBatchSharingGroup(part)
                              : Result<std::vector<AppendResult>>(store.status());
    for (size_t k = 0; k < indexes.size(); ++k) {
      if (answers.ok()) {
        results[indexes[k]] = std::move((*answers)[k]);
      } else {
        results[indexes[k]] = AppendResult();
        results[indexes[k]].outcome = AppendOutcome::kFailed;
        results[indexes[k]].error = answers.status();
      }
    }
  }
}

}  // namespace mqchat::store
