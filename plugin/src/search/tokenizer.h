// The tokenizer of search (issue 17): one function turns a message's text, or a query, into
// tokens, and one turns tokens into the terms the index holds, so documents and queries always
// agree. A token is either
//   - a word: a run of word characters (char_class.h) folded to lower case without Latin-1
//     accents, apostrophes inside it dropped ("Don't" -> "dont"); its term is its English stem
//     (stemmer.h) when it is all ASCII letters, else the folded word itself;
//   - a CJK run: Hangul, Kana and Han characters in a row, which carry no spaces between many
//     words; its terms are its overlapping character bigrams ("점심시간" -> 점심 심시 시간), or
//     the character itself for a run of one, so a two-syllable query ("점심", "회의") finds it
//     inside longer runs and a longer query needs all its bigrams.
// Punctuation, symbols and emoji separate tokens and make none. Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "search/char_class.h"

namespace mqchat::search {

struct Token {
  enum class Kind { kWord, kCjk };
  Kind kind = Kind::kWord;
  std::string text;           // folded word, or the run as UTF-8
  std::u32string run;         // kCjk: the run's code points (text decoded)
  size_t begin = 0;           // code point index of the first character in the source
  size_t end = 0;             // one past the last
};

// Every token of `decoded`, in order.
std::vector<Token> Tokenize(const DecodedText& decoded);
inline std::vector<Token> Tokenize(std::string_view text) { return Tokenize(DecodeUtf8(text)); }

// A token's terms: a word's stem; a CJK run's bigrams (one character for a run of one).
void AppendTerms(const Token& token, std::vector<std::string>* terms);

// The distinct terms of a text, sorted byte-wise: what the index holds for a message.
std::vector<std::string> DocumentTerms(std::string_view text);

// The 64-bit key of a term in the index (FNV-1a of its bytes, as a signed integer). Two terms may
// share a key; every candidate is checked against its text (matcher.h), so that costs a little
// time, never a wrong answer.
int64_t TermKey(std::string_view term);

}  // namespace mqchat::search
