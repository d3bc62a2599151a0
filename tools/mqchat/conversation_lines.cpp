#include "conversation_lines.h"

namespace mqchat::cli {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string ShownConversationEvent(const ConversationEvent& e, const std::string& label) {
  const std::string name =
      e.conversation.kind == ConversationKind::kGroup ? "'" + e.conversation.name + "'" : label;
  const std::string id = " (" + std::to_string(e.conversation.id) + ")";
  switch (e.kind) {
    case ConversationEvent::Kind::kCreated:
      return "* " + e.actor + " created " + name + id;
    case ConversationEvent::Kind::kMembersAdded:
      return "* " + e.actor + " added " + JoinNames(e.users) + " to " + name + id;
    case ConversationEvent::Kind::kMemberRemoved:
      return "* " + e.actor + " removed " + JoinNames(e.users) + " from " + name + id;
    case ConversationEvent::Kind::kRenamed:
      return "* " + e.actor + " renamed" + id + " to '" + e.conversation.name + "'";
    case ConversationEvent::Kind::kSlowMode:
      return "* " + e.actor +
             (e.conversation.slow_mode_s > 0 ? " set slow mode of" + id + " to " +
                                                   std::to_string(e.conversation.slow_mode_s) + " s"
                                             : " turned slow mode off in" + id);
    case ConversationEvent::Kind::kOther:
      break;
  }
  return "";
}

}  // namespace mqchat::cli
