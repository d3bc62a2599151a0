// HTTPS on the API service itself (issue 15): mqchat-api serving a certificate from a CA the
// test makes (tls_cert_file, tls_key_file). The SDK's ApiClient (libcurl) and a plain HTTPS
// client (cpp-httplib) succeed with verification against that CA; a client trusting another CA
// (or only the system's store) is refused, as is a certificate naming another host, and a
// plain-HTTP request gets no answer from the TLS port. The store's kind plays no part: SQLite.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

#include <gtest/gtest.h>

#include "mqchat/api_client.h"
#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"

namespace mqchat::test {
namespace {

class ApiTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("ca.pem"), ca_.cert_pem());
    WriteFile(dir_.File("other-ca.pem"), other_ca_.cert_pem());
    ChatServerOptions o;
    o.store = StoreKind::kSqlite;
    server_ = ChatServer::Create(std::move(o));
    ASSERT_TRUE(server_);
  }

  // An API process serving `cert` over HTTPS.
  std::unique_ptr<ApiProcess> StartApi(const PemCertificate& cert, const std::string& name) {
    WriteFile(dir_.File(name + ".crt"), cert.cert_pem);
    WriteFile(dir_.File(name + ".key"), cert.key_pem);
    auto api = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{
            {"tls_cert_file", dir_.File(name + ".crt")},
            {"tls_key_file", dir_.File(name + ".key")},
            {"broker", "mqtts://127.0.0.1:8883"}});
    if (!api->Start()) return nullptr;
    return api;
  }

  std::unique_ptr<ApiClient> Client(int port, const std::string& ca_file) {
    auto api = ApiClient::Create("https://127.0.0.1:" + std::to_string(port),
                                 std::chrono::seconds(10), ca_file);
    EXPECT_TRUE(api.ok()) << api.status().ToString();
    return api.ok() ? std::move(*api) : nullptr;
  }

  TempDir dir_{"mqchat-api-tls"};
  TestCertificateAuthority ca_{"mqchat api test CA"};
  TestCertificateAuthority other_ca_{"another CA"};
  std::unique_ptr<ChatServer> server_;
};

TEST_F(ApiTlsTest, TheSdkSignsUpAndLogsInOverVerifiedHttps) {
  auto api = StartApi(ca_.IssueServer("127.0.0.1", "IP:127.0.0.1,DNS:localhost"), "api");
  ASSERT_TRUE(api);
  auto client = Client(api->port(), dir_.File("ca.pem"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Signup("tlsuser", "tls user password").ok());
  auto session = client->Login("tlsuser", "tls user password");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->username, "tlsuser");
  auto refreshed = client->Refresh(session->refresh_token);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status().ToString();
  auto brokers = client->Brokers();
  ASSERT_TRUE(brokers.ok()) << brokers.status().ToString();
  EXPECT_EQ(*brokers, std::vector<std::string>{"mqtts://127.0.0.1:8883"});

  // A plain HTTPS client verifying against the CA gets the same answers.
  httplib::SSLClient https("127.0.0.1", api->port());
  https.set_ca_cert_path(dir_.File("ca.pem").c_str());
  https.enable_server_certificate_verification(true);
  auto connect = https.Get("/v1/connect");
  ASSERT_TRUE(connect) << httplib::to_string(connect.error());
  EXPECT_EQ(connect->status, 200) << connect->body;
}

TEST_F(ApiTlsTest, ClientsThatCannotTrustTheCertificateAreRefused) {
  auto api = StartApi(ca_.IssueServer("127.0.0.1", "IP:127.0.0.1,DNS:localhost"), "api");
  ASSERT_TRUE(api);
  // Another CA, and the system's trust store (which does not hold the test CA).
  for (const std::string& ca_file : {dir_.File("other-ca.pem"), std::string()}) {
    auto client = Client(api->port(), ca_file);
    ASSERT_TRUE(client);
    Status signup = client->Signup("mallory", "mallory password");
    EXPECT_EQ(signup.code(), Code::kUnavailable) << ca_file << ": " << signup.ToString();
  }
  // Nothing reached the service: the name is still free over a trusted connection.
  auto trusted = Client(api->port(), dir_.File("ca.pem"));
  ASSERT_TRUE(trusted);
  EXPECT_TRUE(trusted->Signup("mallory", "mallory password").ok());

  httplib::SSLClient https("127.0.0.1", api->port());
  https.set_ca_cert_path(dir_.File("other-ca.pem").c_str());
  https.enable_server_certificate_verification(true);
  EXPECT_FALSE(https.Get("/v1/connect")) << "verified against the wrong CA";

  // Plain HTTP to the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", api->port());
  plain.set_read_timeout(5, 0);
  auto answer = plain.Get("/v1/connect");
  EXPECT_TRUE(!answer || answer->status != 200);

  EXPECT_EQ(ApiClient::Create("https://127.0.0.1:1", std::chrono::seconds(1),
                              dir_.File("no-such-ca.pem"))
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST_F(ApiTlsTest, ACertificateForAnotherHostIsRefused) {
  auto api = StartApi(ca_.IssueServer("chat.example.com", "DNS:chat.example.com"), "wrong-name");
  ASSERT_TRUE(api);
  auto client = Client(api->port(), dir_.File("ca.pem"));
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Signup("eve", "eve password ok").code(), Code::kUnavailable);
}

}  // namespace
}  // namespace mqchat::test
