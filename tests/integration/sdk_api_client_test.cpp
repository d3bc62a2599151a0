// The SDK's ApiClient and TokenSource against the real mqchat-api process beside a real broker
// on the same store (SQLite and PostgreSQL): sign up, log in, connect a Client whose tokens come
// from the login and chat; a refused access token replaced by a refresh (rotated, the old
// refresh token then revoking the login); the service's errors as documented Status codes.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/api_client.h"
#include "mqchat/client.h"
#include "support/api_process.h"
#include "support/chat_fixture.h"
#include "support/chat_server.h"
#include "support/free_port.h"
#include "support/rsa_keys.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

class SdkApiClientTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    WriteFile(keys_.File("api.pub.pem"), TestRsaKeys().public_pem);
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_rs256_public_key_file", keys_.File("api.pub.pem")},
                        {"auth_fail_max", "1000"}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    ASSERT_TRUE(server_->Start());
    broker_url_ = "mqtt://127.0.0.1:" + std::to_string(server_->port());
    api_process_ = std::make_unique<ApiProcess>(
        server_->store_config(), std::vector<std::pair<std::string, std::string>>{
                                     {"broker", broker_url_}});
    ASSERT_TRUE(api_process_->Start());
    auto api = ApiClient::Create("http://127.0.0.1:" + std::to_string(api_process_->port()));
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    api_ = std::shared_ptr<ApiClient>(std::move(*api));
  }

  std::unique_ptr<Client> ClientFor(const std::string& user, TokenSource& source) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .TokenProvider(user, source.Provider())
                       .Device("api")
                       .CachePath(dir_.File(user + ".db"))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  TempDir keys_{"mqchat-keys"};
  TempDir dir_{"mqchat-sdk-api"};
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_process_;
  std::shared_ptr<ApiClient> api_;
  std::string broker_url_;
};

#define MQCHAT_REQUIRE_API() \
  if (!server_ || !api_) GTEST_SKIP() << "server not available"

TEST_P(SdkApiClientTest, SignUpLogInAndChatWithTokensFromTheLogin) {
  MQCHAT_REQUIRE_API();
  ASSERT_TRUE(api_->Signup("alice", "alice's password").ok());
  ASSERT_TRUE(api_->Signup("bob", "bob's password").ok());
  auto brokers = api_->Brokers();
  ASSERT_TRUE(brokers.ok()) << brokers.status().ToString();
  EXPECT_EQ(*brokers, std::vector<std::string>{broker_url_});

  // Any spelling logs in; the session carries the stored one.
  auto session = api_->Login("ALICE", "alice's password");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->username, "alice");
  EXPECT_GT(session->expires_in.count(), 0);
  TokenSource source(api_, *session);
  auto alice = ClientFor(session->username, source);
  ASSERT_NE(alice, nullptr);
  Status connected = alice->Connect();
  ASSERT_TRUE(connected.ok()) << connected.ToString();
  auto conversation = alice->OpenDirect("bob").get();
  ASSERT_TRUE(conversation.ok()) << conversation.status().ToString();
  auto ack = alice->Send(conversation->id, "hello from the API login").get();
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->seq, 1);
  // A live token was not refreshed for nothing.
  EXPECT_EQ(source.session().refresh_token, session->refresh_token);
}

TEST_P(SdkApiClientTest, ARefusedTokenIsReplacedByARefreshThatRotatesTheLogin) {
  MQCHAT_REQUIRE_API();
  ASSERT_TRUE(api_->Signup("alice", "alice's password").ok());
  auto session = api_->Login("alice", "alice's password");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const std::string first_refresh = session->refresh_token;
  // An access token the broker refuses (revoked meanwhile, say), with a good refresh token.
  ApiSession stale = *session;
  stale.access_token = "not.a.token";
  std::mutex mu;
  std::vector<ApiSession> rotated;
  TokenSource source(api_, stale, [&](const ApiSession& s) {
    std::lock_guard<std::mutex> lock(mu);
    rotated.push_back(s);
  });
  auto alice = ClientFor("alice", source);
  ASSERT_NE(alice, nullptr);
  Status connected = alice->Connect();
  ASSERT_TRUE(connected.ok()) << connected.ToString();
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(rotated.size(), 1u);
    EXPECT_NE(rotated[0].refresh_token, first_refresh);
    EXPECT_EQ(rotated[0].refresh_token, source.session().refresh_token);
  }
  // The old refresh token was used: presenting it again revokes the whole login, so the
  // source's next refresh is refused too and it says to log in again.
  auto reuse = api_->Refresh(first_refresh);
  EXPECT_EQ(reuse.status().code(), Code::kUnauthenticated) << reuse.status().ToString();
  auto next = source.Token(/*refused=*/true);
  EXPECT_EQ(next.status().code(), Code::kUnauthenticated) << next.status().ToString();
  auto again = source.Token(/*refused=*/true);
  EXPECT_EQ(again.status().code(), Code::kUnauthenticated);
  EXPECT_NE(again.status().message().find("log in again"), std::string::npos)
      << again.status().ToString();
}

TEST_P(SdkApiClientTest, TheServicesErrorsComeBackAsTheirCodes) {
  MQCHAT_REQUIRE_API();
  ASSERT_TRUE(api_->Signup("alice", "alice's password").ok());
  Status taken = api_->Signup("Alice", "another password");
  EXPECT_EQ(taken.code(), Code::kAlreadyExists) << taken.ToString();
  EXPECT_EQ(taken.message().rfind("ALREADY_EXISTS: ", 0), 0u) << taken.ToString();
  Status weak = api_->Signup("carol", "short");
  EXPECT_EQ(weak.code(), Code::kFailedPrecondition) << weak.ToString();
  auto wrong = api_->Login("alice", "not the password");
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated) << wrong.status().ToString();
  auto unknown = api_->Refresh("no-such-refresh-token");
  EXPECT_EQ(unknown.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ApiClient::Create("ftp://127.0.0.1:1").status().code(), Code::kInvalidArgument);
  // Nobody listens there: retryable.
  auto nowhere = ApiClient::Create("http://127.0.0.1:" + std::to_string(FreePort()),
                                   std::chrono::seconds(2));
  ASSERT_TRUE(nowhere.ok());
  EXPECT_EQ((*nowhere)->Login("alice", "alice's password").status().code(), Code::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Stores, SdkApiClientTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
