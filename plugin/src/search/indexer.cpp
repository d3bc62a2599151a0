#include "search/indexer.h"

#include <algorithm>
#include <chrono>

#include "search/tokenizer.h"
#include "util/thread_priority.h"

namespace mqchat::search {
namespace {

using SteadyClock = std::chrono::steady_clock;

// More pending conversations than this are left to the next sweep instead of a bigger set.
constexpr size_t kMaxPending = 100000;
constexpr int kSweepBatch = 1000;  // conversations one sweep query returns

}  // namespace

std::vector<store::IndexEntry> EntriesFor(const store::IndexChanges& changes) {
  std::vector<store::IndexEntry> out;
  out.reserve(changes.messages.size());
  for (const store::IndexSource& m : changes.messages) {
    store::IndexEntry entry;
    entry.seq = m.seq;
    entry.message_id = m.message_id;
    if (m.searchable) {
      for (const std::string& term : DocumentTerms(m.text)) entry.terms.push_back(TermKey(term));
      std::sort(entry.terms.begin(), entry.terms.end());
      entry.terms.erase(std::unique(entry.terms.begin(), entry.terms.end()), entry.terms.end());
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Status IndexConversation(store::SearchStore& store, store::ConversationId id, int chunk_events) {
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(store::IndexChanges changes, store.ReadIndexChanges(id, chunk_events));
    if (changes.last_seq == 0) return Status::Ok();  // nothing after indexed_seq
    MQCHAT_RETURN_IF_ERROR(store.WriteIndex(id, EntriesFor(changes), changes.last_seq));
  }
}

Indexer::Indexer(store::SearchStorePtr store, IndexerOptions options, Log log)
    : store_(std::move(store)), options_(options), log_(std::move(log)) {
  thread_ = std::thread([this] { Run(); });
}

Indexer::~Indexer() { Stop(); }

void Indexer::Notify(const std::vector<int64_t>& conversation_ids) {
  bool first = false;
  {
    MutexLock lock(mu_);
    first = pending_.empty();
    for (int64_t id : conversation_ids) {
      if (pending_.size() >= kMaxPending) break;  // the next sweep finds the rest
      pending_.insert(id);
    }
    if (pending_.empty()) return;
    if (first) pending_since_ = SteadyClock::now();
  }
  // Only the first notification of a burst wakes the indexer (it then gathers the rest):
  // the writer does not pay a wake-up per commit.
  if (first) cv_.NotifyAll();
}

void Indexer::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

bool Indexer::IndexPending(std::set<int64_t> ids) {
  for (auto it = ids.begin(); it != ids.end(); ++it) {
    Status s = IndexConversation(*store_, *it, options_.chunk_events);
    if (!s.ok()) {
      if (log_)
        log_("mqchat: search indexer: conversation " + std::to_string(*it) + ": " + s.ToString());
      Notify(std::vector<int64_t>(it, ids.end()));  // again after the retry wait
      return false;
    }
  }
  return true;
}

void Indexer::Run() {
  if (options_.thread_nice > 0) {
    Status s = SetThisThreadNice(options_.thread_nice);
    if (!s.ok() && log_) log_("mqchat: search indexer: " + s.ToString());
  }
  auto next_sweep = SteadyClock::now();  // at start: conversations written while we were away
  while (true) {
    std::set<int64_t> ids;
    bool sweep = false;
    {
      MutexLock lock(mu_);
      while (!stopping_ && pending_.empty() && SteadyClock::now() < next_sweep) {
        cv_.WaitUntil(mu_, next_sweep);
      }
      if (stopping_) return;
      // Gather: notifications of the next moment join this pass.
      if (!pending_.empty()) {
        const auto until = pending_since_ + std::chrono::milliseconds(options_.gather_ms);
        while (!stopping_ && SteadyClock::now() < until) cv_.WaitUntil(mu_, until);
        if (stopping_) return;
      }
      ids.swap(pending_);
      sweep = SteadyClock::now() >= next_sweep;
    }
    bool ok = IndexPending(std::move(ids));
    if (ok && sweep) {
      auto behind = store_->ConversationsBehind(kSweepBatch);
      if (behind.ok()) {
        std::set<int64_t> found(behind->begin(), behind->end());
        ok = IndexPending(std::move(found));
        // A full batch: more may be behind; sweep again at once.
        next_sweep =
            SteadyClock::now() + (ok && behind->size() == size_t{kSweepBatch}
                                      ? std::chrono::milliseconds(0)
                                      : std::chrono::milliseconds(options_.sweep_interval_ms));
      } else {
        if (log_) log_("mqchat: search indexer: sweep: " + behind.status().ToString());
        ok = false;
      }
    }
    if (!ok) {
      MutexLock lock(mu_);
      const auto until = SteadyClock::now() + std::chrono::milliseconds(options_.retry_ms);
      while (!stopping_ && SteadyClock::now() < until) cv_.WaitUntil(mu_, until);
    }
  }
}

}  // namespace mqchat::search
