#include "support/fakes/fake_chat_store.h"

#include <algorithm>

namespace mqchat::test {

using store::AppendOutcome;
using store::Conversation;
using store::ConversationId;
using store::Member;
using store::MemberRole;

int FakeChatStore::Calls(const std::string& method) const {
  std::lock_guard<std::mutex> lock(calls_mu_);
  auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

std::vector<size_t> FakeChatStore::BatchSizes() const {
  std::lock_guard<std::mutex> lock(calls_mu_);
  return batch_sizes_;
}

void FakeChatStore::Count(const std::string& method) {
  std::lock_guard<std::mutex> lock(calls_mu_);
  ++calls_[method];
}

Member* FakeChatStore::FindMember(Conversation& c, const std::string& user) {
  for (auto& m : c.members) {
    if (m.username == user) return &m;
  }
  return nullptr;
}

Result<std::vector<store::AppendResult>> FakeChatStore::AppendBatch(
    const std::vector<store::AppendRequest>& batch) {
  Count("AppendBatch");
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    batch_sizes_.push_back(batch.size());
  }
  std::lock_guard<std::mutex> lock(data_->mu);
  if (!data_->fail_next_append.ok()) {
    Status s = data_->fail_next_append;
    data_->fail_next_append = Status::Ok();
    return s;
  }
  std::vector<store::AppendResult> results;
  for (const auto& req : batch) {
    store::AppendResult r;
    auto c = data_->conversations.find(req.conversation_id);
    Member* sender = c == data_->conversations.end() ? nullptr : FindMember(c->second, req.sender);
    if (sender == nullptr) {
      results.push_back(r);  // kNotMember
      continue;
    }
    auto& msgs = data_->messages[req.conversation_id];
    auto dup = std::find_if(msgs.begin(), msgs.end(), [&](const store::StoredMessage& m) {
      return m.sender == req.sender && m.client_msg_id == req.client_msg_id;
    });
    if (dup != msgs.end()) {
      r.outcome = AppendOutcome::kDuplicate;
      r.message = *dup;
    } else if (req.only_if_stored) {
      r.outcome = AppendOutcome::kNotStored;
    } else {
      r.outcome = AppendOutcome::kStored;
      r.message = {req.conversation_id, ++c->second.last_seq, req.message_id, req.sender,
                   req.client_msg_id,   req.text,           req.created_at_ms};
      r.members_version = c->second.members_version;
      sender->read_seq = r.message.seq;
      msgs.push_back(r.message);
    }
    results.push_back(r);
  }
  return results;
}

Status FakeChatStore::EnsureUsers(const std::vector<NewUser>& users) {
  Count("EnsureUsers");
  std::lock_guard<std::mutex> lock(data_->mu);
  for (const auto& u : users) data_->users.insert(u.username);
  return Status::Ok();
}

Result<Conversation> FakeChatStore::OpenDirect(ConversationId new_id, const std::string& a,
                                               const std::string& b, int64_t now_ms) {
  Count("OpenDirect");
  std::lock_guard<std::mutex> lock(data_->mu);
  if (a == b) return Status::InvalidArgument("a direct conversation needs two users");
  if (!data_->users.count(a) || !data_->users.count(b)) return Status::NotFound("no such user");
  for (auto& [id, c] : data_->conversations) {
    if (c.kind == store::ConversationKind::kDirect && FindMember(c, a) && FindMember(c, b)) {
      return c;
    }
  }
  Conversation c;
  c.id = new_id;
  c.kind = store::ConversationKind::kDirect;
  c.created_at_ms = now_ms;
  c.members = {Member{a, MemberRole::kMember, 0, now_ms}, Member{b, MemberRole::kMember, 0, now_ms}};
  return data_->conversations[new_id] = c;
}

Result<Conversation> FakeChatStore::CreateGroup(ConversationId new_id, const std::string& owner,
                                                const std::string& name,
                                                const std::vector<std::string>& members,
                                                int max_members, int64_t now_ms) {
  Count("CreateGroup");
  std::lock_guard<std::mutex> lock(data_->mu);
  Conversation c;
  c.id = new_id;
  c.name = name;
  c.created_at_ms = now_ms;
  c.members.push_back(Member{owner, MemberRole::kOwner, 0, now_ms});
  for (const auto& m : members) {
    if (!data_->users.count(m)) return Status::NotFound("no such user: " + m);
    if (!FindMember(c, m)) c.members.push_back(Member{m, MemberRole::kMember, 0, now_ms});
  }
  if (static_cast<int>(c.members.size()) > max_members) {
    return Status::ResourceExhausted("too many members");
  }
  return data_->conversations[new_id] = c;
}

Result<std::vector<std::string>> FakeChatStore::AddMembers(ConversationId id,
                                                           const std::string& actor,
                                                           const std::vector<std::string>& users,
                                                           int max_members, int64_t now_ms) {
  Count("AddMembers");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto it = data_->conversations.find(id);
  Member* by = it == data_->conversations.end() ? nullptr : FindMember(it->second, actor);
  if (by == nullptr || by->role == MemberRole::kMember) return Status::PermissionDenied("not admin");
  Conversation& c = it->second;
  std::vector<std::string> added;
  for (const auto& u : users) {
    if (!FindMember(c, u) && std::find(added.begin(), added.end(), u) == added.end()) {
      added.push_back(u);
    }
  }
  if (static_cast<int>(c.members.size() + added.size()) > max_members) {
    return Status::ResourceExhausted("too many members");
  }
  for (const auto& u : added) c.members.push_back(Member{u, MemberRole::kMember, 0, now_ms});
  if (!added.empty()) ++c.members_version;
  return added;
}

Status FakeChatStore::RemoveMember(ConversationId id, const std::string& actor,
                                   const std::string& user) {
  Count("RemoveMember");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto it = data_->conversations.find(id);
  if (it == data_->conversations.end()) return Status::PermissionDenied("not a member");
  Conversation& c = it->second;
  if (c.kind == store::ConversationKind::kDirect) return Status::FailedPrecondition("direct");
  Member* by = FindMember(c, actor);
  if (!FindMember(c, user)) return Status::NotFound("not a member: " + user);
  if (actor != user && (by == nullptr || by->role == MemberRole::kMember)) {
    return Status::PermissionDenied("not admin");
  }
  c.members.erase(std::remove_if(c.members.begin(), c.members.end(),
                                 [&](const Member& m) { return m.username == user; }),
                  c.members.end());
  ++c.members_version;
  return Status::Ok();
}

Status FakeChatStore::RenameGroup(ConversationId id, const std::string& actor,
                                  const std::string& name) {
  Count("RenameGroup");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto it = data_->conversations.find(id);
  Member* by = it == data_->conversations.end() ? nullptr : FindMember(it->second, actor);
  if (by == nullptr || by->role == MemberRole::kMember) return Status::PermissionDenied("not admin");
  it->second.name = name;
  return Status::Ok();
}

Result<int64_t> FakeChatStore::MarkRead(ConversationId id, const std::string& user, int64_t seq) {
  Count("MarkRead");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto it = data_->conversations.find(id);
  Member* m = it == data_->conversations.end() ? nullptr : FindMember(it->second, user);
  if (m == nullptr) return Status::PermissionDenied("not a member of " + std::to_string(id));
  m->read_seq = std::max(m->read_seq, std::min(seq, it->second.last_seq));
  return m->read_seq;
}

Result<Conversation> FakeChatStore::GetConversation(ConversationId id) {
  Count("GetConversation");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto it = data_->conversations.find(id);
  if (it == data_->conversations.end()) return Status::NotFound("no such conversation");
  return it->second;
}

Result<std::vector<store::ConversationSummary>> FakeChatStore::ListConversations(
    const std::string& user) {
  Count("ListConversations");
  std::lock_guard<std::mutex> lock(data_->mu);
  std::vector<store::ConversationSummary> out;
  for (auto& [id, c] : data_->conversations) {
    Member* m = FindMember(c, user);
    if (m == nullptr) continue;
    store::ConversationSummary s;
    s.id = id;
    s.kind = c.kind;
    s.name = c.name;
    s.last_seq = c.last_seq;
    s.read_seq = m->read_seq;
    s.unread = c.last_seq - m->read_seq;
    const auto& msgs = data_->messages[id];
    if (!msgs.empty()) s.last_message = msgs.back();
    for (const auto& member : c.members) s.members.push_back(member.username);
    out.push_back(s);
  }
  return out;
}

Result<std::vector<store::StoredMessage>> FakeChatStore::ReadHistory(ConversationId id,
                                                                     int64_t after_seq,
                                                                     int64_t before_seq,
                                                                     int limit) {
  Count("ReadHistory");
  std::lock_guard<std::mutex> lock(data_->mu);
  std::vector<store::StoredMessage> out;
  for (const auto& m : data_->messages[id]) {
    if (before_seq > 0 ? m.seq < before_seq : m.seq > after_seq) out.push_back(m);
  }
  if (static_cast<int>(out.size()) > limit) {
    if (before_seq > 0) {
      out.erase(out.begin(), out.end() - limit);
    } else {
      out.resize(limit);
    }
  }
  return out;
}

// Messages only, as stored (the fake keeps no edits, deletions or reactions).
Result<std::vector<store::MessageView>> FakeChatStore::ReadMessages(ConversationId id,
                                                                    const std::string& reader,
                                                                    int64_t after_seq,
                                                                    int64_t before_seq, int limit) {
  (void)reader;
  auto rows = ReadHistory(id, after_seq, before_seq, limit);
  if (!rows.ok()) return rows.status();
  std::vector<store::MessageView> out;
  for (auto& m : *rows) {
    if (m.kind == store::EventKind::kMessage) out.push_back(store::MessageView{m, {}, {}});
  }
  return out;
}

Result<int64_t> FakeChatStore::MaxIssuedId() {
  Count("MaxIssuedId");
  return int64_t{0};
}

Result<std::vector<store::BlockedUser>> FakeChatStore::Block(const std::string& blocker,
                                                             const std::string& blocked,
                                                             int max_blocks, int64_t now_ms) {
  Count("Block");
  std::lock_guard<std::mutex> lock(data_->mu);
  if (blocker == blocked) return Status::InvalidArgument("you cannot block yourself");
  if (data_->users.count(blocked) == 0) return Status::NotFound("no such user: " + blocked);
  auto& list = data_->privacy[blocker].blocked;
  for (const auto& b : list) {
    if (b.username == blocked) return list;
  }
  if (static_cast<int>(list.size()) >= max_blocks) {
    return Status::ResourceExhausted("block list is full");
  }
  list.push_back(store::BlockedUser{blocked, now_ms});
  std::sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return a.username < b.username; });
  return list;
}

