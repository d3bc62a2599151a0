#include "chat/membership_cache.h"

#include <algorithm>

namespace mqchat::chat {

bool ConversationMembers::Contains(const std::string& username) const {
  return std::binary_search(usernames.begin(), usernames.end(), username);
}

bool ConversationMembers::IsModerator(const std::string& username) const {
  return std::binary_search(moderators.begin(), moderators.end(), username);
}

MembershipCache::MembershipCache(int64_t ttl_ms, size_t max_entries)
    : ttl_ms_(ttl_ms), max_entries_(max_entries) {}

MembersPtr MembershipCache::Get(store::ConversationId id, int64_t now_ms) const {
  MutexLock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.expires_ms <= now_ms) return nullptr;
  return it->second.members;
}

MembersPtr MembershipCache::Put(const store::Conversation& conversation, int64_t now_ms) {
  auto members = std::make_shared<ConversationMembers>();
  members->kind = conversation.kind;
  members->version = conversation.members_version;
  members->slow_mode_ms = conversation.slow_mode_s * 1000;
  for (const auto& m : conversation.members) {
    members->usernames.push_back(m.username);
    if (m.role >= store::MemberRole::kAdmin) members->moderators.push_back(m.username);
  }
  std::sort(members->usernames.begin(), members->usernames.end());
  std::sort(members->moderators.begin(), members->moderators.end());
  MembersPtr ptr = members;
  MutexLock lock(mu_);
  auto existing = entries_.find(conversation.id);
  if (existing != entries_.end() && existing->second.members->version > members->version) {
    // A worker that read before a membership change can finish after one that read after it.
    return existing->second.members;
  }
  if (entries_.size() >= max_entries_ && existing == entries_.end()) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->second.expires_ms <= now_ms ? entries_.erase(it) : std::next(it);
    }
    // Still full: drop arbitrary entries; a miss costs a store read, never a wrong answer.
    while (!entries_.empty() && entries_.size() >= max_entries_) entries_.erase(entries_.begin());
  }
  entries_[conversation.id] = Entry{ptr, now_ms + ttl_ms_};
  return ptr;
}

void MembershipCache::Forget(store::ConversationId id) {
  MutexLock lock(mu_);
  entries_.erase(id);
}

size_t MembershipCache::size() const {
  MutexLock lock(mu_);
  return entries_.size();
}

}  // namespace mqchat::chat
