#include "chat/read_ops.h"

#include <map>

#include "chat/wire_convert.h"
#include "community/permissions.h"
#include "protocol/responses.h"
#include "protocol/wire.h"

namespace mqchat::chat {

bool ReadOps::ViewsChannel(const std::string& user, store::ConversationId id) const {
  if (tools_.channels == nullptr) return false;
  const auto perms = tools_.channels->Permissions(user, id);
  return perms && community::Has(*perms, community::kViewChannel);
}

Plan ReadOps::History(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const auto body = std::get<protocol::HistoryRequest>(r.req.body);
  // A channel: the broker's access cache decided (emptied at once by a permission change).
  const bool channel = ViewsChannel(user, id);
  return StoreTask([this, to = r.to, user, id, body, channel](store::ChatStore& store) {
    // From the store, not the cache: an entry may predate a removal made through another
    // broker, and a removed member must not read what was sent after it.
    if (!channel) {
      auto members = tools_.members.Reload(store, id);
      if (!members.ok()) {
        return members.status().code() == Code::kNotFound
                   ? tools_.replies.NotMember(to, id)
                   : tools_.replies.Fail(to, members.status());
      }
      if (!(*members)->Contains(user)) return tools_.replies.NotMember(to, id);
    }
    // Messages only, as they are now (edits applied, tombstones, reactions, quotes); the
    // other event kinds are sync's.
    auto msgs = store.ReadMessages(id, user, body.after_seq, body.before_seq, body.limit + 1);
    if (!msgs.ok()) return tools_.replies.Fail(to, msgs.status());
    const bool has_more = msgs->size() > static_cast<size_t>(body.limit);
    if (has_more) {
      // before_seq pages keep the newest `limit`; after_seq pages keep the oldest.
      if (body.before_seq > 0) {
        msgs->erase(msgs->begin());
      } else {
        msgs->pop_back();
      }
    }
    // After the messages: every seq the page lacks below it expired (retention_store.h).
    auto expired = store.ExpiredThroughSeq(id);
    if (!expired.ok()) return tools_.replies.Fail(to, expired.status());
    protocol::WireHistoryPage page;
    page.conversation_id = id;
    page.has_more = has_more;
    page.expired_through_seq = *expired;
    for (const auto& m : *msgs) page.messages.push_back(ToWire(m));
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeHistoryPage(page)));
  });
}

Plan ReadOps::Members(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  return StoreTask([this, to = r.to, user, id](store::ChatStore& store) {
    auto c = store.GetConversation(id);
    if (!c.ok()) {
      return c.status().code() == Code::kNotFound ? tools_.replies.NotMember(to, id)
                                                  : tools_.replies.Fail(to, c.status());
    }
    tools_.members.Put(*c);
    bool member = false;
    protocol::WireMembersList list;
    list.conversation_id = id;
    for (const auto& m : c->members) {
      member = member || m.username == user;
      list.members.push_back(ToWire(m));
    }
    if (!member) return tools_.replies.NotMember(to, id);
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeMembersList(list)));
  });
}

Plan ReadOps::Conversations(const OpRequest& r) {
  const std::string user = r.who.username;
  return StoreTask([this, to = r.to, user](store::ChatStore& store) {
    auto list = store.ListConversations(user);
    if (!list.ok()) return tools_.replies.Fail(to, list.status());
    protocol::WireConversationsList out;
    for (const auto& s : *list) out.conversations.push_back(ToWire(s));
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeConversationsList(out)));
  });
}

Status ReadOps::SyncOne(store::ChatStore& store, store::ConversationId id, int64_t last_seq,
                        int64_t cursor, int limit, protocol::WireSyncPage& page) {
  if (last_seq <= cursor) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(auto msgs, store.ReadHistory(id, cursor, 0, limit + 1));
  // After the messages, as in History.
  MQCHAT_ASSIGN_OR_RETURN(int64_t expired, store.ExpiredThroughSeq(id));
  protocol::WireSyncConversation sc;
  sc.conversation_id = id;
  sc.last_seq = last_seq;
  sc.expired_through_seq = expired;
  sc.has_more = msgs.size() > static_cast<size_t>(limit);
  if (sc.has_more) msgs.pop_back();
  for (const auto& m : msgs) sc.messages.push_back(ToWire(m));
  page.conversations.push_back(std::move(sc));
  return Status::Ok();
}

Plan ReadOps::Sync(const OpRequest& r) {
  const std::string user = r.who.username;
  const auto body = std::get<protocol::SyncRequest>(r.req.body);
  // The text channels the user may view now (no members rows: not in ListConversations).
  std::vector<store::ConversationId> channels;
  if (tools_.channels != nullptr) channels = tools_.channels->Viewable(user);
  return StoreTask([this, to = r.to, user, body, channels](store::ChatStore& store) {
    std::map<store::ConversationId, int64_t> cursors(body.cursors.begin(), body.cursors.end());
    auto cursor_of = [&](store::ConversationId id) {
      auto it = cursors.find(id);
      return it == cursors.end() ? int64_t{0} : it->second;
    };
    auto list = store.ListConversations(user);
    if (!list.ok()) return tools_.replies.Fail(to, list.status());
    protocol::WireSyncPage page;
    for (const auto& s : *list) {
      Status st = SyncOne(store, s.id, s.last_seq, cursor_of(s.id), body.limit, page);
      if (!st.ok()) return tools_.replies.Fail(to, st);
    }
    for (store::ConversationId id : channels) {
      auto c = store.GetConversation(id);
      if (!c.ok() && c.status().code() == Code::kNotFound) continue;  // deleted meanwhile
      if (!c.ok()) return tools_.replies.Fail(to, c.status());
      Status st = SyncOne(store, id, c->last_seq, cursor_of(id), body.limit, page);
      if (!st.ok()) return tools_.replies.Fail(to, st);
    }
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeSyncPage(page)));
  });
}

}  // namespace mqchat::chat
