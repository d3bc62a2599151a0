// Indexer: keeps the search index (store::SearchStore, migration 014) up with the messages, on
// its own thread and store connection, never on the send path: the writer only tells it which
// conversations a committed batch touched (Notify: a set insert under a lock), and the indexer
// reads their logs after their indexed_seq, tokenizes each touched message's current text
// (tokenizer.h) and writes its postings, a chunk per transaction. An edit rewrites its
// target's postings from the edited text; a deletion removes them. A sweep at start and every
// `sweep_interval_ms` finds conversations written by anyone else (another broker, mqchatctl,
// messages stored before migration 014) by comparing last_seq with indexed_seq. Several
// indexers (one per broker) may index the same conversation: every write is idempotent and
// indexed_seq only rises. Messages are searchable a moment after they are acknowledged:
// `gather_ms` after the first notification of a burst, so that a busy conversation's chunk
// carries the messages of that whole moment in one transaction instead of one or two each
// (the indexer's transactions share the cores, the disk and the database with the writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mqchat/status.h"
#include "store/search_store.h"
#include "threads/mutex.h"

namespace mqchat::search {

struct IndexerOptions {
  int64_t sweep_interval_ms = 30000;  // how often conversations written elsewhere are looked for
  int chunk_events = 500;             // events read and written per transaction
  int64_t retry_ms = 1000;            // wait after a store error
  int64_t gather_ms = 250;            // wait after a first notification before indexing
  // The indexer thread's nice value (util/thread_priority.h): on busy cores the broker thread and
  // the send writer run first and indexing waits (0 keeps the broker's priority).
  int thread_nice = 10;
};

// The postings of the messages in `changes` (each message's distinct term keys; none for a
// deleted one or another event kind).
std::vector<store::IndexEntry> EntriesFor(const store::IndexChanges& changes);

// Indexes conversation `id` up to its last seq (as far as its log was when each chunk was read).
Status IndexConversation(store::SearchStore& store, store::ConversationId id, int chunk_events);

class Indexer {
 public:
  using Log = std::function<void(const std::string& line)>;  // any thread; may be empty

  // Starts the thread, which owns `store` and begins with a sweep.
  Indexer(store::SearchStorePtr store, IndexerOptions options, Log log);
  ~Indexer();  // Stop()
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Any thread (the writer, after a commit): these conversations have new events.
  void Notify(const std::vector<int64_t>& conversation_ids);
  // Finishes the conversation being indexed and joins.
  void Stop();

 private:
  void Run();
  // Indexer thread: one pass over the pending conversations (or a sweep's). False on error.
  bool IndexPending(std::set<int64_t> ids);

  const store::SearchStorePtr store_;  // indexer thread
  const IndexerOptions options_;
  const Log log_;
  Mutex mu_;
  CondVar cv_;
  std::set<int64_t> pending_ GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point pending_since_ GUARDED_BY(mu_);  // pending_ non-empty
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat::search
