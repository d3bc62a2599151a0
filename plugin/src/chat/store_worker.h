// StoreWorker: a thread that owns one ChatStore connection and runs jobs from a bounded queue.
// Consecutive sends are committed together (group commit: one transaction, one sync per
// batch); any other job runs alone, in queue order. Submit from the broker thread; results go
// back through the callbacks, which run on the worker thread and must only post onward.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "chat/reply.h"
#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::chat {

// A message to append plus where its ack goes.
struct SendJob {
  store::AppendRequest request;
  ReplyTo reply;
};

using StoreTask = std::function<void(store::ChatStore& store)>;

class StoreWorker {
 public:
  using BatchDone = std::function<void(store::ChatStore& store, std::vector<SendJob> jobs,
                                       Result<std::vector<store::AppendResult>> results)>;
  // Runs on the worker thread just before AppendBatch and may complete the requests (push
  // recipients, for instance) with what only the worker thread may ask its store.
  using PrepareBatch = std::function<void(store::ChatStore& store, std::vector<SendJob>& jobs)>;

  // `store` is used only on the worker thread. `on_batch_done` runs on the worker thread after
  // every AppendBatch (results[i] answers jobs[i]); `prepare_batch` (if set) before it. At most
  // `max_queue` jobs wait at a time.
  StoreWorker(store::ChatStorePtr store, size_t max_queue, size_t max_batch,
              BatchDone on_batch_done, PrepareBatch prepare_batch = nullptr);
  ~StoreWorker();  // Stop()
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Thread-safe. kResourceExhausted if the queue is full; kUnavailable after Stop().
  Status SubmitSend(SendJob job);
  Status SubmitTask(StoreTask task);
  // Like SubmitTask, but never refused for a full queue: for the plugin's own work that it keeps
  // bounded itself (e.g. one coalesced task at a time). kUnavailable after Stop().
  Status SubmitInternal(StoreTask task);
  // Runs every queued job, then joins. Jobs submitted afterwards are refused.
  void Stop();

  size_t queued() const;
  uint64_t batches() const { return batches_; }  // worker thread's count; approximate elsewhere

 private:
  using Item = std::variant<SendJob, StoreTask>;
  Status Submit(Item item, bool bounded);
  void Run();

  store::ChatStorePtr store_;
  const size_t max_queue_;
  const size_t max_batch_;
  BatchDone on_batch_done_;
  PrepareBatch prepare_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  uint64_t batches_ = 0;
  std::thread thread_;
};

}  // namespace mqchat::chat
