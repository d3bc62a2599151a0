// The terminal client's command lines (command_words.h).
#include "command_words.h"

namespace mqchat::cli {

bool Words(const std::string& line, std::vector<std::string>* out) {
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && quote != '\'') {
      word += line[++i];
      in_word = true;
    } else if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out->push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out->push_back(word);
  return quote == 0;
}

std::string RestAfter(const std::string& line, int n) {
  size_t i = 0;
  for (int word = 0; word < n; ++word) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return line.substr(i);
}

int64_t ParseSeq(const std::string& word) {
  const std::string digits = !word.empty() && word[0] == '#' ? word.substr(1) : word;
  if (digits.empty() || digits.size() > 18) return 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
  }
  return std::stoll(digits);
}

}  // namespace mqchat::cli
