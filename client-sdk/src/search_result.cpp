// The SDK's side of search (issue 17): the search response decoded into the public types
// (mqchat/search.h) and the highlight conversion apps use to mark a match. Pure; any thread.
#include "search_result.h"

#include <algorithm>
#include <utility>

#include "convert.h"
#include "protocol/search.h"

namespace mqchat {

std::vector<std::pair<size_t, size_t>> HighlightByteRanges(
    const std::string& snippet, const std::vector<SearchHighlight>& highlights) {
  std::vector<size_t> starts;  // the byte offset of each code point, then the end
  for (size_t i = 0; i < snippet.size(); ++i) {
    if ((static_cast<unsigned char>(snippet[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(snippet.size());
  const auto last = static_cast<int64_t>(starts.size()) - 1;
  std::vector<std::pair<size_t, size_t>> out;
  for (const SearchHighlight& h : highlights) {
    const int64_t b = std::clamp<int64_t>(h.begin, 0, last);
    const int64_t e = std::clamp<int64_t>(h.end, b, last);
    if (e > b) out.emplace_back(starts[b], starts[e]);
  }
  return out;
}

namespace sdk {

protocol::SearchRequest ToSearchRequest(std::string query, const SearchOptions& options) {
  protocol::SearchRequest r;
  r.query = std::move(query);
  r.conversation_id = options.conversation_id;
  r.sender = options.sender;
  r.from_ms = options.from_ms;
  r.to_ms = options.to_ms;
  r.limit = options.limit;
  r.cursor = options.cursor;
  return r;
}

Result<SearchPage> DecodeSearchResult(const protocol::Response& r) {
  auto wire = protocol::DecodeSearchPage(r.body);
  if (!wire.ok()) {
    return Status::Internal("malformed " + r.op + " response: " + wire.status().message());
  }
  SearchPage page;
  page.has_more = wire->has_more;
  page.next_cursor = std::move(wire->next_cursor);
  page.results.reserve(wire->results.size());
  for (auto& w : wire->results) {
    SearchResult out;
    out.message = FromWire(w.message);
    out.conversation_kind = KindFromString(w.conversation_kind);
    out.conversation_name = std::move(w.conversation_name);
    out.server_id = w.server_id;
    out.server_name = std::move(w.server_name);
    out.snippet = std::move(w.snippet);
    for (const auto& [begin, end] : w.highlights) out.highlights.push_back({begin, end});
    page.results.push_back(std::move(out));
  }
  return page;
}

}  // namespace sdk
}  // namespace mqchat
