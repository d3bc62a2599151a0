// The terminal client logs in through the API service (issue 29), against a broker with the
// plugin's defaults (password login over MQTT off, as scripts/run.sh writes it):
// `mqchat signup` / `mqchat login` keep a refresh token (never the password) in a 0600 file,
// later commands chat with tokens from it (refreshing and rotating it when the stored access
// token has run out), `--api` with a password logs in without storing, a password sent to the
// broker itself is refused, and `mqchat logout` deletes the login. Over an HTTPS API with a
// private CA, `--cafile` makes the terminal trust it (and the stored login keeps it for the
// refreshes of later runs); without it the login is refused as unverifiable.
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/rsa_keys.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"
#include "support/test_paths.h"

namespace mqchat::test {
namespace {

class TerminalApiLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef MQCHAT_CLI_PATH
    GTEST_SKIP() << "built without the mqchat terminal client";
#else
    WriteFile(keys_.File("api.pub.pem"), TestRsaKeys().public_pem);
    ChatServerOptions o;
    o.store = StoreKind::kSqlite;
    o.fixture_defaults = false;  // password login off, as shipped
    o.plugin_opts = {{"jwt_rs256_public_key_file", keys_.File("api.pub.pem")}};
    server_ = ChatServer::Create(std::move(o));
    if (!server_) return;
    ASSERT_TRUE(server_->Start());
    api_ = std::make_unique<ApiProcess>(server_->store_config());
    ASSERT_TRUE(api_->Start());
#endif
  }

  // `mqchat` with the broker's port, the config dir and `args`.
  RunResult Cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "MQCHAT_CONFIG_DIR=" + config_.File("cfg"),
#ifdef MQCHAT_CLI_PATH
                                     MQCHAT_CLI_PATH,
#endif
                                     "--port", std::to_string(server_->port()), "--device",
                                     "cli"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  std::string ApiUrl() const { return "http://127.0.0.1:" + std::to_string(api_->port()); }
  std::string SessionFile(const std::string& user) const {
    return config_.File("cfg") + "/session-" + user + ".json";
  }

