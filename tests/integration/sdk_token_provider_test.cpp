// The SDK's token provider against a real broker: the client asks it for a token before every
// connection attempt (also after the broker restarts), asks again for a fresh one once when the
// server refuses a token, and stops when the provider says the user must log in again.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

// A provider whose answers the test scripts; records each call's `refused`.
struct ScriptedProvider {
  std::mutex mu;
  std::vector<bool> calls;
  std::function<Result<std::string>(bool refused, size_t call)> answer;

  std::function<Result<std::string>(bool)> Fn() {
    return [this](bool refused) {
      size_t n;
      {
        std::lock_guard<std::mutex> lock(mu);
        calls.push_back(refused);
        n = calls.size();
      }
      return answer(refused, n);
    };
  }
  std::vector<bool> Calls() {
    std::lock_guard<std::mutex> lock(mu);
    return calls;
  }
};

class SdkTokenProviderTest : public ChatFixture {
 protected:
  std::unique_ptr<Client> Create(const std::string& user, ScriptedProvider& provider) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .TokenProvider(user, provider.Fn())
                       .Device("tp")
                       .CachePath(dir_.File(user + ".db"))
                       .AutoReconnect(true, std::chrono::milliseconds(20),
                                      std::chrono::milliseconds(200))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  TempDir dir_{"mqchat-sdk-token"};
};

TEST_P(SdkTokenProviderTest, ARefusedTokenIsReplacedOnceWithAFreshOne) {
  MQCHAT_REQUIRE_SERVER();
  ScriptedProvider provider;
  // The first token has expired (signed for someone else: the broker refuses it); the fresh
  // one is good.
  provider.answer = [&](bool refused, size_t) -> Result<std::string> {
    return refused ? Token("alice") : Token("mallory");
  };
  auto alice = Create("alice", provider);
  ASSERT_NE(alice, nullptr);
  Status s = alice->Connect();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(provider.Calls(), (std::vector<bool>{false, true}));

  // After the broker restarts, the next attempt asks the provider again before it connects.
  ASSERT_TRUE(server_->broker().Restart());
  ASSERT_TRUE(WaitFor([&] { return provider.Calls().size() >= 3; }, kWait, "asked again"));
  EXPECT_FALSE(provider.Calls()[2]);
  ASSERT_TRUE(WaitFor([&] { return alice->state() == ConnectionState::kOnline; }, kWait,
                      "online again"));
  auto conversations = alice->Conversations().get();
  EXPECT_TRUE(conversations.ok()) << conversations.status().ToString();
}

TEST_P(SdkTokenProviderTest, TwoRefusalsInARowStopConnecting) {
  MQCHAT_REQUIRE_SERVER();
  ScriptedProvider provider;
  provider.answer = [&](bool, size_t) -> Result<std::string> { return Token("mallory"); };
  auto alice = Create("alice", provider);
  ASSERT_NE(alice, nullptr);
  Status s = alice->Connect();
  EXPECT_EQ(s.code(), Code::kUnauthenticated) << s.ToString();
  EXPECT_EQ(provider.Calls(), (std::vector<bool>{false, true}));
  EXPECT_EQ(alice->state(), ConnectionState::kDisconnected);
}

TEST_P(SdkTokenProviderTest, AProviderThatSaysLogInAgainStopsConnecting) {
  MQCHAT_REQUIRE_SERVER();
  ScriptedProvider provider;
  provider.answer = [&](bool, size_t) -> Result<std::string> {
    return Status::Unauthenticated("the refresh token was revoked");
  };
  auto alice = Create("alice", provider);
  ASSERT_NE(alice, nullptr);
  Status s = alice->Connect();
  EXPECT_EQ(s.code(), Code::kUnauthenticated) << s.ToString();
  EXPECT_NE(s.message().find("revoked"), std::string::npos) << s.ToString();
  EXPECT_EQ(provider.Calls().size(), 1u);
}

TEST_P(SdkTokenProviderTest, AProviderThatCannotReachItsServerIsRetried) {
  MQCHAT_REQUIRE_SERVER();
  ScriptedProvider provider;
  provider.answer = [&](bool, size_t call) -> Result<std::string> {
    if (call < 3) return Status::Unavailable("the API service is unreachable");
    return Token("alice");
  };
  auto alice = Create("alice", provider);
  ASSERT_NE(alice, nullptr);
  (void)alice->Connect();  // the first outcome is the provider's failure; it keeps trying
  ASSERT_TRUE(WaitFor([&] { return alice->state() == ConnectionState::kOnline; }, kWait,
                      "online once the provider answers"));
  EXPECT_EQ(provider.Calls().size(), 3u);
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkTokenProviderTest);

}  // namespace
}  // namespace mqchat::test
