// ReaderPool: the store's reader workers, N StoreWorkers each with its own store connection,
// so reads of different users run at the same time (one connection answers one query at a
// time: with PostgreSQL every read waits for the previous one's round trips).
//
// Every read job is for one user (the requesting user; for LoadContacts, the user whose
// contacts load) and goes to For(user): the same user always gets the same worker, chosen by a
// stable hash of the name. One worker runs its jobs one at a time in queue order, and its answers
// reach the broker thread through the FIFO BrokerTaskQueue in that order, so the pool keeps
// what a single reader guaranteed, per user:
//   1. a device's (and a user's) read requests are answered in the order they were sent;
//   2. LoadContacts(user), queued when each of the user's devices connects (Plugin::OnBasicAuth),
//      runs before any read of that user's devices, and its result reaches the broker thread
//      before the answer to their first read: contacts are loaded before the first answer.
// Different users' reads have no order between them (none was ever promised), nor have a
// user's reads with their writes, which the writer worker runs.
// Broker thread (For, Stop); the workers' own threads run the jobs.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "chat/store_worker.h"
#include "store/chat_store.h"

namespace mqchat::chat {

class ReaderPool {
 public:
  // One worker per store in `stores` (at least one, none null); each queues at most
  // `max_queue` jobs (beyond: kResourceExhausted, as StoreWorker::SubmitTask).
  ReaderPool(std::vector<store::ChatStorePtr> stores, size_t max_queue);
  ~ReaderPool();  // Stop()
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // The worker that runs every read job for `user`: always the same one for the same name.
  StoreWorker& For(std::string_view user) { return *workers_[IndexFor(user)]; }
  // Its index in [0, size()).
  size_t IndexFor(std::string_view user) const { return IndexFor(user, workers_.size()); }
  // The index of `user`'s worker in a pool of `readers` (> 0) workers: a stable hash of the
  // name (FNV-1a, the same on every run and platform) modulo `readers`.
  static size_t IndexFor(std::string_view user, size_t readers);
  size_t size() const { return workers_.size(); }
  StoreWorker& worker(size_t index) { return *workers_[index]; }

  // Stops every worker: each runs the jobs already queued, then joins. Jobs submitted
  // afterwards are refused with kUnavailable.
  void Stop();

 private:
  std::vector<std::unique_ptr<StoreWorker>> workers_;
};

}  // namespace mqchat::chat
