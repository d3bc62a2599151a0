// The moderation queue's reading and resolution (issue 24), written once for both of its
// front ends: `mqchatctl reports` (tools/mqchatctl/reports.h) and the admin API's
// /v1/admin/reports (admin_reports.h). Resolving a report first takes the actions asked for:
// the reported message deleted for everyone by a moderator's delete event (appended like a
// client's through ChatStore::AppendBatch with AppendRequest::moderator, so clients show a
// tombstone; the append writes an `entry` broker notice, so every broker delivers it live to
// the members' connected devices), the reported user disabled (logins refused, sessions ended
// by the brokers' user refresher); each action and the resolution go to the audit log.
// The stores are the caller's (one thread).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ids/operator_ids.h"
#include "mqchat/status.h"
#include "store/account_store.h"
#include "store/chat_store.h"
#include "store/report_store.h"
#include "store/user_data_store.h"

namespace mqchat::moderation {

// A report as both front ends show it: id, reporter, reported_user, reason, details,
// created_at_ms, open; with a message: conversation_id (a decimal string), seq, message_text
// (the snapshot taken when it was filed); once resolved: resolved_at_ms, resolution.
nlohmann::json ReportJson(const store::Report& report);

// Report `id`: kNotFound if there is none; store failures as kUnavailable.
Result<store::Report> FindReport(store::ReportStore& reports, int64_t id);

struct Resolution {
  std::string note;
  bool delete_message = false;  // the reported message, deleted for everyone
  bool disable_user = false;    // the reported user's account
};

// What ResolveReport works on: one database's stores, and the ids of moderator entries.
struct Stores {
  store::ReportStore& reports;
  store::ChatStore& chat;
  store::AccountStore& accounts;
  store::UserDataStore& audit;
  OperatorIds& ids;
};

// Resolves report `id` after the actions `how` asks for; returns what was done, as the
// resolution's text after the note says it (" [message C:S deleted]", " [user U disabled]").
// Refusals, with nothing done: kNotFound (no such report), kInvalidArgument (resolved already;
// delete_message for a report of a user alone; the message is no longer there to delete).
// kNotFound also when the reported user no longer exists to disable (after the message's
// deletion, if asked: that stays done). Store failures: kUnavailable (an action taken before
// it stays taken, and audited).
Result<std::string> ResolveReport(const Stores& stores, int64_t id, const Resolution& how,
                                  int64_t now_ms);

}  // namespace mqchat::moderation
