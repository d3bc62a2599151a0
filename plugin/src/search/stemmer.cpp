#include "search/stemmer.h"

namespace mqchat::search {
namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool HasVowel(std::string_view s) {
  for (char c : s) {
    if (IsVowel(c) || c == 'y') return true;
  }
  return false;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool AllLowerAscii(std::string_view s) {
  for (char c : s) {
    if (c < 'a' || c > 'z') return false;
  }
  return !s.empty();
}

// Plurals and the third person: boxes -> box, parties -> parti(es), meetings -> meeting,
// classes -> class; words of three letters or less ("bus", "has", "its") and -ss, -us, -is
// endings ("class", "status", "analysis") stay.
void StripPlural(std::string& w) {
  if (w.size() <= 3 || w.back() != 's') return;
  if (EndsWith(w, "sses")) {
    w.resize(w.size() - 2);
  } else if (EndsWith(w, "ies") && w.size() > 4) {
    w.resize(w.size() - 2);  // parties -> parti: the y rule below makes "party" parti too
  } else if (EndsWith(w, "ss") || EndsWith(w, "us") || EndsWith(w, "is")) {
    return;
  } else if (EndsWith(w, "ches") || EndsWith(w, "shes") || EndsWith(w, "xes") ||
             EndsWith(w, "zes") || EndsWith(w, "ses")) {
    w.resize(w.size() - 2);  // matches -> match, uses -> us(e)
  } else {
    w.pop_back();
  }
}

// -ing and -ed, when what is left has a vowel: meeting -> meet, planned -> plan (a doubled
// final consonant is undone), used -> us(e). "bring", "red" and "need" keep theirs; -eed keeps
// its ee (agreed -> agree).
void StripInflection(std::string& w) {
  size_t cut = 0;
  if (EndsWith(w, "ing") && w.size() >= 5) {
    cut = 3;
  } else if (EndsWith(w, "eed")) {
    if (HasVowel(std::string_view(w).substr(0, w.size() - 3))) w.pop_back();
    return;
  } else if (EndsWith(w, "ed") && w.size() >= 4) {
    cut = 2;
  }
  if (cut == 0) return;
  const std::string_view stem = std::string_view(w).substr(0, w.size() - cut);
  if (!HasVowel(stem)) return;
  w.resize(stem.size());
  const size_t n = w.size();
  if (n >= 3 && w[n - 1] == w[n - 2] && !IsVowel(w[n - 1]) && w[n - 1] != 'l' &&
      w[n - 1] != 's' && w[n - 1] != 'z') {
    w.pop_back();  // running -> run, stopped -> stop; not "call", "pass", "buzz"
  }
}

// A silent e after a consonant (make -> mak, so "making" meets it) and a y after a consonant
// (party -> parti, tried -> tri), when a vowel stays before it.
void NormalizeEnding(std::string& w) {
  const size_t n = w.size();
  if (n >= 3 && w[n - 1] == 'e' && !IsVowel(w[n - 2]) &&
      HasVowel(std::string_view(w).substr(0, n - 1))) {
    w.pop_back();
  } else if (n >= 3 && w[n - 1] == 'y' && !IsVowel(w[n - 2])) {
    w[n - 1] = 'i';
  }
}

}  // namespace

std::string StemWord(std::string_view word) {
  std::string w(word);
  if (!AllLowerAscii(w)) return w;
  StripPlural(w);
  StripInflection(w);
  NormalizeEnding(w);
  return w;
}

}  // namespace mqchat::search
