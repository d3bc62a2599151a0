// The terminal client's search commands (search_command.h).
#include "search_command.h"

#include <chrono>
#include <utility>

#include "command_words.h"

namespace mqchat::cli {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr int kPageSize = 10;

}  // namespace

std::string MarkHighlights(const std::string& snippet, const std::vector<SearchHighlight>& h,
                           const std::string& open, const std::string& close) {
  std::string out;
  size_t at = 0;
  for (const auto& [begin, end] : HighlightByteRanges(snippet, h)) {
    if (begin < at) continue;  // overlapping ranges: the first wins
    out += snippet.substr(at, begin - at) + open + snippet.substr(begin, end - begin) + close;
    at = end;
  }
  return out + snippet.substr(at);
}

std::string ChannelHitLabel(const SearchResult& r) {
  std::string out = "#" + r.conversation_name;
  if (!r.server_name.empty()) out += " in " + r.server_name;
  return out;
}

bool SearchCommand::Handle(const std::vector<std::string>& words, const std::string& line,
                           int64_t open_conversation) {
  const std::string& cmd = words[0];
  if (cmd == "/more") {
    if (last_.cursor.empty()) {
      PrintLine("! nothing more: /search QUERY first");
    } else {
      Run(last_);
    }
    return true;
  }
  if (cmd != "/search" && cmd != "/find") return false;
  const std::string query = RestAfter(line, 1);
  if (query.empty()) {
    PrintLine("! usage: " + cmd + " QUERY (/search: every conversation; /find: the open one)");
    return true;
  }
  SearchOptions options;
  options.limit = kPageSize;
  if (cmd == "/find") {
    if (open_conversation == 0) {
      PrintLine("! open a conversation first (/open), or /search everywhere");
      return true;
    }
    options.conversation_id = open_conversation;
  }
  query_ = query;
  Run(std::move(options));
  return true;
}

void SearchCommand::Run(SearchOptions options) {
  auto f = client_.Search(query_, options);
  auto page = Await(f, s_.timeout, Result<SearchPage>(Status::Unavailable("timed out")));
  if (!page.ok()) {
    last_.cursor.clear();
    return PrintLine("! search: " + Describe(page.status()));
  }
  if (page->results.empty() && options.cursor.empty()) {
    PrintLine("* nothing found for '" + query_ + "'");
  }
  const int64_t now = NowMs();
  bool channels = false;
  for (const SearchResult& r : page->results) {
    const Message& m = r.message;
    const bool channel = r.conversation_kind == ConversationKind::kChannel;
    channels = channels || channel;
    PrintLine("  " + (channel ? ChannelHitLabel(r) : label_(m.conversation_id)) + " (" +
              std::to_string(m.conversation_id) + ") #" + std::to_string(m.seq) + " " +
              FormatClock(m.sent_at_ms, now) + " " + m.sender + ": " +
              MarkHighlights(r.snippet, r.highlights));
  }
  if (channels) PrintLine("* /channel ID opens a channel");
  last_ = options;
  last_.cursor = page->has_more ? page->next_cursor : "";
  if (page->has_more) PrintLine("* /more for more results");
}

}  // namespace mqchat::cli
