// A small English stemmer of our own for search (issue 17): plural and -s forms, -ing and -ed,
// a final silent e and a final consonant + y, so "meeting", "meetings", "meets" and "meet" are
// one term, as are "plan", "planned" and "planning", "party" and "parties", "use", "used" and
// "using". It is not Porter's algorithm and does not try to be: it only has to give a word and
// its common inflections the same stem, the same way for documents and queries; a few unrelated
// words sharing a stem ("note" and "not") cost precision, never recall. Words that are not
// all ASCII letters (digits, other scripts) are left as they are. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace mqchat::search {

// The stem of a folded (lower-case) word.
std::string StemWord(std::string_view word);

}  // namespace mqchat::search
