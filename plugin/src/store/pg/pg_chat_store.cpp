#include "store/pg/pg_chat_store.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>

#include "protocol/identity.h"
#include "store/new_conversation_steps.h"
#include "store/pg/pg_block_sql.h"
#include "store/pg/pg_channel_read_sql.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_event_sql.h"
#include "store/pg/pg_attachment_sql.h"
#include "store/pg/pg_mention_sql.h"
#include "store/attachments.h"
#include "store/mentions.h"
#include "store/pg/pg_push_sql.h"

namespace mqchat::store {
namespace {

namespace sql = pg_chat_sql;

using sql::ReadMessage;

// Parses the JSON array of usernames that json_agg produced.
Result<std::vector<std::string>> ParseNames(const std::string& text) {
  const nlohmann::json names = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (names.is_discarded() || !names.is_array()) {
    return Status::Internal("member list is not a JSON array: " + text.substr(0, 80));
  }
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const nlohmann::json& name : names) {
    if (!name.is_string()) {
      return Status::Internal("member list holds a non-string: " + text.substr(0, 80));
    }
    out.push_back(name.get<std::string>());
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PgChatStore>> PgChatStore::Create(PgConnPtr conn, bool shard) {
  if (conn == nullptr) {
    return Status::InvalidArgument("PgChatStore needs a connection");
  }
  std::vector<const PgStatement*> statements(std::begin(sql::kAll), std::end(sql::kAll));
  statements.push_back(&pg_push_sql::kUpsertJobs);  // AppendBatch records push jobs
  statements.insert(statements.end(), std::begin(pg_event_sql::kAll), std::end(pg_event_sql::kAll));
  statements.insert(statements.end(), std::begin(pg_mention_sql::kAll),
                    std::end(pg_mention_sql::kAll));
  statements.insert(statements.end(), std::begin(pg_attachment_sql::kAll),
                    std::end(pg_attachment_sql::kAll));
  statements.insert(statements.end(), std::begin(pg_block_sql::kAll), std::end(pg_block_sql::kAll));
  statements.insert(statements.end(), std::begin(pg_channel_read_sql::kAll),
                    std::end(pg_channel_read_sql::kAll));
  MQCHAT_ASSIGN_OR_RETURN(PgConnection ready,
                          PgConnection::Create(std::move(conn), std::move(statements)));
  return std::unique_ptr<PgChatStore>(new PgChatStore(std::move(ready), shard));
}

Result<PgResultPtr> PgChatStore::Run(const PgStatement& stmt, const PgParams& params) {
  return ExecPrepared(conn_.get(), stmt, params);
}

// --- steps inside transactions ---

Result<std::vector<PgChatStore::Person>> PgChatStore::LookupPeople(
    ConversationId id, const std::vector<std::string>& names) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kLookupPeople, PgParams().Int(id).Text(sql::TextArray(names))));
  std::vector<Person> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    Person person;
    person.username = PgText(res.get(), row, 0);
    if (!PgIsNull(res.get(), row, 1)) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t role, PgInt64(res.get(), row, 1));
      MQCHAT_ASSIGN_OR_RETURN(person.role, RoleFromColumn(role));
    }
    person.exists = PgText(res.get(), row, 2) == "t";
    out.push_back(std::move(person));
  }
  if (out.size() != names.size()) {
    return Status::Internal("lookup of " + std::to_string(names.size()) + " names returned " +
                            std::to_string(out.size()) + " rows");
  }
  return out;
}

Result<std::optional<ConversationAccess>> PgChatStore::LockAccess(ConversationId id,
                                                                  const std::string& actor,
                                                                  const std::string* target) {
  // Two statements on purpose: the roles are read by a statement that starts after the lock
  // was granted, so they include every change committed by the previous lock holder. (One
  // joined SELECT ... FOR UPDATE would re-read only the locked row, not the joined members.)
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr locked, Run(sql::kLockConversation, PgParams().Int(id)));
  if (PQntuples(locked.get()) == 0) {
    return std::optional<ConversationAccess>();
  }
  ConversationAccess access;
  access.id = id;
  MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(locked.get(), 0, 0));
  MQCHAT_ASSIGN_OR_RETURN(access.kind, KindFromColumn(kind));
  MQCHAT_ASSIGN_OR_RETURN(access.member_count, PgInt64(locked.get(), 0, 1));
  std::vector<std::string> names = {actor};
  if (target != nullptr) {
    names.push_back(*target);
  }
  MQCHAT_ASSIGN_OR_RETURN(std::vector<Person> people, LookupPeople(id, names));
  access.actor_role = people[0].role;
  if (target != nullptr) {
    access.target_role = people[1].role;
  }
  return std::optional<ConversationAccess>(std::move(access));
}

