// Attachments through the SDK (docs/PROTOCOL.md, "Attachments") against a real broker and the
// real mqchat-api, on SQLite and PostgreSQL: ApiClient::Upload, then Client::Send with the id;
// the recipient's Client gets the attachment live (OnMessage) and in History, keeps it in its
// cache (CachedMessages after a restart, offline), and downloads it through the API. A list no
// server accepts fails at once; another's upload comes back INVALID.
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mqchat/api_client.h"
#include "mqchat/client.h"
#include "support/api_process.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

class SdkAttachmentsTest : public ChatFixture {
 protected:
  void SetUp() override {
    ChatFixture::SetUp();
    if (!server_) return;
    WriteFile(dir_.File("url.secret"), std::string(40, 'u'));
    api_ = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{
            {"blob_dir", dir_.File("blobs")},
            {"upload_min_free_bytes", "0"},
            {"attachment_url_secret_file", dir_.File("url.secret")}});
    ASSERT_TRUE(api_->Start());
    auto api = ApiClient::Create("http://127.0.0.1:" + std::to_string(api_->port()));
    ASSERT_TRUE(api.ok());
    http_ = std::move(*api);
  }

  // Signs `user` up at the API: an access token.
  std::string Join(const std::string& user) {
    EXPECT_TRUE(http_->Signup(user, user + " password").ok());
    auto session = http_->Login(user, user + " password");
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session.ok() ? session->access_token : "";
  }

  std::unique_ptr<Client> Make(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("sdk")
                       .CachePath(dir_.File(user + ".db"))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  template <typename T>
  static Result<T> Get(std::future<Result<T>> f) {
    if (f.wait_for(kWait) != std::future_status::ready) return Status::Unavailable("no answer");
    return f.get();
  }

  TempDir dir_{"mqchat-sdk-attach"};
  std::unique_ptr<ApiProcess> api_;
  std::unique_ptr<ApiClient> http_;
};

TEST_P(SdkAttachmentsTest, SentReceivedCachedAndDownloaded) {
  if (!server_ || !api_) GTEST_SKIP() << "servers not available";
  const std::string alice_token = Join("alice");
  const std::string bob_token = Join("bob");
  auto alice = Make("alice");
  auto bob = Make("bob");
  ASSERT_TRUE(alice && bob);
  std::mutex mu;
  std::vector<Message> live;
  bob->OnMessage([&](const Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    live.push_back(m);
  });
  ASSERT_TRUE(alice->Connect().ok());
  ASSERT_TRUE(bob->Connect().ok());
  auto group = Get(alice->CreateGroup("team", {"bob"}));
  ASSERT_TRUE(group.ok()) << group.status().ToString();

  const std::string data = "minutes of the meeting\n";
  auto uploaded = http_->Upload(alice_token, "minutes.txt", data);
  ASSERT_TRUE(uploaded.ok()) << uploaded.status().ToString();
  auto ack = Get(alice->Send(group->id, "", std::vector<std::string>{uploaded->id}));
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();

  const Attachment expected{uploaded->id, "minutes.txt", "text/plain",
                            static_cast<int64_t>(data.size()), 0, 0, false};
  auto same = [&](const Message& m) {
    return m.attachments.size() == 1 && m.attachments[0].id == expected.id &&
           m.attachments[0].name == expected.name &&
           m.attachments[0].content_type == expected.content_type &&
           m.attachments[0].size == expected.size && !m.attachments[0].thumbnail;
  };
  WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !live.empty();
      },
      std::chrono::milliseconds(20000), "bob's live message");
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_TRUE(same(live[0])) << "live";
    EXPECT_EQ(live[0].text, "");
  }
  auto page = Get(bob->History(group->id, HistoryQuery{}));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->messages.size(), 1u);
  EXPECT_TRUE(same(page->messages[0])) << "history";

  // Offline, from the cache of a new Client on the same file.
  bob.reset();
  auto offline = Make("bob");
  ASSERT_TRUE(offline);
  auto cached = offline->CachedMessages(group->id);
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  ASSERT_EQ(cached->size(), 1u);
  EXPECT_TRUE(same((*cached)[0])) << "cache";

  // bob downloads it; a list no server accepts fails at once; bob cannot send alice's upload.
  auto found = http_->Attachment(bob_token, uploaded->id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  auto bytes = http_->Download(found->url);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, data);
  auto bad = Get(alice->Send(group->id, "x", std::vector<std::string>{"not-an-id"}));
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument) << bad.status().ToString();
  ASSERT_TRUE(offline->Connect().ok());
  auto foreign = Get(offline->Send(group->id, "mine?", std::vector<std::string>{uploaded->id}));
  EXPECT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("INVALID"), std::string::npos)
      << foreign.status().ToString();
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkAttachmentsTest);

}  // namespace
}  // namespace mqchat::test
