#include "search/matcher.h"

#include <algorithm>

#include "search/char_class.h"
#include "search/tokenizer.h"

namespace mqchat::search {
namespace {

using Span = std::pair<size_t, size_t>;

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// Where the query's CJK run `needle` appears in the text's runs (source code points). A run of
// one character matches only a run of one, as the index holds it.
void FindRun(const std::vector<Token>& tokens, const std::u32string& needle,
             std::vector<Span>* spans) {
  for (const Token& t : tokens) {
    if (t.kind != Token::Kind::kCjk) continue;
    if (needle.size() == 1) {
      if (t.run == needle) spans->emplace_back(t.begin, t.end);
      continue;
    }
    for (size_t at = t.run.find(needle); at != std::u32string::npos;
         at = t.run.find(needle, at + 1)) {
      spans->emplace_back(t.begin + at, t.begin + at + needle.size());
    }
  }
}

std::vector<Span> Merge(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end());
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (!out.empty() && s.first <= out.back().second) {
      out.back().second = std::max(out.back().second, s.second);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

// The window of about kSnippetChars code points around the first span, with the spans in it.
Match BuildSnippet(const std::u32string& cps, const std::vector<Span>& spans) {
  const size_t first = spans.empty() ? 0 : spans.front().first;
  size_t begin = first > kSnippetLead ? first - kSnippetLead : 0;
  const size_t end = std::min(cps.size(), begin + kSnippetChars);
  if (end == cps.size() && end > kSnippetChars) begin = end - kSnippetChars;
  Match m;
  const size_t shift = begin > 0 ? 1 : 0;  // the leading ellipsis
  if (begin > 0) AppendUtf8(U'\u2026', &m.snippet);
  for (size_t i = begin; i < end; ++i) {
    // Line breaks and other controls read as spaces in a one-line snippet (same length).
    AppendUtf8(cps[i] < 0x20 ? U' ' : cps[i], &m.snippet);
  }
  if (end < cps.size()) AppendUtf8(U'\u2026', &m.snippet);
  for (const Span& s : spans) {
    const size_t b = std::max(s.first, begin);
    const size_t e = std::min(s.second, end);
    if (b < e) m.highlights.emplace_back(b - begin + shift, e - begin + shift);
  }
  return m;
}

}  // namespace

std::optional<Query> ParseQuery(std::string_view text) {
  Query q;
  for (const Token& token : Tokenize(text)) {
    const size_t before = q.terms.size();
    AppendTerms(token, &q.terms);
    if (token.kind == Token::Kind::kWord) {
      q.word_terms.insert(q.word_terms.end(), q.terms.begin() + before, q.terms.end());
    } else {
      q.cjk_runs.push_back(token.run);
    }
  }
  if (q.terms.empty()) return std::nullopt;
  SortUnique(&q.terms);
  SortUnique(&q.word_terms);
  return q;
}

std::optional<Match> MatchText(const Query& query, std::string_view text) {
  const DecodedText decoded = DecodeUtf8(text);
  const std::vector<Token> tokens = Tokenize(decoded);
  std::vector<std::string> terms;
  for (const Token& t : tokens) AppendTerms(t, &terms);
  SortUnique(&terms);
  for (const std::string& term : query.terms) {
    if (!Contains(terms, term)) return std::nullopt;
  }
  std::vector<Span> spans;
  for (const std::u32string& run : query.cjk_runs) {
    const size_t found = spans.size();
    FindRun(tokens, run, &spans);
    if (spans.size() == found) return std::nullopt;  // its bigrams, but not together
  }
  for (const Token& t : tokens) {
    if (t.kind != Token::Kind::kWord) continue;
    std::vector<std::string> own;
    AppendTerms(t, &own);
    if (Contains(query.word_terms, own.front())) spans.emplace_back(t.begin, t.end);
  }
  return BuildSnippet(decoded.cps, Merge(std::move(spans)));
}

}  // namespace mqchat::search
