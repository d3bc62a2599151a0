// TLS (issue 19): mosquitto's MQTT-over-TLS and WebSocket-over-TLS listeners serving a
// certificate from a CA the test makes, the SDK connecting with ssl:// and wss:// and verifying
// the broker (chain and name), and the terminal client with --tls --cafile. A client refuses a
// broker whose certificate it cannot trust or that names another host.
#include <chrono>
#include <ctime>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/jwt.h"
#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/chat_server.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr std::chrono::milliseconds kWait = std::chrono::seconds(20);

void WriteText(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>("mqchat-tls");
    ca_path_ = dir_->File("ca.pem");
    WriteText(ca_path_, ca_.cert_pem());
    ChatServerOptions options;
    options.websockets = true;
    options.tls = ca_.IssueServer("127.0.0.1", "IP:127.0.0.1,DNS:localhost");
    options.plugin_opts = {{"jwt_hs256_secret", kTestJwtSecret}};
    server_ = ChatServer::Create(options);
    if (server_ && !server_->Start()) server_.reset();
  }

  static std::string Token(const std::string& user) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    auto token = auth::SignHs256({{"sub", user}, {"iat", now}, {"exp", now + 3600}}, kTestJwtSecret);
    return token.ok() ? *token : "";
  }

  Result<std::unique_ptr<Client>> Make(const std::string& uri, const std::string& user,
                                       const std::string& ca_file) {
    auto options = ClientOptions::Builder()
                       .Server(uri)
                       .TrustedCaFile(ca_file)
                       .Token(user, Token(user))
                       .Device("tls")
                       .ConnectTimeout(std::chrono::seconds(5))
                       .AutoReconnect(false)
                       .Build();
    if (!options.ok()) return options.status();
    return Client::Create(*options);
  }

  std::string Tls() const { return "ssl://127.0.0.1:" + std::to_string(server_->broker().tls_port()); }
  std::string Wss() const { return "wss://127.0.0.1:" + std::to_string(server_->broker().wss_port()); }

  TestCertificateAuthority ca_{"mqchat test CA"};
  std::unique_ptr<TempDir> dir_;
  std::string ca_path_;
  std::unique_ptr<ChatServer> server_;
};

TEST_F(TlsTest, ChatsOverMqttsAndWssVerifiedAgainstTheCa) {
  if (!server_) GTEST_SKIP() << "server not available";
  auto alice = Make(Tls(), "alice", ca_path_);
  auto bob = Make(Wss(), "bob", ca_path_);
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  std::mutex mu;
  std::vector<std::string> received;
  (*bob)->OnMessage([&](const Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    received.push_back(m.text);
  });
  ASSERT_TRUE((*alice)->Connect().ok());
  ASSERT_TRUE((*bob)->Connect().ok());
  auto conv = (*alice)->OpenDirect("bob");
  ASSERT_EQ(conv.wait_for(kWait), std::future_status::ready);
  auto c = conv.get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto ack = (*alice)->Send(c->id, "sealed in TLS");
  ASSERT_EQ(ack.wait_for(kWait), std::future_status::ready);
  ASSERT_TRUE(ack.get().ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !received.empty() && received.back() == "sealed in TLS";
      },
      kWait, "the message over TLS"));
}

TEST_F(TlsTest, RefusesABrokerItCannotVerify) {
  if (!server_) GTEST_SKIP() << "server not available";
  // Another CA's certificates are not trusted.
  TestCertificateAuthority stranger("another CA");
  const std::string stranger_path = dir_->File("stranger.pem");
  WriteText(stranger_path, stranger.cert_pem());
  for (const std::string& uri : {Tls(), Wss()}) {
    auto client = Make(uri, "alice", stranger_path);
    ASSERT_TRUE(client.ok());
    const Status s = (*client)->Connect();
    EXPECT_EQ(s.code(), Code::kUnavailable) << uri << ": " << s.ToString();
  }
  // Nor does the system's trust store know the test CA.
  auto system_trust = Make(Tls(), "alice", "");
  ASSERT_TRUE(system_trust.ok());
  EXPECT_EQ((*system_trust)->Connect().code(), Code::kUnavailable);
  // A certificate from the trusted CA that names another host is refused too.
  BrokerOptions misnamed;
  misnamed.with_plugin = false;
  misnamed.allow_anonymous = true;
  misnamed.tls = ca_.IssueServer("other.example", "DNS:other.example");
  BrokerProcess other(misnamed);
  ASSERT_TRUE(other.Start());
  auto wrong_host = Make("ssl://127.0.0.1:" + std::to_string(other.tls_port()), "alice", ca_path_);
  ASSERT_TRUE(wrong_host.ok());
  EXPECT_EQ((*wrong_host)->Connect().code(), Code::kUnavailable);
  // A missing CA file is a usage error, not a silent fallback to the system's store.
  auto missing = Make(Tls(), "alice", dir_->File("no-such-ca.pem"));
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
}

#ifdef MQCHAT_CLI_PATH
TEST_F(TlsTest, TerminalClientSendsOverTlsWithItsCaFile) {
  if (!server_) GTEST_SKIP() << "server not available";
  auto bob = Make(Tls(), "bob", ca_path_);
  ASSERT_TRUE(bob.ok());
  std::mutex mu;
  std::vector<std::string> received;
  (*bob)->OnMessage([&](const Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    received.push_back(m.text);
  });
  ASSERT_TRUE((*bob)->Connect().ok());
  const std::vector<std::string> base = {MQCHAT_CLI_PATH, "--port",
                                         std::to_string(server_->broker().tls_port()),
                                         "--tls", "--user", "alice", "--token",
                                         Token("alice"), "--timeout", "5"};
  // Without the CA the terminal cannot verify the broker: exit 3 (unreachable).
  std::vector<std::string> untrusted = base;
  untrusted.insert(untrusted.end(), {"send", "@bob", "not sent"});
  EXPECT_EQ(RunCommand(untrusted).exit_code, 3);
  std::vector<std::string> trusted = base;
  trusted.insert(trusted.end(), {"--cafile", ca_path_, "send", "@bob", "hello over tls"});
  const RunResult r = RunCommand(trusted);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !received.empty() && received.back() == "hello over tls";
      },
      kWait, "the message over TLS"));
  std::lock_guard<std::mutex> lock(mu);
  for (const auto& text : received) EXPECT_NE(text, "not sent");
}
#endif

}  // namespace
}  // namespace mqchat::test
