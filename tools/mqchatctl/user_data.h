// mqchatctl's data-rights commands (issue 24; docs/OPERATIONS.md "Erasure and export"):
// `user erase NAME [--messages]` deletes the account as `user delete` does and, with
// --messages, turns every message the user sent into a tombstone (text removed, seq kept);
// `user export NAME FILE` writes the user's profile, conversations and the messages they sent
// as one JSON document to a new file (mode 0600). Both are written to the audit log. Main
// thread.
#pragma once

#include <string>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// kNotFound if there is no such user; kUnavailable for a store failure.
Status EraseUser(const store::StoreConfig& config, const std::string& name, bool messages);
// kNotFound if there is no such user, kAlreadyExists if `path` exists (it is never
// overwritten); kUnavailable for a store failure or a write error (the partial file is
// removed).
Status ExportUser(const store::StoreConfig& config, const std::string& name,
                  const std::string& path);

}  // namespace mqchat::ctl