Result<std::vector<store::BlockedUser>> FakeChatStore::Unblock(const std::string& blocker,
                                                               const std::string& blocked) {
  Count("Unblock");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto& list = data_->privacy[blocker].blocked;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const auto& b) { return b.username == blocked; }),
             list.end());
  return list;
}

Status FakeChatStore::SetDmPolicy(const std::string& user, store::DmPolicy policy) {
  Count("SetDmPolicy");
  std::lock_guard<std::mutex> lock(data_->mu);
  data_->privacy[user].dm_policy = policy;
  return Status::Ok();
}

Result<store::PrivacySettings> FakeChatStore::GetPrivacy(const std::string& user) {
  Count("GetPrivacy");
  std::lock_guard<std::mutex> lock(data_->mu);
  auto it = data_->privacy.find(user);
  return it == data_->privacy.end() ? store::PrivacySettings{} : it->second;
}

Result<std::vector<std::string>> FakeChatStore::BlockedBy(const std::string& user) {
  Count("BlockedBy");
  std::lock_guard<std::mutex> lock(data_->mu);
  std::vector<std::string> out;
  for (const auto& [blocker, settings] : data_->privacy) {
    for (const auto& b : settings.blocked) {
      if (b.username == user) out.push_back(blocker);
    }
  }
  return out;
}

}  // namespace mqchat::test
