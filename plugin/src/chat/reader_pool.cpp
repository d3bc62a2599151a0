#include "chat/reader_pool.h"

#include <cassert>
#include <cstdint>
#include <utility>

namespace mqchat::chat {

ReaderPool::ReaderPool(std::vector<store::ChatStorePtr> stores, size_t max_queue) {
  assert(!stores.empty());  // config allows 1..64 readers
  workers_.reserve(stores.size());
  for (auto& store : stores) {
    // Readers get no sends: batch size 1 and a batch runner that is never called.
    workers_.push_back(std::make_unique<StoreWorker>(std::move(store), max_queue, /*max_batch=*/1,
                                                     [](store::ChatStore&, std::vector<SendJob>) {}));
  }
}

ReaderPool::~ReaderPool() { Stop(); }

size_t ReaderPool::IndexFor(std::string_view user, size_t readers) {
  // FNV-1a (64-bit): not std::hash, whose values may differ between library versions; a fixed
  // function keeps the user -> worker mapping reproducible (tests pick users by worker).
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : user) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h % readers);
}

void ReaderPool::Stop() {
  // Sequentially: each Stop drains its own queue; nothing is submitted meanwhile (the broker
  // thread submits, and it is the one stopping).
  for (auto& worker : workers_) worker->Stop();
}

}  // namespace mqchat::chat
