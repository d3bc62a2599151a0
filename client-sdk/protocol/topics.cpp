#include "protocol/topics.h"

#include "protocol/send_topic.h"
#include "protocol/identity.h"
#include "protocol/ids.h"

namespace mqchat::protocol {
namespace {

// The levels of the topic names. kRoot is the first two.
constexpr std::string_view kProductLevel = "mqchat";
constexpr std::string_view kVersionLevel = "v1";
static_assert(kRoot.size() == kProductLevel.size() + 1 + kVersionLevel.size() &&
                  kRoot.substr(0, kProductLevel.size()) == kProductLevel &&
                  kRoot.substr(kProductLevel.size() + 1) == kVersionLevel,
              "kRoot is <product>/<version>");
constexpr std::string_view kUserLevel = "u";          // mqchat/v1/u/<user>/...
constexpr std::string_view kInboxLevel = "inbox";     // mqchat/v1/u/<user>/inbox
constexpr std::string_view kReplyLevel = "reply";     // mqchat/v1/u/<user>/reply/<device>
constexpr std::string_view kWillLevel = "will";       // mqchat/v1/u/<user>/will/<device>
constexpr std::string_view kPresenceLevel = "p";      // mqchat/v1/p/<user>
constexpr std::string_view kRequestLevel = "req";     // mqchat/v1/req/<op>
constexpr std::string_view kConversationLevel = "c";  // mqchat/v1/c/<id>/<op>

// "mqchat/v1/<level>/".
std::string RootPrefix(std::string_view level) {
  std::string out(kRoot);
  out += '/';
  out += level;
  out += '/';
  return out;
}

// The prefixes matched on every publish, built once.
const std::string& PresencePrefix() {
  static const std::string prefix = RootPrefix(kPresenceLevel);
  return prefix;
}
const std::string& RequestPrefix() {
  static const std::string prefix = RootPrefix(kRequestLevel);
  return prefix;
}
const std::string& ConversationRequestPrefix() {
  static const std::string prefix = RootPrefix(kConversationLevel);
  return prefix;
}
const std::string& UserRootPrefix() {  // "mqchat/v1/u/"
  static const std::string prefix = RootPrefix(kUserLevel);
  return prefix;
}
const std::string& ChannelPrefix() {  // "mqchat/v1/ch/"
  static const std::string prefix = RootPrefix("ch");
  return prefix;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// mqchat/v1/<kind>/..., with at least one level after <kind>.
bool UnderRoot(const std::vector<std::string_view>& levels, std::string_view kind) {
  return levels.size() >= 4 && levels[0] == kProductLevel && levels[1] == kVersionLevel &&
         levels[2] == kind;
}

}  // namespace

std::string UserPrefix(std::string_view username) {
  std::string out = UserRootPrefix();
  out += username;
  out += '/';
  return out;
}

std::string InboxTopic(std::string_view username) {
  std::string out;
  InboxTopicInto(username, out);
  return out;
}

void InboxTopicInto(std::string_view username, std::string& out) {
  const std::string& prefix = UserRootPrefix();
  out.clear();
  out.reserve(prefix.size() + username.size() + 1 + kInboxLevel.size());
  out += prefix;
  out += username;
  out += '/';
  out += kInboxLevel;
}

std::string ReplyTopic(std::string_view username, std::string_view device_id) {
  return UserPrefix(username) + std::string(kReplyLevel) + '/' + std::string(device_id);
}

std::string WillTopic(std::string_view username, std::string_view device_id) {
  return UserPrefix(username) + std::string(kWillLevel) + '/' + std::string(device_id);
}

std::string PresenceTopic(std::string_view username) {
  std::string out = PresencePrefix();
  out += username;
  return out;
}

std::optional<std::string_view> PresenceTopicUser(std::string_view topic) {
  const std::string& prefix = PresencePrefix();
  if (!StartsWith(topic, prefix)) return std::nullopt;
  std::string_view user = topic.substr(prefix.size());
  // A valid username has no '/', '+', '#' or '$': exactly one more level, never a wildcard.
  if (!ValidateUsername(user).ok()) return std::nullopt;
  return user;
}

std::string ChannelTopic(int64_t channel_id) {
  return ChannelPrefix() + std::to_string(channel_id);
}

std::optional<int64_t> ChannelTopicId(std::string_view topic) {
  const std::string& prefix = ChannelPrefix();
  if (!StartsWith(topic, prefix)) return std::nullopt;
  // ParseId takes digits only: no '/', '+', '#', sign or leading zero.
  return ParseId(topic.substr(prefix.size()));
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
  // The same answer as NamespaceOwner(SplitTopic(topic)) without the split: this runs for every
  // delivery the broker makes (the READ ACL check), so it allocates nothing.
  const std::string& prefix = UserRootPrefix();
  if (!StartsWith(topic, prefix)) return std::nullopt;
  std::string_view rest = topic.substr(prefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;  // fewer than five levels
  return rest.substr(0, slash);
}

std::optional<std::string_view> NamespaceOwner(const std::vector<std::string_view>& levels) {
  if (levels.size() < 5 || !UnderRoot(levels, kUserLevel)) return std::nullopt;
  return levels[3];
}

bool IsWillTopic(const std::vector<std::string_view>& levels, std::string_view username,
                 std::string_view device_id) {
  return levels.size() == 6 && NamespaceOwner(levels) == username && levels[4] == kWillLevel &&
         levels[5] == device_id;
}

bool HasRequestTopicShape(const std::vector<std::string_view>& levels) {
  return (levels.size() == 4 && UnderRoot(levels, kRequestLevel)) ||
         (levels.size() == 5 && UnderRoot(levels, kConversationLevel));
}

std::string RequestTopic(Op op, int64_t conversation_id) {
  std::string out;
  if (IsConversationOp(op)) {
    out = ConversationRequestPrefix();
    out += FormatId(conversation_id);
    out += '/';
  } else {
    out = RequestPrefix();
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
  if (levels.size() < 4 || levels[0] != kProductLevel || levels[1] != kVersionLevel) {
    return unknown("not a request topic");
  }
  parts.op_name = std::string(levels.back());
  if (levels[2] == kRequestLevel) {
    if (levels.size() != 4) return unknown("request topics are " + RequestPrefix() + "<op>");
    auto op = ParseOpName(levels[3]);
    if (!op) return unknown("no such op");
    if (IsConversationOp(*op)) {
      return unknown(std::string(OpName(*op)) + " is a conversation op: publish to " +
                     ConversationRequestPrefix() + "<conversation-id>/" + std::string(OpName(*op)));
    }
    parts.op = op;
    return parts;
  }
  if (levels[2] == kConversationLevel) {
    if (levels.size() != 5) {
      return unknown("conversation topics are " + ConversationRequestPrefix() + "<id>/<op>");
    }
    auto op = ParseOpName(levels[4]);
    if (!op) return unknown("no such op");
    if (!IsConversationOp(*op)) {
      return unknown(std::string(OpName(*op)) + " is not a conversation op: publish to " +
                     RequestTopic(*op));
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
  return StartsWith(topic, RequestPrefix()) || StartsWith(topic, ConversationRequestPrefix());
}

bool IsSendTopic(std::string_view topic) {
  static const std::string prefix = ConversationRequestPrefix();
  const std::string_view op = OpName(Op::kSend);
  return topic.size() > prefix.size() + op.size() + 1 && StartsWith(topic, prefix) &&
         topic.substr(topic.size() - op.size()) == op && topic[topic.size() - op.size() - 1] == '/';
}

}  // namespace mqchat::protocol
