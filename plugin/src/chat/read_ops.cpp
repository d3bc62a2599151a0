#include "chat/read_ops.h"

#include <map>

#include "chat/wire_convert.h"
#include "protocol/responses.h"
#include "protocol/wire.h"

namespace mqchat::chat {

Plan ReadOps::History(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const auto body = std::get<protocol::HistoryRequest>(r.req.body);
  return StoreTask([this, to = r.to, user, id, body](store::ChatStore& store) {
    // From the store, not the cache: an entry may predate a removal made through another
    // broker, and a removed member must not read what was sent after it.
    auto members = tools_.members.Reload(store, id);
    if (!members.ok()) {
      return members.status().code() == Code::kNotFound ? tools_.replies.NotMember(to, id)
                                                        : tools_.replies.Fail(to, members.status());
    }
    if (!(*members)->Contains(user)) return tools_.replies.NotMember(to, id);
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

Plan ReadOps::Sync(const OpRequest& r) {
  const std::string user = r.who.username;
  const auto body = std::get<protocol::SyncRequest>(r.req.body);
  return StoreTask([this, to = r.to, user, body](store::ChatStore& store) {
    std::map<store::ConversationId, int64_t> cursors(body.cursors.begin(), body.cursors.end());
    auto list = store.ListConversations(user);
    if (!list.ok()) return tools_.replies.Fail(to, list.status());
    protocol::WireSyncPage page;
    for (const auto& s : *list) {
      auto it = cursors.find(s.id);
      const int64_t cursor = it == cursors.end() ? 0 : it->second;
      if (s.last_seq <= cursor) continue;
      auto msgs = store.ReadHistory(s.id, cursor, 0, body.limit + 1);
      if (!msgs.ok()) return tools_.replies.Fail(to, msgs.status());
      auto expired = store.ExpiredThroughSeq(s.id);  // after the messages, as in History
      if (!expired.ok()) return tools_.replies.Fail(to, expired.status());
      protocol::WireSyncConversation sc;
      sc.conversation_id = s.id;
      sc.last_seq = s.last_seq;
      sc.expired_through_seq = *expired;
      sc.has_more = msgs->size() > static_cast<size_t>(body.limit);
      if (sc.has_more) msgs->pop_back();
      for (const auto& m : *msgs) sc.messages.push_back(ToWire(m));
      page.conversations.push_back(std::move(sc));
    }
    tools_.replies.Reply(to, OkPayload(to, protocol::EncodeSyncPage(page)));
  });
}

}  // namespace mqchat::chat
