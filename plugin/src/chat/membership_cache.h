// MembershipCache: who belongs to which conversation, in memory, so store workers can fan
// messages out without asking the store. Each entry carries the conversation's members_version
// (raised by every membership change, through any broker), so a user can tell whether it is at
// least as new as a given commit (ChatService::LoadMembers); Put never replaces an entry with
// an older version. The store stays the authority on who may send (AppendBatch re-checks in
// its transaction). Entries expire after a TTL: a memory bound, not what keeps them correct.
// Thread-safe: the broker thread reads, store workers write; every lock is held briefly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/chat_store.h"
#include "threads/mutex.h"

namespace mqchat::chat {

struct ConversationMembers {
  store::ConversationKind kind = store::ConversationKind::kGroup;
  int64_t version = 0;                 // the conversation's members_version when loaded
  std::vector<std::string> usernames;  // sorted
  // Slow mode (migration 018), read with the members: the least ms between two messages of one
  // member (0 off), and the owners and admins (sorted), who are exempt from it.
  int64_t slow_mode_ms = 0;
  std::vector<std::string> moderators;

  bool Contains(const std::string& username) const;
  bool IsModerator(const std::string& username) const;
};

using MembersPtr = std::shared_ptr<const ConversationMembers>;

class MembershipCache {
 public:
  MembershipCache(int64_t ttl_ms, size_t max_entries);

  // The cached members, or null if unknown or expired.
  MembersPtr Get(store::ConversationId id, int64_t now_ms) const;
  // Caches the members of `conversation` (for the TTL) and returns them, unless the entry
  // already holds a newer members_version (loaded by another worker meanwhile): then that entry
  // stays as it is and is returned.
  MembersPtr Put(const store::Conversation& conversation, int64_t now_ms);
  void Forget(store::ConversationId id);

  size_t size() const;

 private:
  struct Entry {
    MembersPtr members;
    int64_t expires_ms;
  };
  const int64_t ttl_ms_;
  const size_t max_entries_;
  mutable Mutex mu_;
  std::unordered_map<store::ConversationId, Entry> entries_ GUARDED_BY(mu_);
};

}  // namespace mqchat::chat
