// ShardedChatStore's requests that span databases: a send batch split by conversation, the
// per-user conversation list merged, the largest issued id, and the per-user settings every
// database keeps a copy of (store/sharded_chat_store.h).
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "store/sharded_chat_store.h"

namespace mqchat::store {
namespace {

// When a summary's conversation was last active, as far as the summary tells: its newest
// message's time, else 0 (then the conversation id, time-sortable, orders it).
int64_t ActiveAt(const ConversationSummary& s) {
  return s.last_message.has_value() ? s.last_message->created_at_ms : 0;
}

}  // namespace

Result<std::vector<AppendResult>> ShardedChatStore::AppendBatch(
    const std::vector<AppendRequest>& batch) {
  return AppendRouted(batch, /*redirects=*/2);
}

Result<std::vector<AppendResult>> ShardedChatStore::AppendRouted(
    const std::vector<AppendRequest>& batch, int redirects) {
  // The requests of each database, in batch order (so each conversation's stay in order).
  std::map<int, std::vector<size_t>> parts;
  std::vector<AppendResult> results(batch.size());
  std::vector<int> homes(batch.size(), -1);
  for (size_t i = 0; i < batch.size(); ++i) {
    auto home = HomeOf(batch[i].conversation_id);
    if (!home.ok()) {
      results[i].outcome = AppendOutcome::kFailed;
      results[i].error = home.status();
      continue;
    }
    homes[i] = *home;
    parts[*home].push_back(i);
  }
  if (parts.size() == 1 && parts.begin()->second.size() == batch.size()) {
    // One database (the common case for a small batch): its failure is the batch's, as with
    // one store.
    MQCHAT_ASSIGN_OR_RETURN(AdminChatStore * store, Database(parts.begin()->first));
    MQCHAT_RETURN_IF_ERROR(MirrorUploads(parts.begin()->first, batch));
    MQCHAT_ASSIGN_OR_RETURN(results, store->AppendBatch(batch));
  } else {
    for (const auto& [home, indexes] : parts) {
      std::vector<AppendRequest> part;
      part.reserve(indexes.size());
      for (size_t i : indexes) part.push_back(batch[i]);
      auto store = Database(home);
      Status mirrored = store.ok() ? MirrorUploads(home, part) : store.status();
      auto answers =
          mirrored.ok() ? (*store)->AppendBatch(part) : Result<std::vector<AppendResult>>(mirrored);
      for (size_t k = 0; k < indexes.size(); ++k) {
        if (answers.ok()) {
          results[indexes[k]] = std::move((*answers)[k]);
        } else {
          results[indexes[k]].outcome = AppendOutcome::kFailed;
          results[indexes[k]].error = answers.status();
        }
      }
    }
  }
  RetrySharedGroups(batch, homes, results);
  if (redirects > 0) RedirectMoved(batch, homes, redirects - 1, results);
  return results;
}

void ShardedChatStore::RedirectMoved(const std::vector<AppendRequest>& batch,
                                     const std::vector<int>& homes, int redirects,
                                     std::vector<AppendResult>& results) {
  // A shard answers NOT_MEMBER for a conversation resharding moved away (its rows are gone):
  // such requests go again to the database the directory names now.
  std::map<ConversationId, bool> moved;
  std::vector<size_t> again;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (results[i].outcome != AppendOutcome::kNotMember || homes[i] < 0) continue;
    const ConversationId id = batch[i].conversation_id;
    auto it = moved.find(id);
    if (it == moved.end()) {
      auto now = AfterMove(id, homes[i]);
      it = moved.emplace(id, now.ok() && *now != nullptr).first;
    }
    if (it->second) again.push_back(i);
  }
  if (again.empty()) return;
  std::vector<AppendRequest> retry;
  for (size_t i : again) retry.push_back(batch[i]);
  auto answers = AppendRouted(retry, redirects);
  for (size_t k = 0; k < again.size(); ++k) {
    if (answers.ok()) {
      results[again[k]] = std::move((*answers)[k]);
    } else {
      results[again[k]].outcome = AppendOutcome::kFailed;
      results[again[k]].error = answers.status();
    }
  }
}

