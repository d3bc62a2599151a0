#include "protocol/topics.h"

namespace mqchat::protocol {

std::string UserPrefix(std::string_view username) {
  std::string out(kRoot);
  out += "/u/";
  out += username;
  out += '/';
  return out;
}

std::string InboxTopic(std::string_view username) { return UserPrefix(username) + "inbox"; }

std::string ReplyTopic(std::string_view username, std::string_view device_id) {
  return UserPrefix(username) + "reply/" + std::string(device_id);
}

std::string PresenceTopic(std::string_view username) {
  return UserPrefix(username) + "presence";
}

std::string WillTopic(std::string_view username, std::string_view device_id) {
  return UserPrefix(username) + "will/" + std::string(device_id);
}

std::vector<std::string_view> SplitTopic(std::string_view topic) {
  std::vector<std::string_view> levels;
  size_t start = 0;
  while (true) {
    size_t slash = topic.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(topic.substr(start));
      return levels;
    }
    levels.push_back(topic.substr(start, slash - start));
    start = slash + 1;
  }
}

std::optional<std::string_view> NamespaceOwner(std::string_view topic) {
  auto levels = SplitTopic(topic);
  if (levels.size() < 5 || levels[0] != "mqchat" || levels[1] != "v1" || levels[2] != "u") {
    return std::nullopt;
  }
  return levels[3];
}

}  // namespace mqchat::protocol
