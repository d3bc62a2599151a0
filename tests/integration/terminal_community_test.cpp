// The `mqchat` terminal client's communities (issue 18) against a real broker (SQLite),
// through a pseudo-terminal (support/pty_process.h): /servers, /join with an invite code made
// through the SDK, /channels, and /channel opening a text channel in which lines are sent and
// other members' messages show live; /search shows a channel's message as "#general in Guild"
// with the id /channel opens (issue 18).
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/pty_process.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready);
  return f.get();
}

class TerminalCommunityTest : public ChatFixture {
 protected:
  void SetUp() override {
#ifndef MQCHAT_CLI_PATH
    GTEST_SKIP() << "built without the mqchat terminal client";
#else
    ChatFixture::SetUp();
#endif
  }

  // The terminal client as `user`, connected.
  void StartCli(PtyProcess& cli, const std::string& user) {
#ifdef MQCHAT_CLI_PATH
    cli.Start({MQCHAT_CLI_PATH},
              {"MQCHAT_HOST=127.0.0.1", "MQCHAT_PORT=" + std::to_string(server_->port()),
               "MQCHAT_USER=" + user, "MQCHAT_TOKEN=" + Token(user), "MQCHAT_DEVICE=tty"});
#endif
    ASSERT_TRUE(cli.Expect("connected as " + user));
  }

  std::unique_ptr<Client> Sdk(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("sdk")
                       .CachePath(dir_.File(user + ".db"))
                       .Build();
    EXPECT_TRUE(options.ok());
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    EXPECT_TRUE((*client)->Connect().ok());
    return std::move(*client);
  }

  TempDir dir_{"mqchat-cli-community"};
};

TEST_P(TerminalCommunityTest, JoinsListsAndChatsInAChannel) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Sdk("bob");
  ASSERT_TRUE(bob);
  auto server = Get(bob->CreateServer("Guild"));
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto invite = Get(bob->CreateInvite(server->id));
  ASSERT_TRUE(invite.ok()) << invite.status().ToString();
  auto channels = Get(bob->Channels(server->id));
  ASSERT_TRUE(channels.ok() && !channels->empty());
  const int64_t general = channels->front().id;
  const std::string sid = std::to_string(server->id);
  const std::string gid = std::to_string(general);

  PtyProcess cli;
  StartCli(cli, "alice");
  cli.SendLine("/servers");
  ASSERT_TRUE(cli.Expect("* no servers yet"));
  cli.SendLine("/channel " + gid);
  ASSERT_TRUE(cli.Expect("! cannot open channel " + gid));
  cli.SendLine("/join " + invite->code);
  ASSERT_TRUE(cli.Expect("* joined server 'Guild' (" + sid + ")"));
  cli.SendLine("/servers");
  ASSERT_TRUE(cli.Expect(sid + "  Guild  (owner bob, 2 members)"));
  cli.SendLine("/channels " + sid);
  ASSERT_TRUE(cli.Expect(gid + "  #general  (text)"));

  ASSERT_TRUE(Get(bob->Send(general, "welcome")).ok());
  cli.SendLine("/channel " + gid);
  ASSERT_TRUE(cli.Expect("* opened"));
  ASSERT_TRUE(cli.Expect("bob: welcome"));
  cli.SendLine("hello channel");
  ASSERT_TRUE(cli.Expect("alice: hello channel"));
  ASSERT_TRUE(Get(bob->Send(general, "glad you came")).ok());
  ASSERT_TRUE(cli.Expect("bob: glad you came"));
  auto page = Get(bob->History(general, HistoryQuery::Latest()));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->messages.size(), 3u);
  EXPECT_EQ(page->messages[1].text, "hello channel");
  EXPECT_EQ(page->messages[1].sender, "alice");

  // Search: indexed after the ack, so the SDK waits until the owner finds it; then the terminal.
  ASSERT_TRUE(Get(bob->Send(general, "a zeppelin over the garden")).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        auto found = Get(bob->Search("zeppelin"));
        return found.ok() && found->results.size() == 1;
      },
      kWait, "the index has the channel message"));
  cli.SendLine("/search zeppelin");
  ASSERT_TRUE(cli.Expect("#general in Guild (" + gid + ") #4 "));
  ASSERT_TRUE(cli.Expect("bob: a [zeppelin] over the garden"));
  ASSERT_TRUE(cli.Expect("* /channel ID opens a channel"));

  cli.SendLine("/quit");
  EXPECT_EQ(cli.WaitExit(kPtyWait), 0) << cli.output();
}

// The terminal's behaviour does not depend on the store (sdk_communities_test covers both).
INSTANTIATE_TEST_SUITE_P(Stores, TerminalCommunityTest, ::testing::Values(StoreKind::kSqlite),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
