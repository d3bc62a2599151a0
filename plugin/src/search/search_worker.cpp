#include "search/search_worker.h"

namespace mqchat::search {

SearchWorker::SearchWorker(store::SearchStorePtr store, size_t max_queue)
    : store_(std::move(store)), max_queue_(max_queue), thread_([this] { Run(); }) {}

SearchWorker::~SearchWorker() { Stop(); }

Status SearchWorker::Submit(Job job) {
  {
    MutexLock lock(mu_);
    if (stopping_) return Status::Unavailable("search is stopping");
    if (queue_.size() >= max_queue_) return Status::ResourceExhausted("search queue is full");
    queue_.push_back(std::move(job));
  }
  cv_.NotifyOne();
  return Status::Ok();
}

void SearchWorker::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void SearchWorker::Run() {
  while (true) {
    Job job;
    {
      MutexLock lock(mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(mu_);
      if (queue_.empty()) return;  // stopping, and everything queued has run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job(*store_);
  }
}

}  // namespace mqchat::search
