// ClientImpl: what arrives from the server. Inbox events, responses and presence are applied to
// the cache in batches (one transaction each); messages reach the app only as a conversation's
// cursor passes them, so each is delivered once, in seq order, even when live delivery, sync
// and acks race. Gaps (messages missed while offline) are filled by sync.
#include <algorithm>

#include "client_impl.h"
#include "convert.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/presence.h"
#include "protocol/topics.h"

namespace mqchat::sdk {

namespace values = protocol::values;

void ClientImpl::OnLinkMessage(std::string topic, std::string payload) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(inbound_mu_);
    inbound_.emplace_back(std::move(topic), std::move(payload));
    schedule = !drain_scheduled_;
    drain_scheduled_ = true;
  }
  if (schedule) loop_.Post([this] { DrainInbound(); });
}

void ClientImpl::DrainInbound() {
  std::vector<std::pair<std::string, std::string>> items;
  {
    std::lock_guard<std::mutex> lock(inbound_mu_);
    items.swap(inbound_);
    drain_scheduled_ = false;
  }
  RunBatch([&] {
    for (const auto& [topic, payload] : items) {
      if (topic == reply_topic_) {
        OnResponse(payload);
      } else if (topic == inbox_topic_) {
        HandleInbox(payload);
      } else if (protocol::PresenceTopicUser(topic)) {
        HandlePresence(payload);
      }
    }
  });
}

void ClientImpl::HandleInbox(const std::string& payload) {
  auto event = protocol::DecodeInboxEvent(payload);
  if (!event.ok()) {
    Log("mqchat: ignoring a malformed inbox event: " + event.status().ToString());
    return;
  }
  if (event->type == values::kEventTypeMessage) {
    auto m = protocol::DecodeMessage(event->body);
    if (m.ok()) StoreMessage(*m, 0);
    else Log("mqchat: bad message event: " + m.status().ToString());
  } else if (event->type == values::kEventTypeRead) {
    auto r = protocol::DecodeReadEvent(event->body);
    if (!r.ok()) return Log("mqchat: bad read event: " + r.status().ToString());
    if (r->user == options_.username) (void)cache_->RaiseReadSeq(r->conversation_id, r->read_seq);
    batch_->events.emplace_back(FromWire(*r));
  } else if (event->type == values::kEventTypeConversation) {
    auto c = protocol::DecodeConversationEvent(event->body);
    if (!c.ok()) return Log("mqchat: bad conversation event: " + c.status().ToString());
    ConversationEvent e = FromWire(*c, options_.username);
    Status s = e.removed_me ? cache_->DropConversation(e.conversation.id)
                            : cache_->PutConversation(e.conversation);
    if (!s.ok()) Log("mqchat: " + s.ToString());
    if (e.removed_me) batch_->touched.erase(e.conversation.id);
    batch_->events.emplace_back(std::move(e));
  } else if (event->type == values::kEventTypeTyping) {
    auto t = protocol::DecodeTypingEvent(event->body);
    if (t.ok()) batch_->events.emplace_back(FromWire(*t));
  }
  // Unknown types come from newer servers; ignoring them is the compatible choice.
}

void ClientImpl::HandlePresence(const std::string& payload) {
  auto p = protocol::DecodePresence(payload);
  if (!p.ok()) return Log("mqchat: bad presence payload: " + p.status().ToString());
  batch_->events.emplace_back(FromWire(*p));
}

void ClientImpl::StoreMessage(const protocol::WireMessage& m, int64_t cursor_floor) {
  auto stored = cache_->PutMessage(FromWire(m));
  if (!stored.ok()) Log("mqchat: " + stored.status().ToString());
  int64_t& floor = batch_->touched[m.conversation_id];
  floor = std::max(floor, cursor_floor);
}

void ClientImpl::RunBatch(const std::function<void()>& fn) {
  if (batch_) {
    fn();  // nested: part of the outer batch
    return;
  }
  batch_ = std::make_unique<Batch>();
  std::vector<Message> deliver;
  bool gap = false;
  {
    LocalCache::Transaction txn(*cache_);
    fn();
    for (const auto& [conversation, floor] : batch_->touched) {
      auto move = cache_->AdvanceCursor(conversation, floor);
      if (!move.ok()) {
        Log("mqchat: " + move.status().ToString());
        continue;
      }
      if (move->new_seq > move->old_seq) {
        auto msgs = cache_->Messages(conversation, move->old_seq, move->new_seq,
                                     static_cast<int>(move->new_seq - move->old_seq));
        if (msgs.ok()) deliver.insert(deliver.end(), msgs->begin(), msgs->end());
        (void)cache_->RaiseLastSeq(conversation, move->new_seq);
      }
      auto max_seq = cache_->MaxStoredSeq(conversation);
      if (max_seq.ok() && *max_seq > move->new_seq) gap = true;
      auto known = cache_->GetConversation(conversation);
      if (known.ok() && !*known) batch_->refresh_conversations = true;
    }
    Status committed = txn.Commit();
    if (!committed.ok()) {
      // Nothing was recorded, cursors included: sync brings the messages again.
      Log("mqchat: " + committed.ToString());
      deliver.clear();
    }
  }
  std::unique_ptr<Batch> batch = std::move(batch_);
  for (auto& e : batch->events) dispatcher_.Emit(std::move(e));
  for (auto& m : deliver) dispatcher_.Emit(std::move(m));
  for (auto& after : batch->after) after();
  if (gap) StartSync();
  if (batch->refresh_conversations) RefreshConversations();
}

