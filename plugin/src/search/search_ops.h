// SearchOps: the `search` request (issue 17; docs/PROTOCOL.md "search"). On the broker thread
// it reads the query with the index's own rules (matcher.h: a query without any word, or with
// more than kMaxQueryTerms terms, is INVALID) and the cursor, then hands the search to its
// SearchWorker; there RunSearch (search_runner.h) reads the index and the answer goes back
// through the broker thread like every worker's (chat::WorkerReplies). Only conversations the
// caller is a member of now, and text channels they may view now (the broker's channel access
// cache, as history), are searched, as history reads only those: NOT_MEMBER for a named
// conversation they are not in, and nothing of a conversation they were removed from.
#pragma once

#include <memory>

#include "chat/op_table.h"
#include "search/search_runner.h"
#include "search/search_worker.h"
#include "store/search_store.h"

namespace mqchat::search {

class SearchOps {
 public:
  // `store` is the search worker's connection. At most `max_queue` searches wait.
  SearchOps(const chat::ChatTools& tools, store::SearchStorePtr store, size_t max_queue);

  // Broker thread: refused (INVALID, OVERLOADED), or queued for the search worker.
  chat::Plan Search(const chat::OpRequest& r);
  // Answers what is queued, then joins the worker.
  void Stop() { worker_.Stop(); }

 private:
  // Search worker: runs `spec` and answers `to`.
  void Answer(store::SearchStore& store, const chat::ReplyTo& to, const SearchSpec& spec);

  const chat::ChatTools tools_;
  SearchWorker worker_;
};

}  // namespace mqchat::search
