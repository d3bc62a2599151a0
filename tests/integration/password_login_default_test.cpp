// Passwords go to the API service, not the broker (issue 29): a broker with the plugin's
// defaults (as the shipped configs and scripts/run.sh write them: plugin_opt_password_login
// off) refuses a password CONNECT with CONNACK 0x87 without hashing, and takes a token; the
// terminal client logs in through mqchat-api (`mqchat signup` / `login`), keeps only a refresh
// token in a 0600 file, and chats with tokens from it.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/jwt.h"
#include "auth/password_hash.h"
#include "support/api_process.h"
#include "support/chat_fixture.h"
#include "support/chat_server.h"
#include "support/raw_connect.h"
#include "support/rsa_keys.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr int kNotAuthorized = 0x87;

std::unique_ptr<ChatServer> DefaultServer(const TempDir& keys) {
  WriteFile(keys.File("api.pub.pem"), TestRsaKeys().public_pem);
  ChatServerOptions o;
  o.store = StoreKind::kSqlite;
  o.fixture_defaults = false;  // password_login as the plugin defaults it
  o.plugin_opts = {{"jwt_hs256_secret", kTestJwtSecret},
                   {"jwt_rs256_public_key_file", keys.File("api.pub.pem")}};
  auto server = ChatServer::Create(std::move(o));
  if (!server) return nullptr;
  EXPECT_TRUE(server->AddUser("alice", "right-pw").ok());
  EXPECT_TRUE(server->Start());
  return server;
}

std::chrono::microseconds Median(std::vector<std::chrono::microseconds> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST(PasswordLoginDefaultTest, RefusesPasswordsWithoutHashingAndAcceptsTokens) {
  TempDir keys("mqchat-keys");
  auto server = DefaultServer(keys);
  ASSERT_TRUE(server);
  // One PBKDF2 of the stored cost, here, for scale: a refusal that hashed would take as long.
  auto hash = auth::HashPassword("right-pw");
  ASSERT_TRUE(hash.ok());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(auth::VerifyPassword("right-pw", *hash).ok());
  const auto one_hash = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - t0);

  std::vector<std::chrono::microseconds> refusals;
  for (int i = 0; i < 15; ++i) {  // the right password, from fresh addresses: still refused
    auto r = RawConnect(server->port(), LoopbackAddress(i), "alice/p" + std::to_string(i),
                        "alice", "right-pw");
    ASSERT_EQ(r.reason, kNotAuthorized) << "attempt " << i;
    refusals.push_back(r.elapsed);
  }
  EXPECT_LT(Median(refusals), one_hash / 2)
      << "a refused password must not cost a hash (one hash here: " << one_hash.count() << " us)";

  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto jwt = auth::SignHs256({{"sub", "alice"}, {"iat", now}, {"exp", now + 3600}}, kTestJwtSecret);
  ASSERT_TRUE(jwt.ok());
  auto token = RawConnect(server->port(), LoopbackAddress(100), "alice/t", "alice", *jwt);
  EXPECT_EQ(token.reason, 0) << "a token logs in";
}

}  // namespace
}  // namespace mqchat::test
