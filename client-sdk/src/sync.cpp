#include "sync.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "convert.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"

namespace mqchat::sdk {

Sync::Sync(EventLoop& loop, Connection& connection, RequestTracker& tracker, Ingest& ingest,
           LocalCache& cache, Backoff& retry_backoff, EngineLog log,
           std::function<void()> on_caught_up)
    : loop_(loop),
      connection_(connection),
      tracker_(tracker),
      ingest_(ingest),
      cache_(cache),
      retry_backoff_(retry_backoff),
      log_(std::move(log)),
      on_caught_up_(std::move(on_caught_up)),
      writer_(loop, ingest, cache, log_) {}

Sync::~Sync() { loop_.Cancel(sync_timer_); }

void Sync::Reset() {
  loop_.Cancel(sync_timer_);
  sync_timer_ = 0;
  sync_in_flight_ = false;
  resync_ = false;
}

void Sync::Start() {
  if (!connection_.IsUp()) return;
  if (sync_in_flight_) {
    resync_ = true;
    return;
  }
  loop_.Cancel(sync_timer_);
  sync_timer_ = 0;
  protocol::SyncRequest body;
  body.limit = protocol::kMaxPageLimit;
  auto cursors = cache_.Cursors();
  if (cursors.ok()) {
    body.cursors = std::move(*cursors);
    if (body.cursors.size() > protocol::kMaxSyncCursors)
      body.cursors.resize(protocol::kMaxSyncCursors);
  } else {
    log_("mqchat: " + cursors.status().ToString() + "; syncing from the start");
  }
  protocol::Request request;
  request.op = protocol::Op::kSync;
  request.body = std::move(body);
  const uint64_t gen = connection_.generation();
  auto started = tracker_.Start(std::move(request), [this, gen](Result<protocol::Response> r) {
    OnResponse(gen, std::move(r));
  });
  if (!started.ok()) {
    log_("mqchat: sync: " + started.status().ToString());  // the loss handler takes over
    return;
  }
  sync_in_flight_ = true;
  resync_ = false;
}

void Sync::OnResponse(uint64_t generation, Result<protocol::Response> response) {
  if (generation != connection_.generation()) return;
  if (!response.ok()) {
    sync_in_flight_ = false;
    if (response.status().IsRetryable() && connection_.IsUp()) return RetryLater(response.status());
    log_("mqchat: sync failed: " + response.status().ToString());
    Finish();
    return;
  }
  retry_backoff_.Reset();
  // Still in flight while the page is stored: a Start() meanwhile asks again after it. A page
  // of a link that is gone is dropped; the next connection's sync asks for the rest.
  writer_.Store(
      std::move(response->body),
      [this, generation] { return generation == connection_.generation(); },
      [this](bool more) {
        sync_in_flight_ = false;
        if (more || resync_) {
          Start();
        } else {
          Finish();
        }
      });
}

bool Sync::StorePage(const protocol::Response& response) { return writer_.StoreAll(response.body); }

void Sync::RetryLater(const Status& status) {
  const auto delay = retry_backoff_.Next();
  log_("mqchat: sync: " + status.ToString() + "; retrying in " + std::to_string(delay.count()) +
       " ms");
  sync_timer_ = loop_.PostAfter(delay, [this] {
    sync_timer_ = 0;
    Start();
  });
}

void Sync::Finish() {
  if (!connection_.IsUp()) return;
  if (connection_.state() == ConnectionState::kSyncing) {
    connection_.SetState(ConnectionState::kOnline);
    RefreshConversations();  // once per connection: names, unread counts, new conversations
  }
  if (on_caught_up_) on_caught_up_();
}

void Sync::RefreshConversations() {
  if (refresh_in_flight_) return;
  protocol::Request request;
  request.op = protocol::Op::kConversations;
  request.body = protocol::ConversationsRequest{};
  auto started = tracker_.Start(std::move(request), [this](Result<protocol::Response> r) {
    refresh_in_flight_ = false;
    if (!r.ok()) return log_("mqchat: listing conversations: " + r.status().ToString());
    std::vector<ConversationSummary> list;
    const nlohmann::json* items = protocol::FindField(r->body, protocol::fields::kConversations);
    if (items == nullptr || !items->is_array()) return;
    for (const auto& item : *items) {
      auto s = protocol::DecodeSummary(item);
      if (s.ok()) list.push_back(FromWire(*s));
    }
    ingest_.ApplyConversationList(list);
  });
  if (!started.ok()) {
    log_("mqchat: listing conversations: " + started.status().ToString());
    return;
  }
  refresh_in_flight_ = true;
}

}  // namespace mqchat::sdk