Status ShardedChatStore::EnsureUsers(const std::vector<NewUser>& users) {
  // The global database only: a shard gets a user's row when a conversation there names them.
  return global_->EnsureUsers(users);
}

Result<std::vector<ConversationSummary>> ShardedChatStore::ListConversations(
    const std::string& user) {
  std::vector<ConversationSummary> all;
  Status failure;
  bool answered = false;
  for (int home = -1; home < static_cast<int>(shard_count()); ++home) {
    auto store = Database(home);
    auto list = store.ok() ? (*store)->ListConversations(user)
                           : Result<std::vector<ConversationSummary>>(store.status());
    if (!list.ok()) {
      failure = list.status();
      continue;  // that database's conversations are missing until it answers again
    }
    answered = true;
    for (ConversationSummary& s : *list) all.push_back(std::move(s));
  }
  if (!answered) return failure;
  // A conversation being moved (store/shard_move.h) may be in two databases for a moment,
  // identical (the move holds its lock): listed once.
  std::set<ConversationId> ids;
  all.erase(std::remove_if(all.begin(), all.end(),
                           [&](const ConversationSummary& s) { return !ids.insert(s.id).second; }),
            all.end());
  // Each list is most recently active first; so is the merge.
  std::stable_sort(all.begin(), all.end(),
                   [](const ConversationSummary& x, const ConversationSummary& y) {
                     const int64_t ax = ActiveAt(x);
                     const int64_t ay = ActiveAt(y);
                     return ax != ay ? ax > ay : x.id > y.id;
                   });
  return all;
}

Result<int64_t> ShardedChatStore::MaxIssuedId() {
  MQCHAT_ASSIGN_OR_RETURN(int64_t max_id, global_->MaxIssuedId());
  for (int home = 0; home < static_cast<int>(shard_count()); ++home) {
    auto store = Database(home);
    if (!store.ok()) continue;  // a shard that is down now: its ids are older than the clock's
    auto id = (*store)->MaxIssuedId();
    if (id.ok()) max_id = std::max(max_id, *id);
  }
  return max_id;
}

// --- per-user settings: the global database's, copied to every shard ---

Status ShardedChatStore::OnEveryShard(const std::vector<std::string>& users,
                                      const std::function<Status(AdminChatStore&)>& change) {
  for (int home = 0; home < static_cast<int>(shard_count()); ++home) {
    MQCHAT_ASSIGN_OR_RETURN(AdminChatStore * store, Database(home));
    MQCHAT_RETURN_IF_ERROR(MirrorUsers(home, *store, users));
    MQCHAT_RETURN_IF_ERROR(change(*store));
  }
  return Status::Ok();
}

Result<std::vector<BlockedUser>> ShardedChatStore::Block(const std::string& blocker,
                                                         const std::string& blocked, int max_blocks,
                                                         int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(std::vector<BlockedUser> list,
                          global_->Block(blocker, blocked, max_blocks, now_ms));
  MQCHAT_RETURN_IF_ERROR(OnEveryShard({blocker, blocked}, [&](AdminChatStore& store) {
    return store.Block(blocker, blocked, max_blocks, now_ms).status();
  }));
  return list;
}

Result<std::vector<BlockedUser>> ShardedChatStore::Unblock(const std::string& blocker,
                                                           const std::string& blocked) {
  MQCHAT_ASSIGN_OR_RETURN(std::vector<BlockedUser> list, global_->Unblock(blocker, blocked));
  MQCHAT_RETURN_IF_ERROR(OnEveryShard({blocker, blocked}, [&](AdminChatStore& store) {
    return store.Unblock(blocker, blocked).status();
  }));
  return list;
}

Status ShardedChatStore::SetDmPolicy(const std::string& user, DmPolicy policy) {
  MQCHAT_RETURN_IF_ERROR(global_->SetDmPolicy(user, policy));
  return OnEveryShard({user},
                      [&](AdminChatStore& store) { return store.SetDmPolicy(user, policy); });
}

Result<PrivacySettings> ShardedChatStore::GetPrivacy(const std::string& user) {
  return global_->GetPrivacy(user);
}

Result<std::vector<std::string>> ShardedChatStore::BlockedBy(const std::string& user) {
  return global_->BlockedBy(user);
}

}  // namespace mqchat::store
