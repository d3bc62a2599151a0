// The interactive terminal client's search (issue 17): `/search QUERY` over all of the user's
// conversations, `/find QUERY` in the open one, `/more` for the next page of the last search.
// Each result is one line, "team (123) #42 14:05 bob: ...[점심]..." with the matched words in
// [brackets]; a text channel's, "#general in Acme (123) #42 ...", opened with /channel 123.
// Main thread (the REPL's); waits on the SDK's future up to the client's timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli.h"
#include "mqchat/search.h"

namespace mqchat::cli {

// `snippet` with each highlighted range put between `open` and `close` (code point offsets, as
// the server gives them; out-of-range ones clamped).
std::string MarkHighlights(const std::string& snippet, const std::vector<SearchHighlight>& h,
                           const std::string& open = "[", const std::string& close = "]");

// How a text channel's result names its conversation: "#general in Acme" (without the server
// when a server older than the field did not name it).
std::string ChannelHitLabel(const SearchResult& r);

class SearchCommand {
 public:
  // `label` names a conversation for people (a group's name, the other user of a direct one).
  SearchCommand(const Settings& settings, Client& client,
                std::function<std::string(int64_t)> label)
      : s_(settings), client_(client), label_(std::move(label)) {}

  // Runs /search, /find or /more (`words` as split, `line` as typed, `open_conversation` the
  // REPL's, 0 if none); false if the line is none of them.
  bool Handle(const std::vector<std::string>& words, const std::string& line,
              int64_t open_conversation);

 private:
  void Run(SearchOptions options);

  const Settings& s_;
  Client& client_;
  std::function<std::string(int64_t)> label_;
  std::string query_;     // the last search, for /more
  SearchOptions last_;    // its options; cursor = the next page's, "" when there is none
};

}  // namespace mqchat::cli
