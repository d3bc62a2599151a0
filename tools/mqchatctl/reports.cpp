#include "reports.h"

#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "ids/operator_ids.h"
#include "moderation.h"
#include "store/store_factory.h"

namespace mqchat::ctl {
namespace {

Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

// One line of text: tabs and newlines of user text would break the columns.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

store::StoreConfig Existing(const store::StoreConfig& config) {
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  return existing;
}

Result<store::ReportStorePtr> Open(const store::StoreConfig& config) {
  auto s = store::OpenReportStore(Existing(config));
  if (!s.ok()) return StoreError(s.status());
  return std::move(s).value();
}

}  // namespace

Status ListReports(const store::StoreConfig& config, bool open_only, bool json) {
  MQCHAT_ASSIGN_OR_RETURN(auto store, Open(config));
  auto reports = store->ListReports(open_only);
  if (!reports.ok()) return StoreError(reports.status());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *reports) out.push_back(moderation::ReportJson(r));
    std::cout << out.dump() << "\n";
    return Status::Ok();
  }
  // id, state, reporter, reported user, reason, conversation:seq (or -), message text, details
  for (const auto& r : *reports) {
    std::cout << r.id << "\t" << (r.resolved_at_ms ? "resolved" : "open") << "\t"
              << r.filed.reporter << "\t" << r.filed.reported_user << "\t" << r.filed.reason
              << "\t"
              << (r.filed.message ? std::to_string(r.filed.message->conversation_id) + ":" +
                                        std::to_string(r.filed.message->seq)
                                  : std::string("-"))
              << "\t" << OneLine(r.filed.message ? r.filed.message->text : "") << "\t"
              << OneLine(r.filed.details) << "\n";
  }
  return Status::Ok();
}

Status ResolveReport(const store::StoreConfig& config, int64_t id, const Resolution& how) {
  MQCHAT_ASSIGN_OR_RETURN(auto reports, Open(config));
  auto chat = store::OpenChatStore(Existing(config));
  if (!chat.ok()) return StoreError(chat.status());
  auto accounts = store::OpenAccountStore(Existing(config));
  if (!accounts.ok()) return StoreError(accounts.status());
  auto audit = store::OpenUserDataStore(Existing(config));
  if (!audit.ok()) return StoreError(audit.status());
  OperatorIds ids;
  const moderation::Stores stores{*reports, **chat, **accounts, **audit, ids};
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  MQCHAT_ASSIGN_OR_RETURN(std::string done, moderation::ResolveReport(stores, id, how, now_ms));
  std::cout << "resolved report " << id << done << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
