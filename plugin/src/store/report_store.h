// ReportStore: the moderation queue (issue 24), behind one interface for SQLite and
// PostgreSQL (migration 012). Users file reports (the plugin, on its writer, once it has
// checked that the reporter may see the reported message and copied its text); an operator
// lists and resolves them (mqchatctl reports). An instance owns one database connection and is
// confined to the thread that uses it. Never the broker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::store {

struct ReportedMessage {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  std::string text;  // as it was when the report was filed
};

struct NewReport {
  std::string reporter;
  std::string client_msg_id;  // one report per (reporter, client_msg_id)
  std::string reported_user;
  std::optional<ReportedMessage> message;
  std::string reason;   // checked by the caller (a fixed list)
  std::string details;  // free text, bounded by the caller
  int64_t created_at_ms = 0;
};

struct Report {
  int64_t id = 0;
  NewReport filed;
  std::optional<int64_t> resolved_at_ms;  // nullopt while open
  std::string resolution;
};

struct FiledReport {
  Report report;
  bool duplicate = false;  // filed before with the same (reporter, client_msg_id)
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;

  // Files `r`, or returns the report filed before under the same (reporter, client_msg_id)
  // unchanged (duplicate). kNotFound if `r.reported_user` is not a user.
  virtual Result<FiledReport> FileReport(const NewReport& r) = 0;
  // Reports oldest first; only unresolved ones if `open_only`.
  virtual Result<std::vector<Report>> ListReports(bool open_only) = 0;
  // Marks report `id` resolved with `resolution` (free text). kNotFound if there is no such
  // report; kFailedPrecondition if it was resolved already (nothing changes).
  virtual Status ResolveReport(int64_t id, const std::string& resolution, int64_t now_ms) = 0;
};

using ReportStorePtr = std::unique_ptr<ReportStore>;

}  // namespace mqchat::store
