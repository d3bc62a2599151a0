#include "chat/conversation_ops.h"

#include <algorithm>

#include "chat/push_ops.h"
#include "chat/wire_convert.h"
#include "community/permissions.h"
#include "protocol/fields.h"
#include "protocol/responses.h"
#include "protocol/wire.h"
#include "store/block_steps.h"

namespace mqchat::chat {

namespace values = protocol::values;

Plan ConversationOps::OpenDirect(const OpRequest& r) {
  const std::string user = r.who.username;
  const std::string peer = std::get<protocol::OpenDirectRequest>(r.req.body).user;
  const store::ConversationId new_id = ids_.Next();
  const int64_t now = tools_.clock.NowMs();
  return StoreTask([this, to = r.to, user, peer, new_id, now](store::ChatStore& store) {
    auto c = store.OpenDirect(new_id, user, peer, now);
    if (!c.ok() && store::IsNotAccepting(c.status())) {
      return tools_.replies.Reply(to, ErrorPayload(to, protocol::ErrorCode::kNotAccepting,
                                                   c.status().message()));
    }
    if (!c.ok()) return tools_.replies.Fail(to, c.status());
    tools_.members.Put(*c);
    auto wire = ToWire(*c);
    tools_.replies.MembersChanged({user, peer});
    tools_.replies.Reply(to,
                         OkPayload(to, protocol::EncodeConversationChange({wire, std::nullopt})));
    if (c->id == new_id) {  // newly created: tell both users' devices
      tools_.replies.Broadcast({user, peer}, protocol::ConversationEvent(
                                                 values::kConversationCreated, wire, user, {peer}));
    }
  });
}

Plan ConversationOps::CreateGroup(const OpRequest& r) {
  const std::string user = r.who.username;
  const auto body = std::get<protocol::CreateGroupRequest>(r.req.body);
  const store::ConversationId new_id = ids_.Next();
  const int64_t now = tools_.clock.NowMs();
  return StoreTask([this, to = r.to, user, body, new_id, now](store::ChatStore& store) {
    auto c = store.CreateGroup(new_id, user, body.name, body.members, max_members_, now);
    if (!c.ok()) return tools_.replies.Fail(to, c.status());
    std::vector<std::string> members;
    for (const auto& m : c->members) members.push_back(m.username);
    AfterMembershipChange(store, to, c->id, values::kConversationCreated, user, members,
                          std::nullopt);
  });
}

Plan ConversationOps::AddMembers(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const auto users = std::get<protocol::AddMembersRequest>(r.req.body).users;
  const int64_t now = tools_.clock.NowMs();
  return StoreTask([this, to = r.to, user, id, users, now](store::ChatStore& store) {
    auto added = store.AddMembers(id, user, users, max_members_, now);
    if (!added.ok()) return Refuse(store, to, id, user, added.status());
    AfterMembershipChange(store, to, id, values::kMembersAdded, user, *added, *added);
  });
}

Plan ConversationOps::RemoveMember(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const std::string target = r.req.op == protocol::Op::kLeave
                                 ? user
                                 : std::get<protocol::RemoveMemberRequest>(r.req.body).user;
  return StoreTask([this, to = r.to, user, id, target](store::ChatStore& store) {
    Status s = store.RemoveMember(id, user, target);
    if (!s.ok()) return Refuse(store, to, id, user, s);
    AfterMembershipChange(store, to, id, values::kMemberRemoved, user, {target}, std::nullopt);
  });
}

Plan ConversationOps::Rename(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const std::string name = std::get<protocol::RenameRequest>(r.req.body).name;
  return StoreTask([this, to = r.to, user, id, name](store::ChatStore& store) {
    Status s = store.RenameGroup(id, user, name);
    if (!s.ok()) return Refuse(store, to, id, user, s);
    AfterMembershipChange(store, to, id, values::kRenamed, user, {}, std::nullopt);
  });
}

Plan ConversationOps::MarkRead(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const std::string device = r.who.device_id;
  const int64_t seq = std::get<protocol::ReadRequest>(r.req.body).seq;
  // A channel: the broker's access cache decides, as for history (emptied at once by a change).
  std::optional<uint64_t> perms;
  if (tools_.channels != nullptr) perms = tools_.channels->Permissions(user, id);
  const bool channel = perms && community::Has(*perms, community::kViewChannel);
  return StoreTask([this, to = r.to, user, device, id, seq, channel](store::ChatStore& store) {
    if (channel) return MarkChannelRead(store, to, user, device, id, seq);
    auto read_seq = store.MarkRead(id, user, seq);
    if (!read_seq.ok()) {
      // Not a member, or no such conversation: the same answer either way.
      if (read_seq.status().code() == Code::kPermissionDenied) {
        return tools_.replies.NotMember(to, id);
      }
      return tools_.replies.Fail(to, read_seq.status());
    }
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeReadMarker({id, *read_seq})));
    auto members = tools_.members.Load(store, id);
    if (members.ok()) {
      tools_.replies.Broadcast((*members)->usernames, protocol::ReadEvent(id, user, *read_seq));
    }
    if (push_ != nullptr) push_->ReadMarked(user, device, tools_.clock.NowMs());
  });
}

