#include "store/mentions.h"

namespace mqchat::store {

std::string JoinMentions(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out.push_back(' ');
    out += name;
  }
  return out;
}

std::vector<std::string> SplitMentions(std::string_view column) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= column.size()) {
    size_t end = column.find(' ', start);
    if (end == std::string_view::npos) end = column.size();
    if (end > start) names.emplace_back(column.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

}  // namespace mqchat::store
