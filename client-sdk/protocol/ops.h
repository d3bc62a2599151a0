// The request operations of protocol v1 and their wire names ("send", "history", ...).
// Conversation ops live on mqchat/v1/c/<id>/<op>, the others on mqchat/v1/req/<op>. Any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace mqchat::protocol {

// The order matters: RequestBody (requests.h) lists its alternatives in this order.
enum class Op {
  // Conversation ops: mqchat/v1/c/<conversation-id>/<op>.
  kSend,
  kHistory,
  kRead,
  kMembers,
  kAddMembers,
  kRemoveMember,
  kLeave,
  kRename,
  kTyping,
  kMute,
  kEdit,    // issue 16: the message events (docs/PROTOCOL.md, "Event kinds")
  kDelete,
  kReact,
  // Other ops: mqchat/v1/req/<op>.
  kOpenDirect,
  kCreateGroup,
  kConversations,
  kSync,
  kPushRegister,
  kPushUnregister,
  kPushSettings,
  // Blocking and who may message me (protocol/privacy.h).
  kBlock,
  kUnblock,
  kBlocks,
  kSetDmPolicy,
  // Reporting a user or a message to the operator (protocol/report.h).
  kReport,
  // Searching the caller's messages (protocol/search.h).
  kSearch,
  // A conversation's retention (issue 24; protocol/retention.h): owners and admins of a group.
  kSetRetention,
  // A conversation's slow mode (issue 24; protocol/slow_mode.h): owners and admins of a group.
  kSetSlowMode,
};

inline constexpr size_t kOpCount = static_cast<size_t>(Op::kSetSlowMode) + 1;

// The wire name, e.g. "add_members".
std::string_view OpName(Op op);
// The op with that wire name (exact), or nullopt.
std::optional<Op> ParseOpName(std::string_view name);
// True for ops addressed to one conversation (send .. react).
bool IsConversationOp(Op op);

}  // namespace mqchat::protocol