void ConversationOps::MarkChannelRead(store::ChatStore& store, const ReplyTo& to,
                                      const std::string& user, const std::string& device,
                                      store::ConversationId id, int64_t seq) {
  auto read_seq = store.MarkChannelRead(id, user, seq);
  if (!read_seq.ok()) {
    return read_seq.status().code() == Code::kNotFound ? tools_.replies.NotMember(to, id)
                                                       : tools_.replies.Fail(to, read_seq.status());
  }
  tools_.replies.Reply(to, OkPayload(to, protocol::EncodeReadMarker({id, *read_seq})));
  // The reader's own devices, on every broker; the channel's other readers are not told.
  tools_.replies.Broadcast({user}, protocol::ReadEvent(id, user, *read_seq));
  if (push_ != nullptr) push_->ReadMarked(user, device, tools_.clock.NowMs());
}

void ConversationOps::Refuse(store::ChatStore& store, const ReplyTo& to, store::ConversationId id,
                             const std::string& actor, const Status& refusal) {
  if (refusal.IsRetryable()) return tools_.replies.Fail(to, refusal);
  // Only refusals pay for this read. A change made meanwhile through another broker may answer
  // by the newer membership, never by whether the id exists.
  auto members = tools_.members.Reload(store, id);
  if (!members.ok() && members.status().code() != Code::kNotFound) {
    return tools_.replies.Fail(to, members.status());  // nothing changed: retryable if it says so
  }
  if (!members.ok() || !(*members)->Contains(actor)) return tools_.replies.NotMember(to, id);
  tools_.replies.Fail(to, refusal);
}

void ConversationOps::AfterMembershipChange(store::ChatStore& store, const ReplyTo& to,
                                            store::ConversationId id, std::string_view event,
                                            const std::string& actor,
                                            std::vector<std::string> users,
                                            std::optional<std::vector<std::string>> added) {
  tools_.members.Forget(id);
  protocol::WireConversationChange change{std::nullopt, std::move(added)};
  auto conversation = store.GetConversation(id);
  if (!conversation.ok()) {
    // The change is committed; only the notification is lost. Clients see it on next list.
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeConversationChange(change)));
    return;
  }
  tools_.members.Put(*conversation);
  auto wire = ToWire(*conversation);
  // Members, plus anyone the change was about (removed users learn they are out).
  std::vector<std::string> recipients;
  for (const auto& m : conversation->members) recipients.push_back(m.username);
  for (const auto& u : users) {
    if (std::find(recipients.begin(), recipients.end(), u) == recipients.end()) {
      recipients.push_back(u);
    }
  }
  change.conversation = wire;
  std::vector<std::string> members;
  for (const auto& m : conversation->members) members.push_back(m.username);
  tools_.replies.MembersChanged(std::move(members));  // before the reply: contacts known by then
  tools_.replies.Reply(to, OkPayload(to, protocol::EncodeConversationChange(change)));
  tools_.replies.Broadcast(std::move(recipients),
                           protocol::ConversationEvent(event, wire, actor, users));
}

}  // namespace mqchat::chat
