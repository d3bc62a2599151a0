// Outbox: the app's sends until the server acknowledges them: messages (replies too) and the
// message events edit, delete and react (docs/PROTOCOL.md, "Event kinds"), which are idempotent
// by client_msg_id exactly like a send and go in the same order. Every entry is written to the
// cache's outbox before anything goes on the wire, then sent in outbox order, at most `window`
// at a time (slow start: doubled per ack, back to 1 on a retryable refusal; never above the
// server's Receive Maximum less a headroom for other requests), and resent with the same
// client_msg_id after reconnects, timeouts and retryable refusals until the server acks it
// (after RATE_LIMITED, once the error's retry_after_ms has passed; otherwise after a backoff).
// A message waiting to be retried is overtaken by none. The server deduplicates by
// client_msg_id, so each message is stored once. An ack (also a late one, answering a request
// of an earlier connection) removes the entry, stores the sender's own copy through the host
// and completes the Send callbacks. Send() and PendingSends(): any thread. The rest: engine
// thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "backoff.h"
#include "engine_log.h"
#include "event_loop.h"
#include "ids.h"
#include "local_cache.h"
#include "mqchat/client_options.h"
#include "mqchat/types.h"
#include "request_tracker.h"
#include "threads/mutex.h"

namespace mqchat::sdk {

// What the outbox needs from the rest of the engine: ClientImpl in the engine, a fake in
// tests. Engine thread only.
class OutboxHost {
 public:
  virtual ~OutboxHost() = default;
  // True while sends may go out: connected and caught up (kOnline).
  virtual bool SendsAllowed() const = 0;
  // Runs `fn` in one cache transaction with what it stores (Ingest::RunBatch).
  virtual void RunBatch(const std::function<void()>& fn) = 0;
  // Within RunBatch: stores the sender's own copy of an acknowledged message or event.
  virtual void StoreOwnCopy(const protocol::WireMessage& m) = 0;
};

class Outbox {
 public:
  using AckCallback = std::function<void(Result<Ack>)>;
  static constexpr int kMaxSendWindow = 1000;
  // In-flight publishes kept free for requests other than sends (sync, history, ...).
  static constexpr int kRequestHeadroom = 4;

  // `retry_backoff` is shared with sync: a struggling server slows both down.
  Outbox(const ClientOptions& options, EventLoop& loop, LocalCache& cache, RequestTracker& tracker,
         OutboxHost& host, Backoff& retry_backoff, EngineLog log);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Any thread. Persists the message in the outbox and queues it; `done` runs on the engine
  // thread with the ack or a refusal (or at once on this thread if it was not persisted).
  void Send(int64_t conversation_id, std::string text, AckCallback done) {
    Submit(conversation_id, "", 0, std::move(text), std::move(done));
  }
  // The same for any entry: `kind` "" a message (a reply to `target_seq` if > 0), else
  // protocol::values::kEventEdit (text: the new text), kEventDelete (text ""), kEventReact or
  // kEventUnreact (text: the emoji) on message `target_seq`. What no server accepts (bad text,
  // not one emoji, no target) is refused at once with kInvalidArgument. A message may carry
  // `attachments` (ids; then its text may be empty).
  void Submit(int64_t conversation_id, std::string_view kind, int64_t target_seq, std::string text,
              AckCallback done, std::vector<std::string> attachments = {});
  Result<size_t> PendingSends() const { return cache_.OutboxSize(); }

  // Loads what earlier clients on this cache left unsent.
  void Load();
  // The server's Receive Maximum of the current connection.
  void SetReceiveMaximum(int receive_maximum);
  // Sends what the window allows, in order (if the host allows sends).
  void Pump();
  // A response that matched no request in flight: a send ack still settles its entry.
  void OnUnmatchedResponse(const protocol::Response& response);
  // The connection went away: the sends in flight are resent in order on the next one.
  void Reset();
  // At shutdown: every Send callback still waiting gets `status`; the entries stay persisted.
  void FailWaiters(const Status& status);

 private:
  struct Item {
    OutboxEntry entry;
    std::string req_id;  // non-empty while a send of it is in flight on this connection
    EventLoop::Clock::time_point retry_at{};
  };
  // Starts a send of `item`; false if the request could not be published.
  bool StartSend(Item& item);
  void OnSendResult(const std::string& client_msg_id, const std::string& req_id,
                    Result<protocol::Response> response);
  void ApplyAck(const protocol::WireAck& ack);
  void Complete(const std::string& client_msg_id, const Result<Ack>& result);
  int MaxWindow() const;

  const ClientOptions& options_;
  EventLoop& loop_;
  LocalCache& cache_;
  RequestTracker& tracker_;
  OutboxHost& host_;
  Backoff& retry_backoff_;
  EngineLog log_;
  IdGenerator ids_;
  Mutex send_mu_;  // orders outbox insertion with posting to the engine (guards no field)

  // Engine thread only.
  std::deque<Item> items_;
  std::map<std::string, std::vector<AckCallback>> waiters_;  // by client_msg_id
  int window_ = 1;
  int window_cap_ = 1;  // below the server's Receive Maximum, leaving room for other requests
  EventLoop::TimerId pump_timer_ = 0;
};

}  // namespace mqchat::sdk
