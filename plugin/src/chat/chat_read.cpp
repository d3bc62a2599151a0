// ChatService: read-only requests: history, members, conversations, sync. Each runs on the
// requesting user's reader (readers_->For(user)), so one user's reads are answered in the
// order they were sent, after their contacts were loaded (reader_pool.h).
#include <map>

#include "chat/chat_service.h"
#include "chat/wire_convert.h"
#include "protocol/wire.h"

namespace mqchat::chat {

bool ChatService::HandleRead(const ClientSession& who, const protocol::Request& req,
                             const ReplyTo& to) {
  const std::string user = who.username;
  const store::ConversationId id = req.conversation_id;
  auto fail = [this, to](const Status& s) {
    PostReply(to, ErrorPayload(to, ErrorCodeFor(s, FailureSource::kStore), s.message()));
  };
  auto not_member = [this, to, id] {
    PostReply(to, ErrorPayload(to, protocol::ErrorCode::kNotMember,
                               "you are not a member of conversation " + std::to_string(id)));
  };

  switch (req.op) {
    case protocol::Op::kHistory: {
      const auto body = std::get<protocol::HistoryRequest>(req.body);
      return Submit(readers_->For(user), to, [=](store::ChatStore& store) {
        // From the store, not the cache: an entry may predate a removal made through another
        // broker, and a removed member must not read what was sent after it.
        auto members = ReloadMembers(store, id);
        if (!members.ok()) {
          return members.status().code() == Code::kNotFound ? not_member() : fail(members.status());
        }
        if (!(*members)->Contains(user)) return not_member();
        auto msgs = store.ReadHistory(id, body.after_seq, body.before_seq, body.limit + 1);
        if (!msgs.ok()) return fail(msgs.status());
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
        PostReply(to, OkPayload(to, {{"conversation_id", std::to_string(id)},
                                     {"messages", std::move(list)},
                                     {"has_more", has_more}}));
      });
    }
    case protocol::Op::kMembers: {
      return Submit(readers_->For(user), to, [=](store::ChatStore& store) {
        auto c = store.GetConversation(id);
        if (!c.ok()) return c.status().code() == Code::kNotFound ? not_member() : fail(c.status());
        cache_.Put(*c, clock_.MonotonicMs());
        bool member = false;
        nlohmann::json list = nlohmann::json::array();
        for (const auto& m : c->members) {
          member = member || m.username == user;
          list.push_back(protocol::EncodeMember(ToWire(m)));
        }
        if (!member) return not_member();
        PostReply(to, OkPayload(to, {{"conversation_id", std::to_string(id)},
                                     {"members", std::move(list)}}));
      });
    }
    case protocol::Op::kConversations: {
      return Submit(readers_->For(user), to, [=](store::ChatStore& store) {
        auto list = store.ListConversations(user);
        if (!list.ok()) return fail(list.status());
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : *list) out.push_back(protocol::EncodeSummary(ToWire(s)));
        PostReply(to, OkPayload(to, {{"conversations", std::move(out)}}));
      });
    }
    case protocol::Op::kSync: {
      const auto body = std::get<protocol::SyncRequest>(req.body);
      return Submit(readers_->For(user), to, [=](store::ChatStore& store) {
        std::map<store::ConversationId, int64_t> cursors(body.cursors.begin(), body.cursors.end());
        auto list = store.ListConversations(user);
        if (!list.ok()) return fail(list.status());
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : *list) {
          auto it = cursors.find(s.id);
          const int64_t cursor = it == cursors.end() ? 0 : it->second;
          if (s.last_seq <= cursor) continue;
          auto msgs = store.ReadHistory(s.id, cursor, 0, body.limit + 1);
          if (!msgs.ok()) return fail(msgs.status());
          protocol::WireSyncConversation sc;
          sc.conversation_id = s.id;
          sc.last_seq = s.last_seq;
          sc.has_more = msgs->size() > static_cast<size_t>(body.limit);
          if (sc.has_more) msgs->pop_back();
          for (const auto& m : *msgs) sc.messages.push_back(ToWire(m));
          out.push_back(protocol::EncodeSyncConversation(sc));
        }
        PostReply(to, OkPayload(to, {{"conversations", std::move(out)}}));
      });
    }
    default:
      return Refuse(to, protocol::ErrorCode::kUnknownOp,
                    "op " + to.op_name + " is not available yet");
  }
}

}  // namespace mqchat::chat
