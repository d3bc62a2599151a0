// SearchWorker: the thread that runs search requests, with its own store connection
// (store::SearchStore) and a bounded queue, apart from the readers that answer history and
// sync: a search over many conversations costs more than a page of history, and must not
// hold up the reads of the users who share its reader. Submit from the broker thread.
#pragma once

#include <deque>
#include <functional>
#include <thread>

#include "mqchat/status.h"
#include "store/search_store.h"
#include "threads/mutex.h"

namespace mqchat::search {

class SearchWorker {
 public:
  using Job = std::function<void(store::SearchStore& store)>;

  // `store` is used only on the worker's thread. At most `max_queue` jobs wait at a time.
  SearchWorker(store::SearchStorePtr store, size_t max_queue);
  ~SearchWorker();  // Stop()
  SearchWorker(const SearchWorker&) = delete;
  SearchWorker& operator=(const SearchWorker&) = delete;

  // Thread-safe. kResourceExhausted if the queue is full; kUnavailable after Stop().
  Status Submit(Job job);
  // Runs every queued job, then joins.
  void Stop();

 private:
  void Run();

  const store::SearchStorePtr store_;
  const size_t max_queue_;
  Mutex mu_;
  CondVar cv_;
  std::deque<Job> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat::search
