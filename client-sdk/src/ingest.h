// Ingest: what arrives from the server, applied to the cache and handed to the app. Payloads
// queued by Paho's threads are drained on the engine thread in batches; each batch is one
// cache transaction, after which the batch's events are emitted and the messages that became
// deliverable are, in seq order: a message reaches the app only as its conversation's cursor
// passes it, so each is delivered once even when live delivery, sync and acks race. An edit,
// deletion or reaction (docs/PROTOCOL.md, "Event kinds") is stored as a row of the log too and
// applied to its message as the cursor passes it, once; the app gets a MessageUpdate, never a
// new message; kinds this SDK does not know are skipped. Replies go
// to the request tracker (IngestHooks::on_response); a gap or an unknown conversation asks for
// sync (on_gap, on_unknown_conversation). Enqueue(): any thread. The rest: engine thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine_log.h"
#include "event_dispatcher.h"
#include "event_loop.h"
#include "local_cache.h"
#include "mqchat/client_options.h"
#include "mqchat/events.h"
#include "profile_cache.h"
#include "protocol/wire.h"
#include "threads/mutex.h"

namespace mqchat::sdk {

struct IngestHooks {
  std::function<void(const std::string& payload)> on_response;  // a payload on the reply topic
  std::function<void()> on_gap;                   // stored messages lie beyond a cursor
  std::function<void()> on_unknown_conversation;  // a message of a conversation not cached
  // A call event (protocol/call.h): not stored, not synced, passed on as it is.
  std::function<void(const nlohmann::json& event)> on_call;
};

class Ingest {
 public:
  Ingest(const ClientOptions& options, EventLoop& loop, LocalCache& cache,
         EventDispatcher& dispatcher, EngineLog log, IngestHooks hooks);
  Ingest(const Ingest&) = delete;
  Ingest& operator=(const Ingest&) = delete;

  // Any thread (Paho's): queues a message for the engine thread, which drains the queue in one
  // batch.
  void Enqueue(std::string topic, std::string payload);

  // Runs `fn` inside one cache transaction; then advances the cursors of the conversations it
  // touched, emits the batch's events and the newly deliverable messages, in order, and runs
  // the AfterCommit tasks. Nested calls join the outer batch.
  void RunBatch(const std::function<void()>& fn);
  // Within RunBatch: stores `m` (a message or an event); its conversation's cursor is raised to
  // at least `cursor_floor`.
  void StoreMessage(const protocol::WireMessage& m, int64_t cursor_floor);
  // Within RunBatch: the conversation's cursor is raised to at least `floor` (a sync page
  // returned every message up to it).
  void RaiseCursorFloor(int64_t conversation_id, int64_t floor);
  // Within RunBatch: runs `fn` after the commit and the batch's events.
  void AfterCommit(std::function<void()> fn);
  // Stores the rows of a conversation list (not their last messages), in one batch.
  void ApplyConversationList(const std::vector<ConversationSummary>& list);
  // The profiles "profile" events brought (any thread).
  ProfileCache& profiles() { return profiles_; }

 private:
  // Writes of one inbound batch: committed together, then their events are emitted.
  struct Batch {
    std::map<int64_t, int64_t> touched;        // conversation -> cursor floor (0: just re-check)
    std::vector<Event> events;                 // non-message events, in arrival order
    bool refresh_conversations = false;        // saw a conversation the cache does not know
    std::vector<std::function<void()>> after;  // run after the commit and the events
  };
  void Drain();
  void HandleInbox(const std::string& payload);
  void HandlePresence(const std::string& payload);
  // The cursor moves of the current batch (inside its transaction): appends what became
  // deliverable to `deliver`; true if stored messages lie beyond a cursor (a gap).
  bool AdvanceCursors(std::vector<Event>* deliver);
  // The entries the cursor passed, in seq order: messages to deliver, events applied to their
  // messages (their updates to deliver).
  void Pass(const std::vector<LogEntry>& entries, std::vector<Event>* deliver);

  const std::string user_;
  const std::string inbox_topic_;
  // Channels whose live topic brought messages: conversations the conversation list never
  // holds, so they do not ask for its refresh (engine thread).
  std::set<int64_t> channels_;
  const std::string reply_topic_;
  EventLoop& loop_;
  LocalCache& cache_;
  EventDispatcher& dispatcher_;
  EngineLog log_;
  IngestHooks hooks_;
  ProfileCache profiles_;

  Mutex inbound_mu_;
  std::vector<std::pair<std::string, std::string>> inbound_ GUARDED_BY(inbound_mu_);
  bool drain_scheduled_ GUARDED_BY(inbound_mu_) = false;

  std::unique_ptr<Batch> batch_;  // engine thread; while RunBatch runs
};

}  // namespace mqchat::sdk
