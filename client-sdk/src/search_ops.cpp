// ClientImpl::Search (issue 17): the search request, started like the other requests
// (client_ops.cpp) and decoded on the engine thread (search_result.h). Results are not cached:
// a search is an online question, and the messages it returns arrive through sync anyway.
#include "client_impl.h"
#include "search_result.h"

namespace mqchat::sdk {

RequestId ClientImpl::Search(std::string query, SearchOptions options,
                             Done<Result<SearchPage>> done) {
  protocol::Request request;
  request.op = protocol::Op::kSearch;
  request.conversation_id = options.conversation_id;
  request.body = ToSearchRequest(std::move(query), options);
  return Start(std::move(request), [done = std::move(done)](Result<protocol::Response> r) {
    if (!r.ok()) return done(r.status());
    done(DecodeSearchResult(*r));
  });
}

}  // namespace mqchat::sdk
