#include "search/tokenizer.h"

#include <algorithm>

#include "search/stemmer.h"

namespace mqchat::search {
namespace {

// The end of the word starting at `i` (exclusive), its folded text in `out`. Ignored characters
// and apostrophes between two word characters are dropped.
size_t ScanWord(const std::u32string& cps, size_t i, std::string* out) {
  size_t last_word_end = i;
  while (i < cps.size()) {
    const char32_t cp = cps[i];
    const CharClass cls = ClassOf(cp);
    if (cls == CharClass::kWord) {
      AppendFolded(cp, out);
      last_word_end = ++i;
    } else if (cls == CharClass::kIgnored ||
               (IsApostrophe(cp) && i + 1 < cps.size() &&
                ClassOf(cps[i + 1]) == CharClass::kWord)) {
      ++i;
    } else {
      break;
    }
  }
  return last_word_end;
}

size_t ScanCjk(const std::u32string& cps, size_t i, Token* token) {
  while (i < cps.size() && ClassOf(cps[i]) == CharClass::kCjk) {
    token->run.push_back(cps[i]);
    AppendUtf8(cps[i], &token->text);
    ++i;
  }
  return i;
}

}  // namespace

std::vector<Token> Tokenize(const DecodedText& decoded) {
  const std::u32string& cps = decoded.cps;
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < cps.size()) {
    const CharClass cls = ClassOf(cps[i]);
    if (cls == CharClass::kWord) {
      Token t;
      t.begin = i;
      t.end = ScanWord(cps, i, &t.text);
      i = std::max(t.end, i + 1);
      tokens.push_back(std::move(t));
    } else if (cls == CharClass::kCjk) {
      Token t;
      t.kind = Token::Kind::kCjk;
      t.begin = i;
      t.end = i = ScanCjk(cps, i, &t);
      tokens.push_back(std::move(t));
    } else {
      ++i;
    }
  }
  return tokens;
}

void AppendTerms(const Token& token, std::vector<std::string>* terms) {
  if (token.kind == Token::Kind::kWord) {
    terms->push_back(StemWord(token.text));
    return;
  }
  if (token.run.size() == 1) {
    terms->push_back(token.text);
    return;
  }
  for (size_t k = 0; k + 1 < token.run.size(); ++k) {
    std::string bigram;
    AppendUtf8(token.run[k], &bigram);
    AppendUtf8(token.run[k + 1], &bigram);
    terms->push_back(std::move(bigram));
  }
}

std::vector<std::string> DocumentTerms(std::string_view text) {
  std::vector<std::string> terms;
  for (const Token& token : Tokenize(text)) AppendTerms(token, &terms);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

int64_t TermKey(std::string_view term) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : term) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<int64_t>(hash);
}

}  // namespace mqchat::search
