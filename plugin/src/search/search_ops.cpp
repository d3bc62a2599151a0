#include "search/search_ops.h"

#include <algorithm>
#include <string>

#include "chat/wire_convert.h"
#include "protocol/search.h"

namespace mqchat::search {
namespace {

using protocol::ErrorCode;

protocol::WireSearchPage ToWire(const SearchPage& page) {
  protocol::WireSearchPage out;
  for (const SearchHit& hit : page.hits) {
    protocol::WireSearchResult r;
    r.message = chat::ToWire(hit.candidate.message);
    r.conversation_kind = hit.candidate.channel ? std::string(protocol::values::kKindChannel)
                                                : std::string(chat::KindName(hit.candidate.kind));
    r.conversation_name = hit.candidate.conversation_name;
    if (hit.candidate.channel) {
      r.server_id = hit.candidate.server_id;
      r.server_name = hit.candidate.server_name;
    }
    r.snippet = hit.match.snippet;
    for (const auto& [begin, end] : hit.match.highlights) {
      r.highlights.emplace_back(static_cast<int64_t>(begin), static_cast<int64_t>(end));
    }
    out.results.push_back(std::move(r));
  }
  out.has_more = page.has_more;
  if (page.has_more) out.next_cursor = protocol::FormatSearchCursor(page.next_before);
  return out;
}

}  // namespace

SearchOps::SearchOps(const chat::ChatTools& tools, store::SearchStorePtr store, size_t max_queue)
    : tools_(tools), worker_(std::move(store), max_queue) {}

chat::Plan SearchOps::Search(const chat::OpRequest& r) {
  const auto& body = std::get<protocol::SearchRequest>(r.req.body);
  auto query = ParseQuery(body.query);
  if (!query) return chat::Refusal{ErrorCode::kInvalid, "query has no words to search for"};
  if (query->terms.size() > kMaxQueryTerms) {
    return chat::Refusal{ErrorCode::kInvalid, "query has too many words: at most " +
                                                  std::to_string(kMaxQueryTerms) + " terms"};
  }
  SearchSpec spec;
  spec.user = r.who.username;
  // Text channels (issue 18) have no members rows: the ones the user may view now, from the
  // broker's channel access cache (emptied at once by a permission change), as history and
  // sync decide. One conversation named: only it, if it is such a channel.
  if (tools_.channels != nullptr) {
    spec.channels = tools_.channels->Viewable(r.who.username);
    if (body.conversation_id > 0) {
      const bool viewable = std::binary_search(spec.channels.begin(), spec.channels.end(),
                                               body.conversation_id);
      spec.channels.clear();
      if (viewable) spec.channels.push_back(body.conversation_id);
    }
  }
  spec.query = std::move(*query);
  spec.conversation_id = body.conversation_id;
  spec.sender = body.sender;
  spec.from_ms = body.from_ms;
  if (body.to_ms > 0) spec.to_ms = body.to_ms;
  if (!body.cursor.empty()) {
    auto before = protocol::ParseSearchCursor(body.cursor);
    if (!before) return chat::Refusal{ErrorCode::kInvalid, "cursor is not one this server gave"};
    spec.before_message_id = *before;
  }
  spec.limit = body.limit;
  Status s = worker_.Submit([this, to = r.to, spec = std::move(spec)](store::SearchStore& store) {
    Answer(store, to, spec);
  });
  if (!s.ok()) return chat::Refusal{chat::ErrorCodeFor(s, chat::FailureSource::kQueue), s.message()};
  return chat::Answered{};
}

void SearchOps::Answer(store::SearchStore& store, const chat::ReplyTo& to,
                       const SearchSpec& spec) {
  auto page = RunSearch(store, spec);
  if (!page.ok()) {
    if (page.status().code() == Code::kPermissionDenied) {
      return tools_.replies.NotMember(to, spec.conversation_id);
    }
    return tools_.replies.Fail(to, page.status());
  }
  tools_.replies.Reply(to, chat::OkPayload(to, protocol::EncodeSearchPage(ToWire(*page))));
}

}  // namespace mqchat::search
