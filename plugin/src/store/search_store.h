// SearchStore: the search index of migration 014 (issue 17), behind one interface for SQLite
// and PostgreSQL. Two users, each with its own instance (one connection, confined to the thread
// that uses it; never the broker thread):
//   - the indexer (search/indexer.h) reads each conversation's log after its progress and
//     writes the postings of the messages it touched (new, edited, deleted);
//   - the search worker (search/search_worker.h) reads candidates for a query: messages of
//     conversations the user is a member of now (the rule history applies: a removed member
//     reads nothing of the conversation) and of the text channels the caller found the user
//     may view now (CandidateQuery::channels; a channel has no members rows), not deleted,
//     holding the query's terms, newest first.
// Terms are search::TermKey values; the store never sees text it has to understand.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

// A message whose index entry must be rewritten, as it is now.
struct IndexSource {
  int64_t seq = 0;
  int64_t message_id = 0;
  std::string text;         // "" when deleted
  bool searchable = false;  // a message (EventKind::kMessage) not deleted
};

// The part of a conversation's log after its indexed_seq that ReadIndexChanges read.
struct IndexChanges {
  std::vector<IndexSource> messages;  // each message touched by the events read, once
  int64_t last_seq = 0;               // the highest seq read (0: none)
};

// The postings of one message: its term keys (distinct); empty removes its entry.
struct IndexEntry {
  int64_t seq = 0;
  int64_t message_id = 0;
  std::vector<int64_t> terms;
};

struct CandidateQuery {
  std::string user;                  // only conversations this user is a member of
  // And these text channels (ascending, distinct): the ones the user may view now, as the
  // caller resolved it (the store does not check them). With conversation_id > 0 the search
  // reads that channel if it is one of these, else that conversation if the user is a member.
  std::vector<ConversationId> channels;
  ConversationId conversation_id = 0;  // > 0: only this one
  int64_t driver = 0;                // the term whose postings are walked
  std::vector<int64_t> others;       // the other terms, all required (distinct, not driver)
  std::string sender;                // "": any
  int64_t from_ms = 0;               // created_at_ms >= from_ms
  int64_t to_ms = std::numeric_limits<int64_t>::max();  // created_at_ms < to_ms
  int64_t before_message_id = std::numeric_limits<int64_t>::max();  // the paging cursor
  int limit = 50;
};

struct SearchCandidate {
  StoredMessage message;  // a message (kind kMessage), not deleted, in its current state
  ConversationKind kind = ConversationKind::kGroup;
  std::string conversation_name;  // a text channel's: the channel's name
  bool channel = false;           // the conversation is a text channel (migration 021)
  int64_t server_id = 0;          // a text channel's server (0 otherwise)
  std::string server_name;        // and its name
};

class SearchStore {
 public:
  virtual ~SearchStore() = default;

  // --- the indexer ---

  // Up to `limit` conversations whose last_seq is above their indexed_seq.
  virtual Result<std::vector<ConversationId>> ConversationsBehind(int limit) = 0;
  // Up to `limit` events of conversation `id` after its indexed_seq, as the messages they
  // touch: a message itself, an edit's or a deletion's target (reactions touch none).
  virtual Result<IndexChanges> ReadIndexChanges(ConversationId id, int limit) = 0;
  // In one transaction: replaces each entry's postings (the ones written before for that seq
  // removed first) and raises the conversation's indexed_seq to at least `indexed_seq`.
  virtual Status WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                            int64_t indexed_seq) = 0;

  // --- queries ---

  // Whether `user` is a member of conversation `id` now.
  virtual Result<bool> IsMember(ConversationId id, const std::string& user) = 0;
  // The postings of `term` (in conversation `id`, if > 0), counted up to `cap`.
  virtual Result<int64_t> CountPostings(int64_t term, ConversationId id, int64_t cap) = 0;
  // Up to q.limit candidates, newest (largest message id) first.
  virtual Result<std::vector<SearchCandidate>> Candidates(const CandidateQuery& q) = 0;
};

using SearchStorePtr = std::unique_ptr<SearchStore>;

}  // namespace mqchat::store
