// mqchatctl's views of conversations and its group-admin and stats commands (issue 19,
// "Admin"; docs/OPERATIONS.md "Conversations, groups and stats"):
//   conversation list [--user NAME] [--limit N]  every conversation (or NAME's), by id
//   conversation show ID                          one conversation and its members with roles
//   group admin add|remove ID USER                make a member an admin, or a member again
//   stats                                         counts of users, conversations, messages
// Text is tab-separated; --json prints one JSON document. Main thread.
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

Status ListConversations(const store::StoreConfig& config, const std::string& user, int64_t limit,
                         bool json);
Status ShowConversation(const store::StoreConfig& config, int64_t id, bool json);
// `admin`: true makes USER an admin, false a plain member again. Written to the audit log.
Status SetGroupAdmin(const store::StoreConfig& config, int64_t id, const std::string& user,
                     bool admin);
Status ShowStats(const store::StoreConfig& config, bool json);

}  // namespace mqchat::ctl
