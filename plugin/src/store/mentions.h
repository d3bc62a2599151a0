// Mentions in the store (migration 019; docs/PROTOCOL.md, "Mentions"): a message's list as the
// `messages.mentions` column holds it (space-separated usernames, which have no spaces). Pure;
// any thread.
//
// The `mentions` rows (a user's unread mentions are theirs with seq > read_seq): a new message
// adds one per name at its seq. An edit's list replaces the message's: a name it keeps keeps
// its row (and the seq it was unread from), a name it drops loses its row, and a name it adds
// gets a row unread from the edit's seq (a user who read past the message but not the edit has
// a new mention to see). A deletion removes them all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mqchat::store {

// "alice bob" for {"alice", "bob"}; "" for none.
std::string JoinMentions(const std::vector<std::string>& names);
// The names of a column value, in order; empty parts are skipped.
std::vector<std::string> SplitMentions(std::string_view column);

}  // namespace mqchat::store
