// The backend-neutral parts of `history`'s message view (ChatStore::ReadMessages): the snippet
// of a quoted reply, and where the reactions of a page go. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/chat_store.h"

namespace mqchat::store {

// The first kReplySnippetChars code points of `text` (valid UTF-8), with "…" if it was longer.
std::string ReplySnippet(std::string_view text);

// Adds `reaction` of the message with `seq` to the page's view of it (ascending by seq); a seq
// not on the page is ignored.
void AddReactionToPage(std::vector<MessageView>& page, int64_t seq, ReactionCount reaction);

}  // namespace mqchat::store