Result<Conversation> PgChatStore::LoadConversation(ConversationId id) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kGetConversation, PgParams().Int(id)));
  const PGresult* r = res.get();
  if (PQntuples(r) == 0) {
    return NoSuchConversation(id);
  }
  Conversation conv;
  MQCHAT_ASSIGN_OR_RETURN(conv.id, PgInt64(r, 0, 0));
  MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(r, 0, 1));
  MQCHAT_ASSIGN_OR_RETURN(conv.kind, KindFromColumn(kind));
  conv.name = PgText(r, 0, 2);
  MQCHAT_ASSIGN_OR_RETURN(conv.last_seq, PgInt64(r, 0, 3));
  MQCHAT_ASSIGN_OR_RETURN(conv.created_at_ms, PgInt64(r, 0, 4));
  MQCHAT_ASSIGN_OR_RETURN(conv.members_version, PgInt64(r, 0, 5));
  MQCHAT_ASSIGN_OR_RETURN(conv.slow_mode_s, PgInt64(r, 0, 10));
  for (int row = 0; row < PQntuples(r); ++row) {
    if (PgIsNull(r, row, 6)) {
      continue;  // no members (the LEFT JOIN's only row)
    }
    Member member;
    member.username = PgText(r, row, 6);
    MQCHAT_ASSIGN_OR_RETURN(int64_t role, PgInt64(r, row, 7));
    MQCHAT_ASSIGN_OR_RETURN(member.role, RoleFromColumn(role));
    MQCHAT_ASSIGN_OR_RETURN(member.read_seq, PgInt64(r, row, 8));
    MQCHAT_ASSIGN_OR_RETURN(member.joined_at_ms, PgInt64(r, row, 9));
    conv.members.push_back(std::move(member));
  }
  return conv;
}

// --- writes ---

Status PgChatStore::EnsureUsers(const std::vector<NewUser>& users) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  std::vector<const NewUser*> missing;
  for (const NewUser& user : users) {
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr existing,
                            Run(sql::kUserRow, PgParams().Text(user.username)));
    if (PQntuples(existing.get()) == 0) missing.push_back(&user);
  }
  if (missing.empty()) {
    return Status::Ok();  // the common case takes no lock
  }
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr locked, Run(sql::kLockUsers, PgParams()));
  for (const NewUser* user : missing) {
    MQCHAT_ASSIGN_OR_RETURN(
        PgResultPtr inserted,
        Run(sql::kEnsureUser, PgParams()
                                  .Text(user->username)
                                  .Text(protocol::UsernameKey(user->username))
                                  .Int(user->now_ms)));
  }
  return txn.Commit();
}

Result<Conversation> PgChatStore::OpenDirect(ConversationId new_id, const std::string& a,
                                             const std::string& b, int64_t now_ms) {
  return OpenDirectSteps(*this, new_id, a, b, now_ms);
}

Result<Conversation> PgChatStore::CreateGroup(ConversationId new_id, const std::string& owner,
                                              const std::string& name,
                                              const std::vector<std::string>& members,
                                              int max_members, int64_t now_ms) {
  return CreateGroupSteps(*this, new_id, owner, name, members, max_members, now_ms);
}

Result<std::vector<std::string>> PgChatStore::AddMembers(ConversationId id,
                                                         const std::string& actor,
                                                         const std::vector<std::string>& users,
                                                         int max_members, int64_t now_ms) {
  return AddMembersAs(id, &actor, users, max_members, now_ms);
}

Result<std::vector<std::string>> PgChatStore::AdminAddMembers(
    ConversationId id, const std::vector<std::string>& users, int max_members, int64_t now_ms) {
  return AddMembersAs(id, nullptr, users, max_members, now_ms);
}

