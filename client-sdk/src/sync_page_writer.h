// SyncPageWriter: stores a sync response's page in the cache in steps. A first sync's page can
// hold thousands of messages (up to protocol::kMaxPageLimit for each of the user's
// conversations); stored in one engine task it held every reply and live message that arrived
// meanwhile behind it (docs/BENCHMARKS.md, "The outlier, explained"). Each step decodes and
// stores whole conversations of the page, about kStepMessages messages, as one Ingest batch
// (one cache transaction), and the next step is posted to the engine loop behind what is
// already queued there, so responses are handled between steps. Messages still reach the app in
// seq order, once: a conversation's cursor decides, whichever step or live message stored them.
// Engine thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine_log.h"
#include "event_loop.h"
#include "ingest.h"
#include "local_cache.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

class SyncPageWriter {
 public:
  // The messages one step stores at most, unless one conversation alone holds more.
  static constexpr size_t kStepMessages = 500;

  SyncPageWriter(EventLoop& loop, Ingest& ingest, LocalCache& cache, EngineLog log);
  SyncPageWriter(const SyncPageWriter&) = delete;
  SyncPageWriter& operator=(const SyncPageWriter&) = delete;

  // Stores the page of a sync response `body` in steps, the first one posted (not run here).
  // Before each step `wanted()` is asked: false drops the rest of the page (what the steps
  // before stored is kept, cursors included; the next sync asks for the rest). After the last
  // step's commit `done(more)` runs, `more` true if the server has more after this page.
  void Store(nlohmann::json body, std::function<bool()> wanted,
             std::function<void(bool more)> done);
  // Within Ingest::RunBatch: the whole page at once (a push fetch's few messages). True if the
  // server has more.
  bool StoreAll(const nlohmann::json& body);

 private:
  struct Page;
  void Step(const std::shared_ptr<Page>& page);
  // Within Ingest::RunBatch: decodes one entry of a page and stores it; the number of its
  // messages. `*more` becomes true if the server has more of its conversation.
  size_t StoreEntry(const nlohmann::json& entry, bool* more);

  EventLoop& loop_;
  Ingest& ingest_;
  LocalCache& cache_;
  EngineLog log_;
};

}  // namespace mqchat::sdk