// --- Sync --------------------------------------------------------------------------------

void ClientImpl::StartSync() {
  if (!IsUp()) return;
  if (sync_in_flight_) {
    resync_ = true;  // cursors moved (or a gap showed) after that request was built
    return;
  }
  loop_.Cancel(sync_timer_);
  sync_timer_ = 0;
  protocol::SyncRequest body;
  body.limit = protocol::kMaxPageLimit;
  auto cursors = cache_->Cursors();
  if (cursors.ok()) {
    body.cursors = std::move(*cursors);
    if (body.cursors.size() > protocol::kMaxSyncCursors) body.cursors.resize(protocol::kMaxSyncCursors);
  } else {
    Log("mqchat: " + cursors.status().ToString() + "; syncing from the start");
  }
  protocol::Request request;
  request.op = protocol::Op::kSync;
  request.body = std::move(body);
  const uint64_t gen = generation_;
  auto started = StartRequest(std::move(request), [this, gen](Result<protocol::Response> r) {
    OnSyncResponse(gen, std::move(r));
  });
  if (!started.ok()) {
    Log("mqchat: sync: " + started.status().ToString());  // the loss handler takes over
    return;
  }
  sync_in_flight_ = true;
  resync_ = false;
}

void ClientImpl::OnSyncResponse(uint64_t generation, Result<protocol::Response> response) {
  if (generation != generation_) return;
  sync_in_flight_ = false;
  auto finish = [this] {
    if (!IsUp()) return;
    if (state_ == ConnectionState::kSyncing) {
      SetState(ConnectionState::kOnline);
      RefreshConversations();  // once per connection: names, unread counts, new conversations
    }
    PumpOutbox();
  };
  if (!response.ok()) {
    if (response.status().IsRetryable() && IsUp()) {
      const auto delay = retry_backoff_.Next();
      Log("mqchat: sync: " + response.status().ToString() + "; retrying in " +
          std::to_string(delay.count()) + " ms");
      sync_timer_ = loop_.PostAfter(delay, [this] {
        sync_timer_ = 0;
        StartSync();
      });
      return;
    }
    Log("mqchat: sync failed: " + response.status().ToString());
    finish();
    return;
  }
  retry_backoff_.Reset();
  RunBatch([&] {
    protocol::WireSyncPage page = protocol::DecodeSyncPage(response->body);
    for (const Status& bad : page.bad_entries) Log("mqchat: bad sync entry: " + bad.ToString());
    for (const auto& sc : page.conversations) {
      for (const auto& m : sc.messages) StoreMessage(m, 0);
      // The server sent every message between the cursor and the last one it returned.
      const int64_t floor = sc.messages.empty() ? 0 : sc.messages.back().seq;
      int64_t& f = batch_->touched[sc.conversation_id];
      f = std::max(f, floor);
      (void)cache_->RaiseLastSeq(sc.conversation_id, sc.last_seq);
    }
    const bool more = page.more;
    // After the commit, so the next request carries the advanced cursors.
    batch_->after.push_back([this, more, finish] {
      if (more || resync_) {
        StartSync();
      } else {
        finish();
      }
    });
  });
}

void ClientImpl::RefreshConversations() {
  if (refresh_in_flight_) return;
  protocol::Request request;
  request.op = protocol::Op::kConversations;
  request.body = protocol::ConversationsRequest{};
  auto started = StartRequest(std::move(request), [this](Result<protocol::Response> r) {
    refresh_in_flight_ = false;
    if (!r.ok()) return Log("mqchat: listing conversations: " + r.status().ToString());
    std::vector<ConversationSummary> list;
    const nlohmann::json* items = protocol::FindField(r->body, protocol::fields::kConversations);
    if (items == nullptr || !items->is_array()) return;
    for (const auto& item : *items) {
      auto s = protocol::DecodeSummary(item);
      if (s.ok()) list.push_back(FromWire(*s));
    }
    ApplyConversationList(list);
  });
  if (!started.ok()) {
    Log("mqchat: listing conversations: " + started.status().ToString());
    return;
  }
  refresh_in_flight_ = true;
}

void ClientImpl::ApplyConversationList(const std::vector<ConversationSummary>& list) {
  RunBatch([&] {
    for (const auto& s : list) {
      // Summaries carry the last message; storing it would open a gap that sync then fills,
      // so keep only the conversation row here.
      ConversationSummary row = s;
      row.last_message.reset();
      Status st = cache_->PutSummary(row);
      if (!st.ok()) Log("mqchat: " + st.ToString());
    }
  });
}

}  // namespace mqchat::sdk
