#include "support/chat_fixture.h"

#include <ctime>

#include "auth/jwt.h"

namespace mqchat::test {

std::string StoreParamName(const ::testing::TestParamInfo<StoreKind>& info) {
  return StoreKindName(info.param);
}

void ChatFixture::SetUp() {
  ChatServerOptions opts;
  opts.store = GetParam();
  opts.plugin_opts = {{"jwt_hs256_secret", kTestJwtSecret}};
  for (auto& o : ExtraOptions()) opts.plugin_opts.push_back(o);
  opts.persistence = Persistence();
  server_ = ChatServer::Create(std::move(opts));
  if (!server_) return;
  ASSERT_TRUE(server_->Start());
}

std::string ChatFixture::Token(const std::string& user) const {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto token = auth::SignHs256({{"sub", user}, {"iat", now}, {"exp", now + 3600}}, kTestJwtSecret);
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? *token : "";
}

std::unique_ptr<ChatTestClient> ChatFixture::Login(const std::string& user,
                                                   const std::string& device, int mqtt_version,
                                                   bool clean_start) {
  auto client = std::make_unique<ChatTestClient>();
  int rc = client->Connect(server_->port(), user, Token(user), device, mqtt_version, clean_start);
  EXPECT_EQ(rc, 0) << "login of " << user << "/" << device;
  return client;
}

void ChatFixture::Register(const std::vector<std::string>& users) {
  for (const auto& u : users) {
    auto c = Login(u, "register");
    c->Disconnect();
  }
}

}  // namespace mqchat::test
