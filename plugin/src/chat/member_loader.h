// MemberLoader: a conversation's members for the store workers, from the MembershipCache when
// it is new enough, else from the worker's own store (then cached). Thread-safe (the cache is);
// the store passed in is the calling worker's.
#pragma once

#include <cstdint>

#include "chat/membership_cache.h"
#include "mqchat/status.h"
#include "store/chat_store.h"
#include "util/clock.h"

namespace mqchat::chat {

class MemberLoader {
 public:
  MemberLoader(MembershipCache& cache, const Clock& clock) : cache_(cache), clock_(clock) {}

  // Members of `id` from the cache if it holds them at members_version `min_version` or newer,
  // else loaded from `store` and cached. With the members_version a message committed with,
  // the list is at least as new as that commit, whichever broker made the last membership
  // change.
  Result<MembersPtr> Load(store::ChatStore& store, store::ConversationId id,
                          int64_t min_version = 0);
  // Members of `id` as `store` has them now (then cached), for decisions a stale entry must not
  // make: who may read history, a cached "not a member".
  Result<MembersPtr> Reload(store::ChatStore& store, store::ConversationId id);

  // The cached members (null if unknown or expired); any thread, the broker thread included.
  MembersPtr Cached(store::ConversationId id) const { return cache_.Get(id, clock_.MonotonicMs()); }
  MembersPtr Put(const store::Conversation& conversation) {
    return cache_.Put(conversation, clock_.MonotonicMs());
  }
  void Forget(store::ConversationId id) { cache_.Forget(id); }

 private:
  MembershipCache& cache_;
  const Clock& clock_;
};

}  // namespace mqchat::chat
