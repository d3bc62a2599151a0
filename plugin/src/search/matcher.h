// A search query read with the tokenizer's rules (tokenizer.h), and the check of one message's
// text against it: every query term must be among the text's terms, and every CJK run of the
// query must appear in the text as it was typed (its bigrams adjacent and in order), so a long
// Korean or Japanese query does not drown in texts that merely hold its bigrams apart. A text
// that passes gets a snippet around its first match with the matched words marked by code
// point offsets. The index only narrows the candidates; this check decides. Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqchat::search {

// Queries with more distinct terms are refused (each term is one index probe per candidate).
inline constexpr size_t kMaxQueryTerms = 32;
// Code points of text a snippet shows (plus an ellipsis at a cut end).
inline constexpr size_t kSnippetChars = 160;
// Code points shown before the first match, when the text is cut before it.
inline constexpr size_t kSnippetLead = 40;

struct Query {
  std::vector<std::string> terms;           // distinct, sorted: every one is required
  std::vector<std::string> word_terms;      // the words' stems among them (for highlights)
  std::vector<std::u32string> cjk_runs;     // the query's CJK runs, as typed
};

// The query of `text`; nullopt if it has no term (only spaces, punctuation or emoji).
std::optional<Query> ParseQuery(std::string_view text);

struct Match {
  std::string snippet;
  // [begin, end) in code points of `snippet`, ascending, not overlapping.
  std::vector<std::pair<size_t, size_t>> highlights;
};

// The match of `text` against `query`, or nullopt if it does not match.
std::optional<Match> MatchText(const Query& query, std::string_view text);

}  // namespace mqchat::search
