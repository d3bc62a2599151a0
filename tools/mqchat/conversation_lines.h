// How the interactive terminal client shows what happens to conversations (Client::
// OnConversationEvent) and lists of names. Pure functions; any thread (SDK callbacks print
// these).
#pragma once

#include <string>
#include <vector>

#include "mqchat/events.h"

namespace mqchat::cli {

// "alice, bob, carol".
std::string JoinNames(const std::vector<std::string>& names);
// One line for a conversation event, `label` naming the conversation when it is no group
// (a group is named by its name): "* alice created 'team' (123)", "* alice added bob, carol to
// 'team' (123)", "* alice removed bob from ...", "* alice renamed (123) to 'crew'", "* alice set
// slow mode of (123) to 30 s" / "* alice turned slow mode off in (123)"; "" for another kind.
std::string ShownConversationEvent(const ConversationEvent& e, const std::string& label);

}  // namespace mqchat::cli
