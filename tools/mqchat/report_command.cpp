#include "report_command.h"

#include "cli.h"
#include "command_words.h"

namespace mqchat::cli {

std::string ReportCommand(Client& client, int64_t conversation, const std::vector<std::string>& w,
                          const std::string& line, std::chrono::seconds timeout) {
  if (w.size() < 3) return "! usage: /report SEQ|@USER REASON [DETAILS]";
  AbuseReport report;
  if (w[1].size() > 1 && w[1][0] == '@') {
    report.user = w[1].substr(1);
  } else {
    report.seq = ParseSeq(w[1]);
    if (report.seq <= 0) return "! usage: /report SEQ|@USER REASON [DETAILS]";
    if (conversation == 0) return "! open a conversation first (/open NAME|@USER|ID)";
    report.conversation_id = conversation;
  }
  report.reason = w[2];
  report.details = RestAfter(line, 3);
  auto done = client.Report(std::move(report));
  auto filed = Await(done, timeout, Result<ReportReceipt>(Status::Unavailable("timed out")));
  if (!filed.ok()) return "! report refused: " + Describe(filed.status());
  return "* reported (report " + std::to_string(filed->report_id) +
         (filed->duplicate ? ", filed before" : "") + "); the operator will look at it";
}

}  // namespace mqchat::cli