Result<Conversation> PgChatStore::AdminCreateGroup(ConversationId new_id, const std::string& owner,
                                                   const std::string& name,
                                                   const std::vector<std::string>& members,
                                                   int max_members, int64_t now_ms) {
  return CreateGroupSteps(*this, new_id, owner, name, members, max_members, now_ms,
                          /*members_notice=*/true);
}

Result<std::vector<std::string>> PgChatStore::AddMembersAs(ConversationId id,
                                                           const std::string* actor,
                                                           const std::vector<std::string>& users,
                                                           int max_members, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  // The conversation row lock serializes this with every other add (and remove) on any
  // connection, so member_count cannot change between the check below and COMMIT.
  MQCHAT_ASSIGN_OR_RETURN(std::optional<ConversationAccess> access,
                          LockAccess(id, actor != nullptr ? *actor : std::string(), nullptr));
  if (!access.has_value()) {
    return NoSuchConversation(id);
  }
  if (actor == nullptr) {
    access->actor_role = MemberRole::kOwner;  // the admin API: the owner's rights
  }
  MQCHAT_RETURN_IF_ERROR(CheckMayAddMembers(*access));
  const std::vector<std::string> wanted = Deduplicated(users);
  MQCHAT_ASSIGN_OR_RETURN(std::vector<Person> people, LookupPeople(id, wanted));
  std::vector<std::string> to_add;
  std::vector<std::string> missing;
  for (const Person& person : people) {
    if (person.role.has_value()) {
      continue;  // already a member
    }
    (person.exists ? to_add : missing).push_back(person.username);
  }
  if (!missing.empty()) {
    return NoSuchUsers(missing);
  }
  const int64_t would_have = access->member_count + static_cast<int64_t>(to_add.size());
  if (would_have > max_members) {
    return GroupFull(would_have, max_members);
  }
  if (!to_add.empty()) {
    MQCHAT_RETURN_IF_ERROR(InsertMembers(id, to_add, nullptr, now_ms));
    MQCHAT_ASSIGN_OR_RETURN(
        PgResultPtr counted,
        Run(sql::kAdjustMemberCount, PgParams().Int(id).Int(static_cast<int64_t>(to_add.size()))));
    if (actor == nullptr) {
      MQCHAT_RETURN_IF_ERROR(InsertNotices(MembersNotices(id, to_add, now_ms)));
    }
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return to_add;
}

Status PgChatStore::RemoveMember(ConversationId id, const std::string& actor,
                                 const std::string& user) {
  return RemoveMemberAs(id, &actor, user, /*now_ms=*/0);
}

Status PgChatStore::AdminRemoveMember(ConversationId id, const std::string& user,
                                      int64_t now_ms) {
  return RemoveMemberAs(id, nullptr, user, now_ms);
}

Status PgChatStore::RemoveMemberAs(ConversationId id, const std::string* actor,
                                   const std::string& user, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  const std::string who = actor != nullptr ? *actor : std::string();
  MQCHAT_ASSIGN_OR_RETURN(std::optional<ConversationAccess> access, LockAccess(id, who, &user));
  if (!access.has_value()) {
    return NoSuchConversation(id);
  }
  if (actor == nullptr) {
    access->actor_role = MemberRole::kOwner;  // the admin API: the owner's rights
  }
  MQCHAT_RETURN_IF_ERROR(CheckMayRemoveMember(*access, who, user));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr deleted,
                          Run(sql::kDeleteMember, PgParams().Int(id).Text(user)));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr counted,
                          Run(sql::kAdjustMemberCount, PgParams().Int(id).Int(-1)));
  if (*access->target_role == MemberRole::kOwner) {
    // No-op if nobody is left: the group stays, with no members.
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr promoted, Run(sql::kPromoteOldest, PgParams().Int(id)));
  }
  if (actor == nullptr) {
    MQCHAT_RETURN_IF_ERROR(InsertNotices(MembersNotices(id, {user}, now_ms)));
  }
  return txn.Commit();
}

Status PgChatStore::RenameGroup(ConversationId id, const std::string& actor,
                                const std::string& name) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn_.get()));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<ConversationAccess> access, LockAccess(id, actor, nullptr));
  if (!access.has_value()) {
    return NoSuchConversation(id);
  }
  MQCHAT_RETURN_IF_ERROR(CheckMayRename(*access));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr renamed, Run(sql::kRename, PgParams().Int(id).Text(name)));
  return txn.Commit();
}

