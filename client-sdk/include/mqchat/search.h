// Search in the mqchat SDK (issue 17; docs/PROTOCOL.md, "search"): what Client::Search() asks
// and answers. Plain data, copyable; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/export.h"
#include "mqchat/types.h"

namespace mqchat {

// What to search besides the query. Every field is optional.
struct SearchOptions {
  int64_t conversation_id = 0;  // > 0: only this conversation (else all of the user's)
  std::string sender;           // non-empty: only this user's messages
  int64_t from_ms = 0;          // only messages sent at or after (Unix ms; 0: no bound)
  int64_t to_ms = 0;            // only messages sent before (0: no bound); > from_ms if both
  int limit = 20;               // results per page, 1..50
  std::string cursor;           // "" for the first page, else the SearchPage::next_cursor before
};

// A matched part of a snippet: [begin, end) in Unicode code points of the snippet (not bytes).
struct SearchHighlight {
  int64_t begin = 0;
  int64_t end = 0;
};

// One message found: the message in its current state, its conversation, and a one-line
// snippet of its text with the matched words marked.
struct SearchResult {
  Message message;
  ConversationKind conversation_kind = ConversationKind::kDirect;
  std::string conversation_name;  // empty for direct conversations; a channel's name
  // kChannel: the channel's server (message.conversation_id is the channel's id; open it with
  // WatchChannel and History as any channel). 0 and empty for conversations, and from a server
  // older than this field.
  int64_t server_id = 0;
  std::string server_name;
  std::string snippet;
  std::vector<SearchHighlight> highlights;
};

// A page of results, newest first. A page may hold fewer than `limit` results while has_more is
// true (the server examines a bounded number of candidates per request).
struct SearchPage {
  std::vector<SearchResult> results;
  bool has_more = false;
  std::string next_cursor;  // set iff has_more: SearchOptions::cursor for the next page
};

// The byte ranges of `snippet` that `highlights` mark (code points converted to UTF-8 offsets),
// for apps that print or style the match: {begin_byte, end_byte} pairs, clamped to the snippet.
MQCHAT_SDK_API std::vector<std::pair<size_t, size_t>> HighlightByteRanges(const std::string& snippet,
                                                           const std::vector<SearchHighlight>& h);

}  // namespace mqchat
