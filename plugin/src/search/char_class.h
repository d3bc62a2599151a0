// The character rules of search (issue 17): UTF-8 decoding to code points with their byte
// offsets, what a code point is to the tokenizer (part of a word, part of a CJK run, dropped, or
// a separator) and its case folding. The same rules index documents and read queries, so both
// give the same terms. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::search {

enum class CharClass {
  kSeparator,  // spaces, punctuation, symbols, emoji, controls: end a word or a run
  kWord,       // letters and digits of scripts written with spaces (Latin, Greek, Cyrillic, ...)
  kCjk,        // Hangul, Hiragana, Katakana, Han: indexed as character bigrams
  kIgnored,    // combining marks, joiners inside words: dropped, the word goes on
};

// A text decoded into code points; cps[i] starts at byte offsets[i] of the source. Ill-formed
// bytes decode to U+FFFD (a separator). offsets has one more entry: the source's size.
struct DecodedText {
  std::u32string cps;
  std::vector<size_t> offsets;
};
DecodedText DecodeUtf8(std::string_view text);
// Appends `cp` to `out` as UTF-8.
void AppendUtf8(char32_t cp, std::string* out);

CharClass ClassOf(char32_t cp);
// The folded form of a word character: lower case, and Latin-1 letters without their accents
// (so "Café" and "cafe" are one word); fullwidth ASCII as ASCII. Appends to `out` (ß gives ss).
void AppendFolded(char32_t cp, std::string* out);
// True for an apostrophe (' or U+2019): inside a word it is dropped ("don't" is "dont").
inline bool IsApostrophe(char32_t cp) { return cp == U'\'' || cp == U'\u2019'; }

}  // namespace mqchat::search
