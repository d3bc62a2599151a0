// The interactive terminal client's command lines: words (with quotes), a message's seq, and
// the text after a command's first words as typed. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mqchat::cli {

// Splits a command line into words: blanks separate them; "double" or 'single' quotes keep
// blanks in a word; a backslash takes the next character as it is. False on an open quote.
bool Words(const std::string& line, std::vector<std::string>* out);
// `line` after its first `n` blank-separated words (and the blanks after them), as typed.
std::string RestAfter(const std::string& line, int n);
// A message's seq as typed ("12" or "#12"); 0 if it is not one.
int64_t ParseSeq(const std::string& word);

}  // namespace mqchat::cli
