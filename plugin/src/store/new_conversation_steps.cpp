#include "store/new_conversation_steps.h"

#include "store/block_steps.h"
#include "store/chat_rules.h"

namespace mqchat::store {
namespace {

// Refuses with NoSuchUsers unless every one of `users` exists.
Status RequireUsers(NewConversationSql& sql, const std::vector<std::string>& users) {
  MQCHAT_ASSIGN_OR_RETURN(std::vector<std::string> missing, sql.FindMissingUsers(users));
  if (!missing.empty()) {
    return NoSuchUsers(missing);
  }
  return Status::Ok();
}

}  // namespace

Result<Conversation> OpenDirectSteps(NewConversationSql& sql, ConversationId new_id,
                                     const std::string& a, const std::string& b, int64_t now_ms) {
  if (a == b) {
    return Status::InvalidArgument("a direct conversation needs two different users");
  }
  const std::string key = DirectKey(a, b);
  MQCHAT_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, sql.BeginWrite());
  MQCHAT_RETURN_IF_ERROR(RequireUsers(sql, {a, b}));
  // Checked also when the pair's conversation exists: opening is how a client finds it, and
  // the answer must not differ from the one its next send would get.
  MQCHAT_ASSIGN_OR_RETURN(bool refused, sql.DirectRefused(a, b, key));
  if (refused) {
    return NotAccepting(b);
  }
  // A concurrent opener of the same pair (another connection) either made the insert wait for
  // its commit and then do nothing, or holds the write lock until it committed: either way the
  // lookup that follows sees the winner's row.
  MQCHAT_ASSIGN_OR_RETURN(bool inserted, sql.InsertDirect(new_id, key, a, now_ms));
  ConversationId id = new_id;
  if (inserted) {
    MQCHAT_RETURN_IF_ERROR(sql.InsertMembers(id, {a, b}, nullptr, now_ms));
  } else {
    MQCHAT_ASSIGN_OR_RETURN(id, sql.FindDirect(key, "direct conversation vanished: " + a + ", " + b));
  }
  MQCHAT_ASSIGN_OR_RETURN(Conversation conv, sql.LoadConversation(id));
  MQCHAT_RETURN_IF_ERROR(txn->Commit());
  return conv;
}

Result<Conversation> CreateGroupSteps(NewConversationSql& sql, ConversationId new_id,
                                      const std::string& owner, const std::string& name,
                                      const std::vector<std::string>& members, int max_members,
                                      int64_t now_ms, bool members_notice) {
  std::vector<std::string> everyone = {owner};
  everyone.insert(everyone.end(), members.begin(), members.end());
  everyone = Deduplicated(everyone);
  const auto count = static_cast<int64_t>(everyone.size());
  if (count > max_members) {
    return GroupFull(count, max_members);
  }
  MQCHAT_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, sql.BeginWrite());
  MQCHAT_RETURN_IF_ERROR(RequireUsers(sql, everyone));
  MQCHAT_RETURN_IF_ERROR(sql.InsertGroup(new_id, name, count, owner, now_ms));
  MQCHAT_RETURN_IF_ERROR(sql.InsertMembers(new_id, everyone, &owner, now_ms));
  MQCHAT_ASSIGN_OR_RETURN(Conversation conv, sql.LoadConversation(new_id));
  if (members_notice) {
    MQCHAT_RETURN_IF_ERROR(sql.InsertNotices(MembersNotices(new_id, {}, now_ms)));
  }
  MQCHAT_RETURN_IF_ERROR(txn->Commit());
  return conv;
}

std::vector<BrokerNotice> MembersNotices(ConversationId id, const std::vector<std::string>& users,
                                         int64_t now_ms) {
  std::vector<BrokerNotice> out;
  BrokerNotice n;
  n.kind = NoticeKind::kMembers;
  n.conversation_id = id;
  n.created_at_ms = now_ms;
  if (users.empty()) out.push_back(n);
  for (const std::string& user : users) {
    n.username = user;
    out.push_back(n);
  }
  return out;
}

}  // namespace mqchat::store
