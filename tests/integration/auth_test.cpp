// Authentication and client identity over a real broker with the plugin, on both stores.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <ctime>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/base64url.h"
#include "auth/jwt.h"
#include "support/chat_server.h"
#include "support/mqtt_test_client.h"
#include "support/subprocess.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr int kV5NotAuthorized = 0x87;
constexpr int kV3NotAuthorized = 5;
const std::string kHsSecret = "integration-test-secret-0123456789abcdef";

struct RsaKeys {
  std::string private_pem;
  std::string public_pem;
};

RsaKeys MakeRsaKeys() {
  RsaKeys keys;
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub, pkey);
  char* data = nullptr;
  long n = BIO_get_mem_data(priv, &data);
  keys.private_pem.assign(data, static_cast<size_t>(n));
  n = BIO_get_mem_data(pub, &data);
  keys.public_pem.assign(data, static_cast<size_t>(n));
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(pkey);
  return keys;
}

const RsaKeys& Keys() {
  static const RsaKeys keys = MakeRsaKeys();
  return keys;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

class AuthTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    key_dir_ = std::make_unique<TempDir>("mqchat-keys");
    WriteFile(key_dir_->File("rs256.pub.pem"), Keys().public_pem);
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_hs256_secret", kHsSecret},
                        {"jwt_rs256_public_key_file", key_dir_->File("rs256.pub.pem")},
                        {"jwt_issuer", "https://login.test"},
                        {"jwt_audience", "mqchat"},
                        // Every test connects from 127.0.0.1: keep the per-address throttle
                        // out of the way (LoginThrottle has its own tests).
                        {"auth_fail_max", "1000"},
                        {"auth_fail_max_per_prefix", "1000"},
                        // Password logins in quick succession: the hash budget has its own
                        // tests (login_flood_test, authenticator_test).
                        {"auth_hashes_per_s", "1000"},
                        {"auth_hash_duty_percent", "100"}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    ASSERT_TRUE(server_->AddUser("alice", "alice-pw").ok());
    ASSERT_TRUE(server_->AddUser("bob", "bob-pw").ok());
    ASSERT_TRUE(server_->AddUser("dave", "dave-pw").ok());
    ASSERT_TRUE(server_->accounts().SetState("dave", store::UserState::kDisabled).ok());
    ASSERT_TRUE(server_->Start());
  }

  int ConnectAs(MqttTestClient& c, const std::string& client_id,
                std::optional<std::string> user, std::optional<std::string> pass,
                int version = 5) {
    ConnectOptions o;
    o.port = server_->port();
    o.client_id = client_id;
    o.username = std::move(user);
    o.password = std::move(pass);
    o.mqtt_version = version;
    return c.Connect(o);
  }

  int TryLogin(const std::string& user, const std::string& pass, int version = 5) {
    MqttTestClient c;
    return ConnectAs(c, user + "/dev1", user, pass, version);
  }

  nlohmann::json Claims(const std::string& sub, int64_t exp_offset) {
    return {{"sub", sub},
            {"iss", "https://login.test"},
            {"aud", "mqchat"},
            {"iat", Now()},
            {"exp", Now() + exp_offset}};
  }

  std::unique_ptr<TempDir> key_dir_;
  std::unique_ptr<ChatServer> server_;
};

#define REQUIRE_SERVER() \
  if (!server_) GTEST_SKIP() << "server not available"

TEST_P(AuthTest, RightPasswordConnectsOnV5AndV311) {
  REQUIRE_SERVER();
  EXPECT_EQ(TryLogin("alice", "alice-pw"), 0);
  EXPECT_EQ(TryLogin("alice", "alice-pw", 4), 0);
}

TEST_P(AuthTest, BadCredentialsAreRefused) {
  REQUIRE_SERVER();
  EXPECT_EQ(TryLogin("alice", "wrong"), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("alice", "wrong", 4), kV3NotAuthorized);
  EXPECT_EQ(TryLogin("mallory", "whatever"), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("dave", "dave-pw"), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("dave", "dave-pw", 4), kV3NotAuthorized);
}

