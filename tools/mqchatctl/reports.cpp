#include "reports.h"

#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "store/store_factory.h"

namespace mqchat::ctl {
namespace {

Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

nlohmann::json ReportJson(const store::Report& r) {
  nlohmann::json out = {{"id", r.id},
                        {"reporter", r.filed.reporter},
                        {"reported_user", r.filed.reported_user},
                        {"reason", r.filed.reason},
                        {"details", r.filed.details},
                        {"created_at_ms", r.filed.created_at_ms},
                        {"open", !r.resolved_at_ms.has_value()}};
  if (r.filed.message) {
    out["conversation_id"] = std::to_string(r.filed.message->conversation_id);
    out["seq"] = r.filed.message->seq;
    out["message_text"] = r.filed.message->text;
  }
  if (r.resolved_at_ms) {
    out["resolved_at_ms"] = *r.resolved_at_ms;
    out["resolution"] = r.resolution;
  }
  return out;
}

// One line of text: tabs and newlines of user text would break the columns.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

Result<store::ReportStorePtr> Open(const store::StoreConfig& config) {
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  auto s = store::OpenReportStore(existing);
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
    for (const auto& r : *reports) out.push_back(ReportJson(r));
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

Status ResolveReport(const store::StoreConfig& config, int64_t id, const std::string& note) {
  MQCHAT_ASSIGN_OR_RETURN(auto store, Open(config));
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  Status s = store->ResolveReport(id, note, now_ms);
  if (s.code() == Code::kNotFound) return s;
  if (s.code() == Code::kFailedPrecondition) return Status::InvalidArgument(s.message());
  if (!s.ok()) return StoreError(s);
  std::cout << "resolved report " << id << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
