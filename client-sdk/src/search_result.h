// The search request and response of the SDK (Client::Search, issue 17): the app's options as
// the protocol's SearchRequest, and the response body decoded with the protocol's decoder
// (protocol/search.h) into mqchat/search.h's types; a body that does not decode is kInternal
// (as op_results.h). Pure functions; any thread.
#pragma once

#include <string>

#include "mqchat/search.h"
#include "mqchat/status.h"
#include "protocol/requests.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

protocol::SearchRequest ToSearchRequest(std::string query, const SearchOptions& options);
Result<SearchPage> DecodeSearchResult(const protocol::Response& r);

}  // namespace mqchat::sdk
