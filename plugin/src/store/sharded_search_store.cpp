#include "store/sharded_search_store.h"

#include <algorithm>
#include <utility>

namespace mqchat::store {

Result<std::unique_ptr<ShardedSearchStore>> ShardedSearchStore::Create(
    const StoreConfig& config, ShardSet<SearchStore>::Opener open) {
  MQCHAT_ASSIGN_OR_RETURN(auto set, ShardSet<SearchStore>::Create(config, std::move(open)));
  return std::unique_ptr<ShardedSearchStore>(new ShardedSearchStore(std::move(set)));
}

Result<std::vector<ConversationId>> ShardedSearchStore::ConversationsBehind(int limit) {
  const size_t databases = set_.shard_count() + 1;
  std::vector<std::vector<ConversationId>> found(databases);
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int home, SearchStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(found[static_cast<size_t>(home + 1)], s.ConversationsBehind(limit));
    return Status::Ok();
  }));
  // Round robin over the databases' lists from first_, until `limit`.
  std::vector<ConversationId> out;
  for (size_t k = 0; out.size() < static_cast<size_t>(limit); ++k) {
    bool any = false;
    for (size_t d = 0; d < databases && out.size() < static_cast<size_t>(limit); ++d) {
      const auto& list = found[(first_ + d) % databases];
      if (k < list.size()) out.push_back(list[k]), any = true;
    }
    if (!any) break;
  }
  first_ = (first_ + 1) % databases;
  return out;
}

Result<IndexChanges> ShardedSearchStore::ReadIndexChanges(ConversationId id, int limit) {
  MQCHAT_ASSIGN_OR_RETURN(SearchStore * s, set_.Of(id));
  return s->ReadIndexChanges(id, limit);
}

Status ShardedSearchStore::WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                                      int64_t indexed_seq) {
  MQCHAT_ASSIGN_OR_RETURN(SearchStore * s, set_.Of(id));
  return s->WriteIndex(id, entries, indexed_seq);
}

Result<bool> ShardedSearchStore::IsMember(ConversationId id, const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(SearchStore * s, set_.Of(id));
  return s->IsMember(id, user);
}

Result<int64_t> ShardedSearchStore::CountPostings(int64_t term, ConversationId id, int64_t cap) {
  if (id > 0) {
    MQCHAT_ASSIGN_OR_RETURN(SearchStore * s, set_.Of(id));
    return s->CountPostings(term, id, cap);
  }
  int64_t total = 0;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int, SearchStore& s) -> Status {
    if (total >= cap) return Status::Ok();
    MQCHAT_ASSIGN_OR_RETURN(int64_t n, s.CountPostings(term, 0, cap - total));
    total += n;
    return Status::Ok();
  }));
  return std::min(total, cap);
}

Result<std::vector<SearchCandidate>> ShardedSearchStore::Candidates(const CandidateQuery& q) {
  if (q.conversation_id > 0) {
    MQCHAT_ASSIGN_OR_RETURN(SearchStore * s, set_.Of(q.conversation_id));
    return s->Candidates(q);
  }
  // Text channels are in the global database: the shards are asked for members' conversations.
  CandidateQuery on_shard = q;
  on_shard.channels.clear();
  std::vector<SearchCandidate> all;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int home, SearchStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<SearchCandidate> some,
                            s.Candidates(home < 0 ? q : on_shard));
    for (SearchCandidate& c : some) all.push_back(std::move(c));
    return Status::Ok();
  }));
  std::sort(all.begin(), all.end(), [](const SearchCandidate& a, const SearchCandidate& b) {
    return a.message.message_id > b.message.message_id;
  });
  if (all.size() > static_cast<size_t>(q.limit)) all.resize(static_cast<size_t>(q.limit));
  return all;
}

}  // namespace mqchat::store
