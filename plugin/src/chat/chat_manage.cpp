// ChatService: requests that change conversations (writer worker): open_direct, create_group,
// add_members, remove_member, leave, rename, and read markers.
#include "chat/chat_service.h"
#include "chat/wire_convert.h"
#include "protocol/wire.h"

namespace mqchat::chat {

bool ChatService::HandleManage(const ClientSession& who, const protocol::Request& req,
                               const ReplyTo& to) {
  const std::string user = who.username;
  const store::ConversationId id = req.conversation_id;
  const int64_t now = clock_.NowMs();
  const int max_members = options_.max_group_members;
  auto fail = [this, to](const Status& s) {
    PostReply(to, ErrorPayload(to, ErrorCodeFor(s, FailureSource::kStore), s.message()));
  };

  switch (req.op) {
    case protocol::Op::kOpenDirect: {
      const std::string peer = std::get<protocol::OpenDirectRequest>(req.body).user;
      const store::ConversationId new_id = ids_.Next();
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        auto c = store.OpenDirect(new_id, user, peer, now);
        if (!c.ok()) return fail(c.status());
        cache_.Put(*c, clock_.MonotonicMs());
        auto wire = ToWire(*c);
        PostMembersChanged({user, peer});
        PostReply(to, OkPayload(to, {{"conversation", protocol::EncodeConversation(wire)}}));
        if (c->id == new_id) {  // newly created: tell both users' devices
          PostBroadcast({user, peer}, protocol::ConversationEvent("created", wire, user, {peer}));
        }
      });
    }
    case protocol::Op::kCreateGroup: {
      const auto body = std::get<protocol::CreateGroupRequest>(req.body);
      const store::ConversationId new_id = ids_.Next();
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        auto c = store.CreateGroup(new_id, user, body.name, body.members, max_members, now);
        if (!c.ok()) return fail(c.status());
        std::vector<std::string> members;
        for (const auto& m : c->members) members.push_back(m.username);
        AfterMembershipChange(store, to, c->id, "created", user, members, nlohmann::json::object());
      });
    }
    case protocol::Op::kAddMembers: {
      const auto users = std::get<protocol::AddMembersRequest>(req.body).users;
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        auto added = store.AddMembers(id, user, users, max_members, now);
        if (!added.ok()) return fail(added.status());
        AfterMembershipChange(store, to, id, "members_added", user, *added,
                              {{"added", *added}});
      });
    }
    case protocol::Op::kRemoveMember:
    case protocol::Op::kLeave: {
      const std::string target = req.op == protocol::Op::kLeave
                                     ? user
                                     : std::get<protocol::RemoveMemberRequest>(req.body).user;
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        Status s = store.RemoveMember(id, user, target);
        if (!s.ok()) return fail(s);
        AfterMembershipChange(store, to, id, "member_removed", user, {target},
                              nlohmann::json::object());
      });
    }
    case protocol::Op::kRename: {
      const std::string name = std::get<protocol::RenameRequest>(req.body).name;
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        Status s = store.RenameGroup(id, user, name);
        if (!s.ok()) return fail(s);
        AfterMembershipChange(store, to, id, "renamed", user, {}, nlohmann::json::object());
      });
    }
    case protocol::Op::kRead: {
      const int64_t seq = std::get<protocol::ReadRequest>(req.body).seq;
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        auto read_seq = store.MarkRead(id, user, seq);
        if (!read_seq.ok()) {
          if (read_seq.status().code() == Code::kPermissionDenied) {
            return PostReply(to, ErrorPayload(to, protocol::ErrorCode::kNotMember,
                                              read_seq.status().message()));
          }
          return fail(read_seq.status());
        }
        PostReply(to, OkPayload(to, {{"conversation_id", std::to_string(id)},
                                     {"read_seq", *read_seq}}));
        auto members = LoadMembers(store, id);
        if (members.ok()) {
          PostBroadcast((*members)->usernames, protocol::ReadEvent(id, user, *read_seq));
        }
      });
    }
    default:
      return Refuse(to, protocol::ErrorCode::kInternal, "unhandled op");
  }
}

}  // namespace mqchat::chat
