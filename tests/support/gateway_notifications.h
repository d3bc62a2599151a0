// The notifications a fake push gateway (HttpTestServer) received for one token: what the push
// tests assert on. Test thread only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_test_server.h"

namespace mqchat::test {

// The `notification` objects of the requests to `gateway` that name `token`, in arrival order;
// with `ok_only`, only those the gateway answered 2xx.
std::vector<nlohmann::json> GatewayNotifications(const HttpTestServer& gateway,
                                                 const std::string& token, bool ok_only = true);

}  // namespace mqchat::test
