// AdminReports: the admin API's moderation queue (issue 24), what `mqchatctl reports` does
// (both are moderation.h); every request needs the admin key (AdminHandlers::Authorized, else
// 401). Reports are shown as moderation::ReportJson: the reported message's text is the
// snapshot taken when the report was filed.
//  - GET /v1/admin/reports[?open=true]: {"reports": [...]}, oldest first (open=true: only
//    unresolved ones).
//  - GET /v1/admin/reports/{id}: {"report": {...}}; 404 if there is none.
//  - POST /v1/admin/reports/{id}/resolve {note?, delete_message?, disable_user?}: takes the
//    actions and resolves it; 200 {"report": {...}} as resolved. 404 no such report (or no
//    such user left to disable); 422 resolved already, delete_message for a report of a user
//    alone, or the message no longer there. A deletion reaches the members' connected devices
//    live (an `entry` broker notice). Each action is in the audit log, by "operator".
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>

#include "admin.h"
#include "http_types.h"
#include "ids/operator_ids.h"
#include "admin_stores.h"

namespace mqchat::api {

// The longest resolution note, in bytes.
inline constexpr size_t kMaxReportNoteBytes = 1000;

class AdminReports {
 public:
  // Everything passed outlives this.
  AdminReports(const AdminHandlers* admin, AdminStores* stores, std::function<int64_t()> now_ms)
      : admin_(admin), stores_(stores), now_ms_(std::move(now_ms)) {}

  ApiResponse List(const ApiRequest& request);
  ApiResponse Get(const ApiRequest& request);
  ApiResponse Resolve(const ApiRequest& request);

 private:
  const AdminHandlers* admin_;
  AdminStores* stores_;
  std::function<int64_t()> now_ms_;
  OperatorIds ids_;
};

}  // namespace mqchat::api