Result<int64_t> PgChatStore::MarkRead(ConversationId id, const std::string& user, int64_t seq) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  // One statement: its own transaction.
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kMarkRead, PgParams().Int(id).Text(user).Int(seq)));
  if (PQntuples(res.get()) == 0) {
    return Status::PermissionDenied(user + " is not a member of conversation " +
                                    std::to_string(id));
  }
  return PgInt64(res.get(), 0, 0);
}

// --- reads (each one statement, so one snapshot) ---

Result<int64_t> PgChatStore::MarkChannelRead(ConversationId id, const std::string& user,
                                             int64_t seq) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, Run(pg_channel_read_sql::kMark, PgParams().Int(id).Text(user).Int(seq)));
  if (PQntuples(res.get()) == 0) return Status::NotFound("no channel " + std::to_string(id));
  return PgInt64(res.get(), 0, 0);
}

Result<Conversation> PgChatStore::GetConversation(ConversationId id) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return LoadConversation(id);
}

Result<std::vector<ConversationSummary>> PgChatStore::ListConversations(const std::string& user) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kListConversations, PgParams().Text(user)));
  const PGresult* r = res.get();
  std::vector<ConversationSummary> out;
  out.reserve(static_cast<size_t>(PQntuples(r)));
  for (int row = 0; row < PQntuples(r); ++row) {
    ConversationSummary summary;
    MQCHAT_ASSIGN_OR_RETURN(summary.id, PgInt64(r, row, 0));
    MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(r, row, 1));
    MQCHAT_ASSIGN_OR_RETURN(summary.kind, KindFromColumn(kind));
    summary.name = PgText(r, row, 2);
    MQCHAT_ASSIGN_OR_RETURN(summary.last_seq, PgInt64(r, row, 3));
    MQCHAT_ASSIGN_OR_RETURN(summary.read_seq, PgInt64(r, row, 4));
    MQCHAT_ASSIGN_OR_RETURN(summary.muted_until_ms, PgInt64(r, row, 6));
    MQCHAT_ASSIGN_OR_RETURN(summary.unread, PgInt64(r, row, 7));
    MQCHAT_ASSIGN_OR_RETURN(summary.slow_mode_s, PgInt64(r, row, 21));
    MQCHAT_ASSIGN_OR_RETURN(summary.members, ParseNames(PgText(r, row, 5)));
    if (!PgIsNull(r, row, 8)) {
      MQCHAT_ASSIGN_OR_RETURN(summary.last_message, ReadMessage(r, row, 8));
      summary.last_message->mentions = SplitMentions(PgText(r, row, 19));
      summary.last_message->attachments = ParseAttachmentsColumn(PgText(r, row, 22));
    }
    MQCHAT_ASSIGN_OR_RETURN(summary.unread_mentions, PgInt64(r, row, 20));
    out.push_back(std::move(summary));
  }
  return out;
}

Result<std::vector<StoredMessage>> PgChatStore::ReadHistory(ConversationId id, int64_t after_seq,
                                                            int64_t before_seq, int limit) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  const bool before = before_seq > 0;
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(before ? sql::kHistoryBefore : sql::kHistoryAfter,
          PgParams().Int(id).Int(before ? before_seq : after_seq).Int(ClampHistoryLimit(limit))));
  std::vector<StoredMessage> out;
  out.reserve(static_cast<size_t>(PQntuples(res.get())));
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(StoredMessage msg, ReadMessage(res.get(), row, 0));
    msg.mentions = SplitMentions(PgText(res.get(), row, 11));
    msg.attachments = ParseAttachmentsColumn(PgText(res.get(), row, 12));
    out.push_back(std::move(msg));
  }
  if (before) {
    std::reverse(out.begin(), out.end());  // read newest first; returned ascending
  }
  return out;
}

// --- startup ---

Result<int64_t> PgChatStore::MaxIssuedId() {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kMaxIssuedId, PgParams()));
  return PgInt64(res.get(), 0, 0);
}

Result<int64_t> PgChatStore::ExpiredThroughSeq(ConversationId id) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kExpiredThrough, PgParams().Int(id)));
  if (PQntuples(res.get()) == 0) return int64_t{0};
  return PgInt64(res.get(), 0, 0);
}

}  // namespace mqchat::store
