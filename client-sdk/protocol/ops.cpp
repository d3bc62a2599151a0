#include "protocol/ops.h"

namespace mqchat::protocol {
namespace {

constexpr std::string_view kOpNames[kOpCount] = {
    "send",          "history",       "read",          "members",
    "add_members",   "remove_member", "leave",         "rename",
    "typing",        "mute",          "edit",          "delete",
    "react",         "open_direct",   "create_group",
    "conversations", "sync",          "push_register", "push_unregister",
    "push_settings", "block",         "unblock",       "blocks",
    "set_dm_policy", "report",        "search",       "set_retention",
    "set_slow_mode",
};

}  // namespace

std::string_view OpName(Op op) {
  const auto index = static_cast<size_t>(op);
  return index < kOpCount ? kOpNames[index] : std::string_view("unknown");
}

std::optional<Op> ParseOpName(std::string_view name) {
  for (size_t i = 0; i < kOpCount; ++i) {
    if (kOpNames[i] == name) return static_cast<Op>(i);
  }
  return std::nullopt;
}

bool IsConversationOp(Op op) { return op <= Op::kReact; }

}  // namespace mqchat::protocol
