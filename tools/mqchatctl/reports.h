// mqchatctl's moderation commands (issue 24): `reports list [--open] [--json]` prints the
// reports users filed (oldest first; the reported message's text as it was when filed), and
// `reports resolve ID [--note TEXT] [--delete-message] [--disable-user]` marks one resolved,
// after acting on it: the reported message deleted for everyone by the moderator (a delete
// event in the conversation's log, as a deletion by its sender or a group admin is, so clients
// show a tombstone), the reported user disabled (logins refused, sessions ended by the brokers'
// directory refresh). Each action and the resolution are written to the audit log. The queue's
// rules are moderation.h's (api/src/), which the admin API's /v1/admin/reports shares. Main
// thread.
#pragma once

#include <cstdint>
#include <string>

#include "moderation.h"
#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// Prints the reports (only unresolved ones if `open_only`): tab-separated lines, or one JSON
// array with `json`. kUnavailable for a store failure.
Status ListReports(const store::StoreConfig& config, bool open_only, bool json);
using Resolution = moderation::Resolution;

// Resolves report `id`, first taking the actions `resolution` asks for. kNotFound if there is
// no such report; kInvalidArgument if it was resolved already, or --delete-message for a
// report of a user alone (refusals, nothing done: exit code 1; moderation::ResolveReport).
Status ResolveReport(const store::StoreConfig& config, int64_t id, const Resolution& resolution);

}  // namespace mqchat::ctl
