#include "ingest.h"

#include <algorithm>

#include "convert.h"
#include "privacy.h"
#include "protocol/call.h"
#include "protocol/fields.h"
#include "protocol/presence.h"
#include "protocol/profile.h"
#include "protocol/topics.h"

namespace mqchat::sdk {

namespace values = protocol::values;

Ingest::Ingest(const ClientOptions& options, EventLoop& loop, LocalCache& cache,
               EventDispatcher& dispatcher, EngineLog log, IngestHooks hooks)
    : user_(options.username),
      inbox_topic_(protocol::InboxTopic(options.username)),
      reply_topic_(protocol::ReplyTopic(options.username, options.device_id)),
      loop_(loop),
      cache_(cache),
      dispatcher_(dispatcher),
      log_(std::move(log)),
      hooks_(std::move(hooks)) {}

void Ingest::Enqueue(std::string topic, std::string payload) {
  bool schedule = false;
  {
    MutexLock lock(inbound_mu_);
    inbound_.emplace_back(std::move(topic), std::move(payload));
    schedule = !drain_scheduled_;
    drain_scheduled_ = true;
  }
  if (schedule) loop_.Post([this] { Drain(); });
}

void Ingest::Drain() {
  std::vector<std::pair<std::string, std::string>> items;
  {
    MutexLock lock(inbound_mu_);
    items.swap(inbound_);
    drain_scheduled_ = false;
  }
  RunBatch([&] {
    for (const auto& [topic, payload] : items) {
      if (topic == reply_topic_) {
        hooks_.on_response(payload);
      } else if (topic == inbox_topic_) {
        HandleInbox(payload);
      } else if (auto channel = protocol::ChannelTopicId(topic)) {
        // A watched channel's topic carries the same message events as the inbox.
        channels_.insert(*channel);
        HandleInbox(payload);
      } else if (protocol::PresenceTopicUser(topic)) {
        HandlePresence(payload);
      }
    }
  });
}

void Ingest::HandleInbox(const std::string& payload) {
  auto event = protocol::DecodeInboxEvent(payload);
  if (!event.ok()) {
    log_("mqchat: ignoring a malformed inbox event: " + event.status().ToString());
    return;
  }
  if (event->type == values::kEventTypeMessage) {
    auto m = protocol::DecodeMessage(event->body);
    if (m.ok())
      StoreMessage(*m, 0);
    else
      log_("mqchat: bad message event: " + m.status().ToString());
  } else if (event->type == values::kEventTypeRead) {
    auto r = protocol::DecodeReadEvent(event->body);
    if (!r.ok()) return log_("mqchat: bad read event: " + r.status().ToString());
    if (r->user == user_) (void)cache_.RaiseReadSeq(r->conversation_id, r->read_seq);
    batch_->events.emplace_back(FromWire(*r));
  } else if (event->type == values::kEventTypeMute) {  // this user, on another device
    auto m = protocol::DecodeMuteEvent(event->body);
    if (!m.ok()) return log_("mqchat: bad mute event: " + m.status().ToString());
    Status s = cache_.SetMute(m->conversation_id, m->until_ms);
    if (!s.ok()) log_("mqchat: " + s.ToString());
  } else if (event->type == values::kEventTypePrivacy) {  // this user's block list or policy
    auto p = protocol::DecodePrivacy(event->body);
    if (!p.ok()) return log_("mqchat: bad privacy event: " + p.status().ToString());
    auto changed = StorePrivacy(cache_, *p);
    if (!changed.ok()) return log_("mqchat: " + changed.status().ToString());
    if (*changed) batch_->events.emplace_back(std::move(**changed));
  } else if (event->type == values::kEventTypeConversation) {
    auto c = protocol::DecodeConversationEvent(event->body);
    if (!c.ok()) return log_("mqchat: bad conversation event: " + c.status().ToString());
    ConversationEvent e = FromWire(*c, user_);
    Status s = e.removed_me ? cache_.DropConversation(e.conversation.id)
                            : cache_.PutConversation(e.conversation);
    if (!s.ok()) log_("mqchat: " + s.ToString());
    if (e.removed_me) batch_->touched.erase(e.conversation.id);
    batch_->events.emplace_back(std::move(e));
  } else if (event->type == values::kEventTypeTyping) {
    auto t = protocol::DecodeTypingEvent(event->body);
    if (t.ok()) batch_->events.emplace_back(FromWire(*t));
  } else if (event->type == values::kEventTypeProfile) {  // not stored, not synced
    auto p = protocol::DecodeProfileEvent(event->body);
    if (!p.ok()) return log_("mqchat: bad profile event: " + p.status().ToString());
    Profile profile = FromWire(*p);
    if (profiles_.Put(profile)) batch_->events.emplace_back(std::move(profile));
  } else if (event->type == protocol::call_fields::kCallType) {  // issue 27: not stored
    if (hooks_.on_call) hooks_.on_call(event->body);
  }
  // Unknown types come from newer servers; ignoring them is the compatible choice.
}

void Ingest::HandlePresence(const std::string& payload) {
  auto p = protocol::DecodePresence(payload);
  if (!p.ok()) return log_("mqchat: bad presence payload: " + p.status().ToString());
  batch_->events.emplace_back(FromWire(*p));
}

void Ingest::StoreMessage(const protocol::WireMessage& m, int64_t cursor_floor) {
  // Any kind is stored as a row of the log: the cursor walks every seq. An event is applied
  // to its message when the cursor passes it (AdvanceCursors), once.
  auto stored = cache_.PutEntry(LogEntry{FromWire(m), m.kind, m.target_seq});
  if (!stored.ok()) log_("mqchat: " + stored.status().ToString());
  RaiseCursorFloor(m.conversation_id, cursor_floor);
}

void Ingest::RaiseCursorFloor(int64_t conversation_id, int64_t floor) {
  int64_t& f = batch_->touched[conversation_id];
  f = std::max(f, floor);
}

void Ingest::AfterCommit(std::function<void()> fn) { batch_->after.push_back(std::move(fn)); }

void Ingest::RunBatch(const std::function<void()>& fn) {
  if (batch_) {
    fn();  // nested: part of the outer batch
    return;
  }
  batch_ = std::make_unique<Batch>();
  std::vector<Event> deliver;  // messages and message updates, in seq order
  bool gap = false;
  {
    LocalCache::Transaction txn(cache_);
    fn();
    gap = AdvanceCursors(&deliver);
    Status committed = txn.Commit();
    if (!committed.ok()) {
      // Nothing was recorded, cursors included: sync brings the messages again.
      log_("mqchat: " + committed.ToString());
      deliver.clear();
    }
  }
  std::unique_ptr<Batch> batch = std::move(batch_);
  for (auto& e : batch->events) dispatcher_.Emit(std::move(e));
  for (auto& m : deliver) dispatcher_.Emit(std::move(m));
  for (auto& after : batch->after) after();
  if (gap) hooks_.on_gap();
  if (batch->refresh_conversations) hooks_.on_unknown_conversation();
}

bool Ingest::AdvanceCursors(std::vector<Event>* deliver) {
  bool gap = false;
  for (const auto& [conversation, floor] : batch_->touched) {
    auto move = cache_.AdvanceCursor(conversation, floor);
    if (!move.ok()) {
      log_("mqchat: " + move.status().ToString());
      continue;
    }
    if (move->new_seq > move->old_seq) {
      auto entries = cache_.Entries(conversation, move->old_seq, move->new_seq,
                                    static_cast<int>(move->new_seq - move->old_seq));
      if (entries.ok()) Pass(*entries, deliver);
      (void)cache_.RaiseLastSeq(conversation, move->new_seq);
    }
    auto max_seq = cache_.MaxStoredSeq(conversation);
    if (max_seq.ok() && *max_seq > move->new_seq) gap = true;
    auto known = cache_.GetConversation(conversation);
    if (known.ok() && !*known && channels_.count(conversation) == 0) {
      batch_->refresh_conversations = true;
    }
  }
  return gap;
}

void Ingest::Pass(const std::vector<LogEntry>& entries, std::vector<Event>* deliver) {
  for (const LogEntry& e : entries) {
    if (e.kind.empty() || e.kind == values::kEventCall) {  // a message, or a call's entry
      deliver->emplace_back(e.message);
      continue;
    }
    // An event: applied to its message now, once; kinds this SDK does not know are skipped.
    auto update = cache_.ApplyEvent(e);
    if (!update.ok()) {
      log_("mqchat: " + update.status().ToString());
    } else if (*update) {
      deliver->emplace_back(std::move(**update));
    }
  }
}

void Ingest::ApplyConversationList(const std::vector<ConversationSummary>& list) {
  RunBatch([&] {
    for (const auto& s : list) {
      // Summaries carry the last message; storing it would open a gap that sync then fills,
      // so keep only the conversation row here.
      ConversationSummary row = s;
      row.last_message.reset();
      Status st = cache_.PutSummary(row);
      if (!st.ok()) log_("mqchat: " + st.ToString());
    }
  });
}

}  // namespace mqchat::sdk
