// MembershipCache: who belongs to which conversation, in memory, so the broker thread can
// refuse non-members and fan messages out without asking the store. The store stays the
// authority (AppendBatch re-checks membership inside its transaction); this cache is filled
// and corrected by the store workers after every membership change they commit, and entries
// expire after a TTL so a change made through another broker is picked up in bounded time.
// Thread-safe: the broker thread reads, store workers write; every lock is held briefly.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/chat_store.h"

namespace mqchat::chat {

struct ConversationMembers {
  store::ConversationKind kind = store::ConversationKind::kGroup;
  std::vector<std::string> usernames;  // sorted

  bool Contains(const std::string& username) const;
};

using MembersPtr = std::shared_ptr<const ConversationMembers>;

class MembershipCache {
 public:
  MembershipCache(int64_t ttl_ms, size_t max_entries);

  // The cached members, or null if unknown or expired.
  MembersPtr Get(store::ConversationId id, int64_t now_ms) const;
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
  mutable std::mutex mu_;
  std::unordered_map<store::ConversationId, Entry> entries_;  // guarded by mu_
};

}  // namespace mqchat::chat
