#include "protocol/report.h"

namespace mqchat::protocol {

bool IsReportReason(std::string_view reason) {
  for (std::string_view r : kReportReasons) {
    if (r == reason) return true;
  }
  return false;
}

}  // namespace mqchat::protocol
