#include "search/search_runner.h"

#include <algorithm>

#include "search/tokenizer.h"

namespace mqchat::search {
namespace {

// The candidate query of `spec` with the term to walk first (fewest postings) as the driver.
Result<store::CandidateQuery> PlanQuery(store::SearchStore& store, const SearchSpec& spec) {
  store::CandidateQuery q;
  q.user = spec.user;
  q.channels = spec.channels;
  q.conversation_id = spec.conversation_id;
  q.sender = spec.sender;
  q.from_ms = spec.from_ms;
  q.to_ms = spec.to_ms;
  q.before_message_id = spec.before_message_id;
  std::vector<int64_t> keys;
  for (const std::string& term : spec.query.terms) keys.push_back(TermKey(term));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  size_t best = 0;
  if (keys.size() > 1) {
    int64_t fewest = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < keys.size(); ++i) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t n,
                              store.CountPostings(keys[i], spec.conversation_id, kCountCap));
      if (n < fewest) fewest = n, best = i;
      if (n == 0) break;  // nothing can match
    }
  }
  q.driver = keys[best];
  keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(best));
  q.others = std::move(keys);
  return q;
}

}  // namespace

Result<SearchPage> RunSearch(store::SearchStore& store, const SearchSpec& spec) {
  const bool viewable_channel = std::binary_search(spec.channels.begin(), spec.channels.end(),
                                                   spec.conversation_id);
  if (spec.conversation_id > 0 && !viewable_channel) {
    MQCHAT_ASSIGN_OR_RETURN(bool member, store.IsMember(spec.conversation_id, spec.user));
    if (!member) return Status::PermissionDenied("not a member");
  }
  MQCHAT_ASSIGN_OR_RETURN(store::CandidateQuery q, PlanQuery(store, spec));
  const int batch = std::max(spec.limit + 1, 50);
  SearchPage page;
  int examined = 0;
  while (true) {
    q.limit = batch;
    MQCHAT_ASSIGN_OR_RETURN(std::vector<store::SearchCandidate> candidates, store.Candidates(q));
    for (store::SearchCandidate& c : candidates) {
      ++examined;
      q.before_message_id = c.message.message_id;
      auto match = MatchText(spec.query, c.message.text);
      if (!match) continue;
      if (page.hits.size() == static_cast<size_t>(spec.limit)) {  // one more: the page is full
        page.has_more = true;
        page.next_before = page.hits.back().candidate.message.message_id;
        return page;
      }
      page.hits.push_back(SearchHit{std::move(c), std::move(*match)});
    }
    if (candidates.size() < static_cast<size_t>(batch)) return page;  // no more candidates
    if (examined >= kMaxExamined) {
      // Stop here; the next page goes on after the last candidate examined.
      page.has_more = true;
      page.next_before = q.before_message_id;
      return page;
    }
  }
}

}  // namespace mqchat::search