TEST_P(AuthTest, AnonymousIsRefused) {
  REQUIRE_SERVER();
  MqttTestClient c;
  EXPECT_EQ(ConnectAs(c, "anon/dev", std::nullopt, std::nullopt), kV5NotAuthorized);
  MqttTestClient c3;
  EXPECT_EQ(ConnectAs(c3, "anon/dev", std::nullopt, std::nullopt, 4), kV3NotAuthorized);
}

TEST_P(AuthTest, SpoofedOrMalformedClientIdIsRefused) {
  REQUIRE_SERVER();
  for (const std::string cid : {"bob/dev1", "alice", "alice/", "alice/a/b", "alice/+", "x/#"}) {
    MqttTestClient c;
    EXPECT_EQ(ConnectAs(c, cid, "alice", "alice-pw"), kV5NotAuthorized) << cid;
  }
  MqttTestClient special;
  EXPECT_EQ(ConnectAs(special, "al+ce/d", "al+ce", "x"), kV5NotAuthorized);
  MqttTestClient hash;
  EXPECT_EQ(ConnectAs(hash, "#/d", "#", "x"), kV5NotAuthorized);
}

TEST_P(AuthTest, TokensVerifiedStrictly) {
  REQUIRE_SERVER();
  auto hs = auth::SignHs256(Claims("alice", 600), kHsSecret);
  auto rs = auth::SignRs256(Claims("bob", 600), Keys().private_pem);
  auto token_user = auth::SignHs256(Claims("tina", 600), kHsSecret);  // not in the store
  auto expired = auth::SignHs256(Claims("alice", -600), kHsSecret);
  auto wrong_key = auth::SignHs256(Claims("alice", 600), std::string(40, 'x'));
  auto wrong_aud = auth::SignHs256(
      nlohmann::json{{"sub", "alice"}, {"iss", "https://login.test"}, {"aud", "other"},
                     {"exp", Now() + 600}},
      kHsSecret);
  // Algorithm confusion: HS256 "signed" with the RSA public key as the HMAC secret.
  auto confused = auth::SignHs256(Claims("alice", 600), Keys().public_pem);
  auto disabled = auth::SignHs256(Claims("dave", 600), kHsSecret);
  ASSERT_TRUE(hs.ok() && rs.ok() && expired.ok() && wrong_key.ok() && confused.ok());
  // alg none: header {"alg":"none","typ":"JWT"}, claims, empty signature.
  std::string none = auth::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                     auth::Base64UrlEncode(Claims("alice", 600).dump()) + ".";

  EXPECT_EQ(TryLogin("alice", *hs), 0);
  EXPECT_EQ(TryLogin("bob", *rs), 0);
  EXPECT_EQ(TryLogin("tina", *token_user), 0);
  EXPECT_EQ(TryLogin("alice", *expired), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("alice", *wrong_key), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("alice", *wrong_aud), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("alice", *confused), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("alice", none), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("dave", *disabled), kV5NotAuthorized);
  EXPECT_EQ(TryLogin("bob", *hs), kV5NotAuthorized);  // token of alice, username bob
}

TEST_P(AuthTest, DisablingAUserEndsTheirSessionAndNewLogins) {
  REQUIRE_SERVER();
  MqttTestClient c;
  ASSERT_EQ(ConnectAs(c, "bob/phone", "bob", "bob-pw"), 0);
  auto ctl = server_->CtlStoreArgs();
  std::vector<std::string> argv = {MQCHATCTL_PATH};
  argv.insert(argv.end(), ctl.begin(), ctl.end());
  argv.insert(argv.end(), {"user", "disable", "bob"});
  auto r = RunCommand(argv);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(c.WaitDisconnected(std::chrono::seconds(10)));
  EXPECT_EQ(TryLogin("bob", "bob-pw"), kV5NotAuthorized);
}

TEST_P(AuthTest, UserAddedWhileRunningCanLogIn) {
  REQUIRE_SERVER();
  ASSERT_TRUE(server_->AddUser("erin", "erin-pw").ok());
  EXPECT_TRUE(WaitFor([&] { return TryLogin("erin", "erin-pw") == 0; }, std::chrono::seconds(10),
                      "erin's login after the directory refresh"));
}

INSTANTIATE_TEST_SUITE_P(Stores, AuthTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
