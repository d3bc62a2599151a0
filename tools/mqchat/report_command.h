// The terminal client's /report (issue 24; docs/PROTOCOL.md "report"): "/report SEQ REASON
// [DETAILS]" reports message #SEQ of the open conversation, "/report @USER REASON [DETAILS]" a
// user, to the operator's moderation queue. REASON is one of the protocol's list (spam,
// harassment, hate, sexual, violence, self_harm, impersonation, other). Main thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "mqchat/client.h"

namespace mqchat::cli {

inline constexpr char kReportHelp[] =
    "  /report SEQ|@USER REASON [DETAILS]\n"
    "                             report message #SEQ of the open conversation, or USER, to\n"
    "                             the operator (REASON: spam, harassment, hate, sexual,\n"
    "                             violence, self_harm, impersonation, other)";

// Runs `w` (the words of `line`, w[0] == "/report") against `conversation` (0: none open);
// returns the line to print: the report's id, a usage line, or the refusal.
std::string ReportCommand(Client& client, int64_t conversation, const std::vector<std::string>& w,
                          const std::string& line, std::chrono::seconds timeout);

}  // namespace mqchat::cli
