#include "support/gateway_notifications.h"

#include <algorithm>

namespace mqchat::test {

std::vector<nlohmann::json> GatewayNotifications(const HttpTestServer& gateway,
                                                 const std::string& token, bool ok_only) {
  std::vector<nlohmann::json> out;
  for (const auto& ex : gateway.Exchanges()) {
    const auto tokens = NotificationTokens(ex.request.json);
    if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) continue;
    if (ok_only && (ex.reply.status < 200 || ex.reply.status >= 300)) continue;
    out.push_back(ex.request.json["notification"]);
  }
  return out;
}

}  // namespace mqchat::test
