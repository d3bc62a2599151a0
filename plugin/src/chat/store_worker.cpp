#include "chat/store_worker.h"

namespace mqchat::chat {

StoreWorker::StoreWorker(store::ChatStorePtr store, size_t max_queue, size_t max_batch,
                         BatchRunner run_batch)
    : store_(std::move(store)),
      max_queue_(max_queue),
      max_batch_(max_batch),
      run_batch_(std::move(run_batch)),
      thread_([this] { Run(); }) {}

StoreWorker::~StoreWorker() { Stop(); }

Status StoreWorker::SubmitSend(SendJob job) { return Submit(Item(std::move(job)), true); }

Status StoreWorker::SubmitTask(StoreTask task) { return Submit(Item(std::move(task)), true); }

Status StoreWorker::SubmitInternal(StoreTask task) { return Submit(Item(std::move(task)), false); }

Status StoreWorker::SubmitInternal(SendJob job) { return Submit(Item(std::move(job)), false); }

Status StoreWorker::Submit(Item item, bool bounded) {
  {
    MutexLock lock(mu_);
    if (stopping_) return Status::Unavailable("the store worker is stopping");
    if (bounded && queue_.size() >= max_queue_) {
      return Status::ResourceExhausted("the store queue is full");
    }
    queue_.push_back(std::move(item));
  }
  cv_.NotifyOne();
  return Status::Ok();
}

void StoreWorker::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

size_t StoreWorker::queued() const {
  MutexLock lock(mu_);
  return queue_.size();
}

void StoreWorker::Run() {
  while (true) {
    std::vector<SendJob> sends;
    StoreTask task;
    {
      MutexLock lock(mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(mu_);
      if (queue_.empty()) return;  // stopping with nothing left
      // Take the longest run of sends at the head (up to max_batch_), or one task.
      while (!queue_.empty() && sends.size() < max_batch_ &&
             std::holds_alternative<SendJob>(queue_.front())) {
        sends.push_back(std::move(std::get<SendJob>(queue_.front())));
        queue_.pop_front();
      }
      if (sends.empty()) {
        task = std::move(std::get<StoreTask>(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!sends.empty()) {
      run_batch_(*store_, std::move(sends));
      ++batches_;
    } else {
      task(*store_);
    }
  }
}

}  // namespace mqchat::chat
