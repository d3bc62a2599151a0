// Sync: catching up with the server. After every (re)connect, and whenever a gap shows, it
// sends sync requests carrying the cache's cursors until the server has nothing more, storing
// each page through Ingest in steps (SyncPageWriter: responses and live messages that arrive
// meanwhile are handled between them; the next request goes once the page is stored); once caught
// up the first time on a connection the state becomes kOnline, the conversation list is refreshed
// and `on_caught_up` runs (the outbox starts sending). Retryable failures are retried with the
// engine's retry backoff. Engine thread only.
#pragma once

#include <cstdint>
#include <functional>

#include "backoff.h"
#include "connection.h"
#include "engine_log.h"
#include "event_loop.h"
#include "ingest.h"
#include "local_cache.h"
#include "request_tracker.h"
#include "sync_page_writer.h"

namespace mqchat::sdk {

class Sync {
 public:
  // `retry_backoff` is shared with the outbox: a struggling server slows both down.
  Sync(EventLoop& loop, Connection& connection, RequestTracker& tracker, Ingest& ingest,
       LocalCache& cache, Backoff& retry_backoff, EngineLog log,
       std::function<void()> on_caught_up);
  ~Sync();
  Sync(const Sync&) = delete;
  Sync& operator=(const Sync&) = delete;

  // Sends a sync request with the current cursors, or, if one is in flight, one more after it.
  void Start();
  // Asks for the conversation list (names, unread counts, new conversations) unless asked.
  void RefreshConversations();
  // The connection went away: nothing is in flight any more, no retry is due.
  void Reset();
  // Within Ingest::RunBatch: stores a sync response's page at once (its messages and events,
  // the cursor floors it proves, the conversations' last seqs); true if the server has more.
  // For the push fetch (client_lifecycle.cpp), whose requests are sync requests too.
  bool StorePage(const protocol::Response& response);

 private:
  void OnResponse(uint64_t generation, Result<protocol::Response> response);
  void RetryLater(const Status& status);
  void Finish();

  EventLoop& loop_;
  Connection& connection_;
  RequestTracker& tracker_;
  Ingest& ingest_;
  LocalCache& cache_;
  Backoff& retry_backoff_;
  EngineLog log_;
  std::function<void()> on_caught_up_;
  SyncPageWriter writer_;

  // A request is in flight, or its page is being stored.
  bool sync_in_flight_ = false;
  bool resync_ = false;  // cursors moved (or a gap showed) after the request in flight was built
  bool refresh_in_flight_ = false;
  EventLoop::TimerId sync_timer_ = 0;
};

}  // namespace mqchat::sdk
