#include "chat/read_ops.h"

#include <map>

#include "chat/wire_convert.h"
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
    auto msgs = store.ReadHistory(id, body.after_seq, body.before_seq, body.limit + 1);
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
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : *msgs) list.push_back(protocol::EncodeMessage(ToWire(m)));
    tools_.replies.Reply(to, OkPayload(to, {{"conversation_id", std::to_string(id)},
                                            {"messages", std::move(list)},
                                            {"has_more", has_more}}));
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
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : c->members) {
      member = member || m.username == user;
      list.push_back(protocol::EncodeMember(ToWire(m)));
    }
    if (!member) return tools_.replies.NotMember(to, id);
    tools_.replies.Reply(to, OkPayload(to, {{"conversation_id", std::to_string(id)},
                                            {"members", std::move(list)}}));
  });
}

Plan ReadOps::Conversations(const OpRequest& r) {
  const std::string user = r.who.username;
  return StoreTask([this, to = r.to, user](store::ChatStore& store) {
    auto list = store.ListConversations(user);
    if (!list.ok()) return tools_.replies.Fail(to, list.status());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : *list) out.push_back(protocol::EncodeSummary(ToWire(s)));
    tools_.replies.Reply(to, OkPayload(to, {{"conversations", std::move(out)}}));
  });
}

Plan ReadOps::Sync(const OpRequest& r) {
  const std::string user = r.who.username;
  const auto body = std::get<protocol::SyncRequest>(r.req.body);
  return StoreTask([this, to = r.to, user, body](store::ChatStore& store) {
    std::map<store::ConversationId, int64_t> cursors(body.cursors.begin(), body.cursors.end());
    auto list = store.ListConversations(user);
    if (!list.ok()) return tools_.replies.Fail(to, list.status());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : *list) {
      auto it = cursors.find(s.id);
      const int64_t cursor = it == cursors.end() ? 0 : it->second;
      if (s.last_seq <= cursor) continue;
      auto msgs = store.ReadHistory(s.id, cursor, 0, body.limit + 1);
      if (!msgs.ok()) return tools_.replies.Fail(to, msgs.status());
      protocol::WireSyncConversation sc;
      sc.conversation_id = s.id;
      sc.last_seq = s.last_seq;
      sc.has_more = msgs->size() > static_cast<size_t>(body.limit);
      if (sc.has_more) msgs->pop_back();
      for (const auto& m : *msgs) sc.messages.push_back(ToWire(m));
      out.push_back(protocol::EncodeSyncConversation(sc));
    }
    tools_.replies.Reply(to, OkPayload(to, {{"conversations", std::move(out)}}));
  });
}

}  // namespace mqchat::chat
