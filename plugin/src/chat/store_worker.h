// StoreWorker: a thread that owns one ChatStore connection and runs jobs from a bounded queue.
// Consecutive sends are committed together (group commit: one transaction, one sync per
// batch); any other job runs alone, in queue order. Submit from the broker thread; a batch goes
// to the batch runner (SendPipeline::Commit in the plugin), on the worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "chat/reply.h"
#include "mqchat/status.h"
#include "store/chat_store.h"
#include "threads/mutex.h"

namespace mqchat::chat {

// A message to append plus where its ack goes.
struct SendJob {
  store::AppendRequest request;
  ReplyTo reply;
  // request.only_if_stored: the RATE_LIMITED answer if the message is not stored, as the
  // broker thread refused it (SendPipeline::WithinLimits): its wait and its message.
  int64_t retry_after_ms = 0;
  std::string refusal;
  // When the request reached the broker (metrics: send-to-ack time).
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  // Into a text channel the sender's cached permissions allow sending in, or from a sender
  // whose channel access is not loaded yet: the writer asks the store before the append
  // (chat/channel_access.h).
  bool channel = false;
};

using StoreTask = std::function<void(store::ChatStore& store)>;

class StoreWorker {
 public:
  // Commits one batch of sends (1..max_batch, in queue order) on the worker thread.
  using BatchRunner = std::function<void(store::ChatStore& store, std::vector<SendJob> jobs)>;

  // `store` is used only on the worker thread, which runs `run_batch` with every batch of
  // consecutive sends. At most `max_queue` jobs wait at a time.
  StoreWorker(store::ChatStorePtr store, size_t max_queue, size_t max_batch, BatchRunner run_batch);
  ~StoreWorker();  // Stop()
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Thread-safe. kResourceExhausted if the queue is full; kUnavailable after Stop().
  Status SubmitSend(SendJob job);
  Status SubmitTask(StoreTask task);
  // Like SubmitTask, but never refused for a full queue: for the plugin's own work that it keeps
  // bounded itself (e.g. one coalesced task at a time). kUnavailable after Stop().
  Status SubmitInternal(StoreTask task);
  // The same for a send the plugin makes itself (a call's log entry, call/call_ops.h).
  Status SubmitInternal(SendJob job);
  // Runs every queued job, then joins. Jobs submitted afterwards are refused.
  void Stop();

  size_t queued() const;
  uint64_t batches() const { return batches_.load(); }  // batches run so far

 private:
  using Item = std::variant<SendJob, StoreTask>;
  Status Submit(Item item, bool bounded);
  void Run();

  store::ChatStorePtr store_;
  const size_t max_queue_;
  const size_t max_batch_;
  BatchRunner run_batch_;
  mutable Mutex mu_;
  CondVar cv_;
  std::deque<Item> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::atomic<uint64_t> batches_{0};
  std::thread thread_;
};

}  // namespace mqchat::chat
