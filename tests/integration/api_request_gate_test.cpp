// The API service's front gate (issue 29; api/src/request_gate.h) in the real mqchat-api: past
// its address's request burst a client gets 429 RATE_LIMITED with Retry-After and a JSON body
// before the request reaches a handler (a login past it is not even checked), another address
// is unaffected.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/http_from.h"
#include "support/raw_connect.h"

namespace mqchat::test {
namespace {

TEST(ApiFrontGateTest, PastItsBurstAnAddressGets429WithRetryAfterBeforeAnyHandler) {
  ChatServerOptions o;
  o.store = StoreKind::kSqlite;
  auto server = ChatServer::Create(std::move(o));
  ASSERT_TRUE(server);
  // One request a second with a burst of 3; the network's rate out of the way.
  ApiProcess api(server->store_config(), {{"request_rate_per_address", "1"},
                                          {"request_burst_per_address", "3"},
                                          {"request_rate_per_prefix", "0"}});
  ASSERT_TRUE(api.Start());
  const std::string body = R"({"username":"nobody","password":"guess"})";
  const std::string from = LoopbackAddress(0);
  // The burst goes through to the handler (401); then, as fast as they come, refusals (the bucket
  // refills one a second, so a slow machine may let one more through before the first 429).
  int answered = 0;
  HttpFromResult refused;
  for (int i = 0; i < 20 && refused.status != 429; ++i) {
    auto reply = PostJsonFrom(from, api.port(), "/v1/login", body);
    if (reply.status == 429) {
      refused = reply;
    } else {
      EXPECT_EQ(reply.status, 401) << reply.body;
      ++answered;
    }
  }
  EXPECT_GE(answered, 3) << "the burst";
  ASSERT_EQ(refused.status, 429) << "never refused";
  EXPECT_NE(refused.body.find("\"RATE_LIMITED\""), std::string::npos) << refused.body;
  // Another address has its own budget.
  EXPECT_EQ(PostJsonFrom(LoopbackAddress(1), api.port(), "/v1/login", body).status, 401);

  // From the test's own address (ApiProcess's client): the headers of the refusal.
  ApiReply reply;
  for (int i = 0; i < 5 && reply.status != 429; ++i) reply = api.Get("/v1/health");
  ASSERT_EQ(reply.status, 429);
  EXPECT_EQ(reply.error_code(), "RATE_LIMITED");
  EXPECT_GE(std::stoi(reply.retry_after), 1);
  EXPECT_EQ(reply.content_type.rfind("application/json", 0), 0u);
}

}  // namespace
}  // namespace mqchat::test
