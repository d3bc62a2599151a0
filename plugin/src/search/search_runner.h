// RunSearch: one search request against the index (store::SearchStore), backend-neutral. The
// store narrows the candidates (postings of every query term, in conversations the user is a
// member of now and the text channels they may view now, not deleted, within the filters, newest first); each candidate's text is then
// checked and given its snippet by the matcher (matcher.h), batch after batch, until the page
// is full or a bound on the candidates examined is reached (then the page says has_more, with
// a cursor after the last one examined). The term walked is the one with the fewest postings
// (counted up to a cap). Search worker thread.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "search/matcher.h"
#include "store/search_store.h"

namespace mqchat::search {

// Candidates one request may examine before it returns what it has (with has_more).
inline constexpr int kMaxExamined = 2000;
// Postings counted per term when choosing the one to walk.
inline constexpr int64_t kCountCap = 10000;

struct SearchSpec {
  std::string user;
  // The text channels `user` may view now (ascending), searched beside their conversations;
  // the caller resolved them (issue 18: the broker's channel access cache, as for history).
  std::vector<int64_t> channels;
  Query query;
  store::ConversationId conversation_id = 0;  // > 0: only this one
  std::string sender;                         // "": any
  int64_t from_ms = 0;
  int64_t to_ms = std::numeric_limits<int64_t>::max();
  int64_t before_message_id = std::numeric_limits<int64_t>::max();  // the cursor
  int limit = 20;
};

struct SearchHit {
  store::SearchCandidate candidate;
  Match match;
};

struct SearchPage {
  std::vector<SearchHit> hits;  // newest first
  bool has_more = false;
  int64_t next_before = 0;  // with has_more: the next page's before_message_id
};

// kPermissionDenied when spec.conversation_id > 0 is neither one of spec.channels nor a
// conversation the user is a member of (or it does not exist); store errors as they come.
Result<SearchPage> RunSearch(store::SearchStore& store, const SearchSpec& spec);

}  // namespace mqchat::search
