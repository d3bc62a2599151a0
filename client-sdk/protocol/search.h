// Search in protocol v1 (issue 17; docs/PROTOCOL.md, "search"): the request's bounds and the
// response body, once for the plugin, the SDK and the tools. The request struct, SearchRequest,
// is parsed and encoded with the others (requests.h). Pure; any thread; never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqchat/status.h"
#include "protocol/wire.h"

namespace mqchat::protocol {

// A query has at most this many characters (code points).
inline constexpr size_t kMaxSearchQueryChars = 200;
inline constexpr int kDefaultSearchLimit = 20;
inline constexpr int kMaxSearchLimit = 50;

struct SearchRequest {
  std::string query;            // 1..kMaxSearchQueryChars code points, not only white space
  int64_t conversation_id = 0;  // > 0: only this conversation
  std::string sender;           // non-empty: only this user's messages
  int64_t from_ms = 0;          // only messages sent at or after (0: no bound)
  int64_t to_ms = 0;            // only messages sent before (0: no bound); > from_ms if both
  int limit = kDefaultSearchLimit;  // 1..kMaxSearchLimit
  std::string cursor;           // "" or the next_cursor of the page before (opaque)
};

namespace values {
// A search result's conversation that is a text channel (issue 18; its id is the channel's),
// beside fields.h's kKindDirect and kKindGroup.
inline constexpr std::string_view kKindChannel = "channel";
}  // namespace values

// The cursor after the message with id `message_id`, and back (nullopt: not a cursor).
std::string FormatSearchCursor(int64_t message_id);
std::optional<int64_t> ParseSearchCursor(std::string_view cursor);

// One result: the message, its conversation, and a one-line snippet of its text with the
// matched words marked as [begin, end) offsets in code points of the snippet.
struct WireSearchResult {
  WireMessage message;
  std::string conversation_kind;  // values::kKindDirect | kKindGroup | kKindChannel
  std::string conversation_name;  // "" for direct conversations; a channel's name
  // A text channel's server (kind kKindChannel only; 0 and "" otherwise): the client opens the
  // channel in its server and names it "#channel in server" without asking for the lists.
  int64_t server_id = 0;
  std::string server_name;
  std::string snippet;
  std::vector<std::pair<int64_t, int64_t>> highlights;
};

// "search": {"results": [{"conversation": {"conversation_id", "kind", "name", and for a channel
// "server_id" and "server_name"}, "message",
// "snippet", "highlights": [[begin, end]...]}...], "has_more", "next_cursor" (with has_more)}.
struct WireSearchPage {
  std::vector<WireSearchResult> results;  // newest first
  bool has_more = false;
  std::string next_cursor;  // set iff has_more
};
nlohmann::json EncodeSearchPage(const WireSearchPage& page);
Result<WireSearchPage> DecodeSearchPage(const nlohmann::json& body);

}  // namespace mqchat::protocol
