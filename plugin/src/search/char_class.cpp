#include "search/char_class.h"

namespace mqchat::search {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool In(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

// Decodes one sequence at `i`; sets `len` to the bytes it used (1 for an ill-formed byte).
char32_t DecodeOne(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  *len = 1;
  if (b0 < 0x80) return b0;
  int need = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (In(b0, 0xC2, 0xDF)) {
    need = 1, cp = b0 & 0x1F, min = 0x80;
  } else if (In(b0, 0xE0, 0xEF)) {
    need = 2, cp = b0 & 0x0F, min = 0x800;
  } else if (In(b0, 0xF0, 0xF4)) {
    need = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kReplacement;
  }
  if (i + need >= s.size()) return kReplacement;  // truncated
  for (int k = 1; k <= need; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return kReplacement;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || In(cp, 0xD800, 0xDFFF)) return kReplacement;
  *len = need + 1;
  return cp;
}

bool IsCjk(char32_t cp) {
  return In(cp, 0x1100, 0x11FF) ||    // Hangul Jamo
         In(cp, 0x3005, 0x3007) ||    // 々 〆 〇
         In(cp, 0x3041, 0x309F) ||    // Hiragana
         In(cp, 0x30A1, 0x30FA) ||    // Katakana (not ゠ and ・)
         In(cp, 0x30FC, 0x30FF) ||    // ー and the iteration marks
         In(cp, 0x3131, 0x318E) ||    // Hangul compatibility Jamo
         In(cp, 0x31F0, 0x31FF) ||    // Katakana phonetic extensions
         In(cp, 0x3400, 0x4DBF) ||    // CJK extension A
         In(cp, 0x4E00, 0x9FFF) ||    // CJK unified ideographs
         In(cp, 0xA960, 0xA97F) ||    // Hangul Jamo extended A
         In(cp, 0xAC00, 0xD7FF) ||    // Hangul syllables, Jamo extended B
         In(cp, 0xF900, 0xFAFF) ||    // CJK compatibility ideographs
         In(cp, 0xFF66, 0xFF9F) ||    // halfwidth Katakana
         In(cp, 0xFFA0, 0xFFDC) ||    // halfwidth Hangul
         In(cp, 0x20000, 0x3134F);    // CJK extensions B..G
}

bool IsSeparator(char32_t cp) {
  if (cp < 0x80) {
    return !(In(cp, '0', '9') || In(cp, 'A', 'Z') || In(cp, 'a', 'z'));
  }
  if (In(cp, 0x80, 0xBF)) return cp != 0xAA && cp != 0xB5 && cp != 0xBA;
  return cp == 0xD7 || cp == 0xF7 ||
         In(cp, 0x2000, 0x2BFF) ||    // punctuation, symbols, arrows, math, dingbats, ...
         In(cp, 0x2E00, 0x2E7F) ||    // supplemental punctuation
         In(cp, 0x3000, 0x303F) ||    // CJK symbols and punctuation (CJK ones taken above)
         cp == 0x30A0 || cp == 0x30FB ||
         In(cp, 0xD800, 0xF8FF) ||    // surrogates, private use
         In(cp, 0xFE10, 0xFE6F) ||    // vertical, compatibility and small forms
         In(cp, 0xFF00, 0xFF0F) || In(cp, 0xFF1A, 0xFF20) || In(cp, 0xFF3B, 0xFF40) ||
         In(cp, 0xFF5B, 0xFF65) ||    // fullwidth punctuation
         In(cp, 0xFFF0, 0xFFFF) ||    // specials (U+FFFD among them)
         In(cp, 0x1F000, 0x1FAFF) ||  // emoji, pictographs, game symbols
         cp >= 0xE0000;               // tags, private use planes
}

bool IsIgnored(char32_t cp) {
  return In(cp, 0x0300, 0x036F) ||  // combining diacritical marks
         In(cp, 0x200B, 0x200D) ||  // zero-width space and (non-)joiners
         In(cp, 0xFE00, 0xFE0F) ||  // variation selectors
         cp == 0x00AD;              // soft hyphen
}

// Latin-1 lower-case letters U+00E0..U+00FF without accents ("" keeps the letter).
constexpr const char* kLatin1Base[32] = {
    "a", "a", "a", "a", "a", "a", "",  "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "",  "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "",  "y"};

char32_t Lower(char32_t cp) {
  if (In(cp, 'A', 'Z')) return cp + 32;
  if (In(cp, 0xC0, 0xDE) && cp != 0xD7) return cp + 32;
  if (In(cp, 0x100, 0x137) || In(cp, 0x14A, 0x177)) return cp | 1;
  if (In(cp, 0x139, 0x148) || In(cp, 0x179, 0x17E)) return (cp & 1) ? cp + 1 : cp;
  if (cp == 0x178) return 0xFF;
  if (In(cp, 0x391, 0x3A9) && cp != 0x3A2) return cp + 32;
  if (cp == 0x3C2) return 0x3C3;  // final sigma
  if (In(cp, 0x410, 0x42F)) return cp + 32;
  if (In(cp, 0x400, 0x40F)) return cp + 80;
  if (In(cp, 0xFF21, 0xFF3A)) return cp - 0xFF21 + 'a';
  if (In(cp, 0xFF41, 0xFF5A)) return cp - 0xFF41 + 'a';
  if (In(cp, 0xFF10, 0xFF19)) return cp - 0xFF10 + '0';
  return cp;
}

}  // namespace

DecodedText DecodeUtf8(std::string_view text) {
  DecodedText out;
  out.cps.reserve(text.size());
  out.offsets.reserve(text.size() + 1);
  size_t i = 0;
  while (i < text.size()) {
    size_t len = 1;
    out.offsets.push_back(i);
    out.cps.push_back(DecodeOne(text, i, &len));
    i += len;
  }
  out.offsets.push_back(text.size());
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

CharClass ClassOf(char32_t cp) {
  if (cp >= 0x80 && IsCjk(cp)) return CharClass::kCjk;
  if (cp >= 0x80 && IsIgnored(cp)) return CharClass::kIgnored;
  if (IsSeparator(cp)) return CharClass::kSeparator;
  return CharClass::kWord;
}

void AppendFolded(char32_t cp, std::string* out) {
  const char32_t lower = Lower(cp);
  if (lower == 0xDF) {  // ß
    out->append("ss");
    return;
  }
  if (In(lower, 0xE0, 0xFF) && kLatin1Base[lower - 0xE0][0] != '\0') {
    out->append(kLatin1Base[lower - 0xE0]);
    return;
  }
  AppendUtf8(lower, out);
}

}  // namespace mqchat::search
