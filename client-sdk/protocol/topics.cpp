#include "protocol/topics.h"

#include "protocol/identity.h"
#include "protocol/ids.h"

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

std::string WillTopic(std::string_view username, std::string_view device_id) {
  return UserPrefix(username) + "will/" + std::string(device_id);
}

namespace {
constexpr std::string_view kPresencePrefix = "mqchat/v1/p/";
constexpr std::string_view kRequestPrefix = "mqchat/v1/req/";
constexpr std::string_view kConversationRequestPrefix = "mqchat/v1/c/";
}  // namespace

std::string PresenceTopic(std::string_view username) {
  std::string out(kPresencePrefix);
  out += username;
  return out;
}

std::optional<std::string_view> PresenceTopicUser(std::string_view topic) {
  if (topic.substr(0, kPresencePrefix.size()) != kPresencePrefix) return std::nullopt;
  std::string_view user = topic.substr(kPresencePrefix.size());
  // A valid username has no '/', '+', '#' or '$': exactly one more level, never a wildcard.
  if (!ValidateUsername(user).ok()) return std::nullopt;
  return user;
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

std::string RequestTopic(Op op, int64_t conversation_id) {
  std::string out(kRoot);
  if (IsConversationOp(op)) {
    out += "/c/";
    out += FormatId(conversation_id);
    out += '/';
  } else {
    out += "/req/";
  }
  out += OpName(op);
  return out;
}

RequestTopicParts ParseRequestTopic(std::string_view topic) {
  RequestTopicParts parts;
  auto unknown = [&parts](std::string message) {
    parts.error = ProtocolError{ErrorCode::kUnknownOp, std::move(message)};
    return parts;
  };
  auto levels = SplitTopic(topic);
  if (levels.size() < 4 || levels[0] != "mqchat" || levels[1] != "v1") {
    return unknown("not a request topic");
  }
  parts.op_name = std::string(levels.back());
  if (levels[2] == "req") {
    if (levels.size() != 4) return unknown("request topics are mqchat/v1/req/<op>");
    auto op = ParseOpName(levels[3]);
    if (!op) return unknown("no such op");
    if (IsConversationOp(*op)) {
      return unknown(std::string(OpName(*op)) +
                     " is a conversation op: publish to mqchat/v1/c/<conversation-id>/" +
                     std::string(OpName(*op)));
    }
    parts.op = op;
    return parts;
  }
  if (levels[2] == "c") {
    if (levels.size() != 5) return unknown("conversation topics are mqchat/v1/c/<id>/<op>");
    auto op = ParseOpName(levels[4]);
    if (!op) return unknown("no such op");
    if (!IsConversationOp(*op)) {
      return unknown(std::string(OpName(*op)) + " is not a conversation op: publish to " +
                     "mqchat/v1/req/" + std::string(OpName(*op)));
    }
    parts.op = op;
    auto id = ParseId(levels[3]);
    if (!id) {
      parts.error = ProtocolError{ErrorCode::kBadRequest,
                                  "the conversation id in the topic must be a positive decimal "
                                  "integer below 2^63, without sign or leading zeros"};
      return parts;
    }
    parts.conversation_id = *id;
    return parts;
  }
  return unknown("not a request topic");
}

bool HasRequestTopicPrefix(std::string_view topic) {
  return topic.rfind(kRequestPrefix, 0) == 0 || topic.rfind(kConversationRequestPrefix, 0) == 0;
}

}  // namespace mqchat::protocol