  TempDir keys_{"mqchat-keys"};
  TempDir config_{"mqchat-cli-config"};
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

TEST_F(TerminalApiLoginTest, SignupLoginKeepsOnlyARefreshTokenAndChatsWithTokens) {
  if (!server_ || !api_) GTEST_SKIP() << "server not available";
  const std::string kPassword = "alice's long password";
  auto signup = Cli({"--api", ApiUrl(), "-u", "alice", "--password", kPassword, "signup"});
  ASSERT_EQ(signup.exit_code, 0) << signup.output;
  auto bob = Cli({"--api", ApiUrl(), "-u", "bob", "--password", "bob's long password", "signup"});
  ASSERT_EQ(bob.exit_code, 0) << bob.output;

  struct stat st {};
  ASSERT_EQ(::stat(SessionFile("alice").c_str(), &st), 0) << signup.output;
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string stored = ReadFile(SessionFile("alice"));
  EXPECT_EQ(stored.find(kPassword), std::string::npos) << "the password must not be stored";
  auto first = nlohmann::json::parse(stored);
  ASSERT_TRUE(first["refresh_token"].is_string());

  // No password, no token: the stored login gives the broker a token.
  auto sent = Cli({"-u", "alice", "send", "@bob", "hello", "from", "a", "stored", "login"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  // The stored access token ran out: the next run refreshes, and the file keeps the rotated
  // refresh token (the old one, used again, would end the login).
  first["expires_at_ms"] = 0;
  WriteFile(SessionFile("alice"), first.dump());
  auto history = Cli({"-u", "bob", "history", "@alice"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("hello from a stored login"), std::string::npos)
      << history.output;
  auto again = Cli({"-u", "alice", "send", "@bob", "after", "a", "refresh"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  auto rotated = nlohmann::json::parse(ReadFile(SessionFile("alice")));
  EXPECT_NE(rotated["refresh_token"], first["refresh_token"]);

  // A password given to the broker itself is refused (exit 4); through --api it logs in.
  // (carol has no stored login, whose API URL mqchat would otherwise use.)
  ASSERT_EQ(api_->Post("/v1/signup", {{"username", "carol"}, {"password", "carol's password"}})
                .status,
            201);
  auto direct = Cli({"-u", "carol", "--password", "carol's password", "groups"});
  EXPECT_EQ(direct.exit_code, 4) << direct.output;
  auto via_api = Cli({"-u", "bob", "--password", "bob's long password", "--api", ApiUrl(),
                      "send", "@alice", "via", "the", "api"});
  EXPECT_EQ(via_api.exit_code, 0) << via_api.output;
  auto wrong = Cli({"-u", "bob", "--password", "not it", "--api", ApiUrl(), "groups"});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.output;

  auto logout = Cli({"-u", "alice", "logout"});
  EXPECT_EQ(logout.exit_code, 0) << logout.output;
  EXPECT_NE(::access(SessionFile("alice").c_str(), F_OK), 0) << "logout deletes the login";
}

TEST_F(TerminalApiLoginTest, LogsInThroughAnHttpsApiWithAPrivateCaGivenByCafile) {
  if (!server_ || !api_) GTEST_SKIP() << "server not available";
  TestCertificateAuthority ca("mqchat terminal test CA");
  TempDir tls("mqchat-cli-tls");
  const auto cert = ca.IssueServer("127.0.0.1", "IP:127.0.0.1,DNS:localhost");
  WriteFile(tls.File("ca.pem"), ca.cert_pem());
  WriteFile(tls.File("api.crt"), cert.cert_pem);
  WriteFile(tls.File("api.key"), cert.key_pem);
  ApiProcess https_api(server_->store_config(), {{"tls_cert_file", tls.File("api.crt")},
                                                 {"tls_key_file", tls.File("api.key")}});
  ASSERT_TRUE(https_api.Start());
  const std::string url = "https://127.0.0.1:" + std::to_string(https_api.port());
  // Both accounts through the plain API (the same store); the HTTPS one is what is tried.
  for (const char* user : {"dave", "erin"}) {
    ASSERT_EQ(api_->Post("/v1/signup", {{"username", user}, {"password", "a long password"}})
                  .status,
              201);
  }

  // Without the CA the certificate cannot be verified: the API is unreachable (exit 3), and no
  // login is kept.
  auto untrusted = Cli({"--api", url, "-u", "dave", "--password", "a long password", "login"});
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.output;
  EXPECT_NE(::access(SessionFile("dave").c_str(), F_OK), 0);

  auto login = Cli({"--api", url, "--cafile", tls.File("ca.pem"), "-u", "dave", "--password",
                    "a long password", "login"});
  ASSERT_EQ(login.exit_code, 0) << login.output;
  auto stored = nlohmann::json::parse(ReadFile(SessionFile("dave")));
  EXPECT_EQ(stored["api"], url);
  EXPECT_EQ(stored["ca_file"], tls.File("ca.pem"));
  // A later run without --cafile: the stored access token has run out, so it refreshes at the
  // HTTPS API, verified against the CA kept with the login, and chats.
  stored["expires_at_ms"] = 0;
  WriteFile(SessionFile("dave"), stored.dump());
  auto sent = Cli({"-u", "dave", "send", "@erin", "over", "https"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_NE(nlohmann::json::parse(ReadFile(SessionFile("dave")))["refresh_token"],
            stored["refresh_token"])
      << "refreshed at the HTTPS API";

  // A password login through the HTTPS API without storing anything, with --cafile.
  auto via_api = Cli({"--api", url, "--cafile", tls.File("ca.pem"), "-u", "erin", "--password",
                      "a long password", "history", "@dave"});
  ASSERT_EQ(via_api.exit_code, 0) << via_api.output;
  EXPECT_NE(via_api.output.find("over https"), std::string::npos) << via_api.output;
}

}  // namespace
}  // namespace mqchat::test
