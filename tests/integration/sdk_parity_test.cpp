// Protocol requests that gained a Client method with issue 25 (client-sdk/README.md, "Protocol
// coverage"), against a real broker on SQLite and PostgreSQL: renaming and deleting a server,
// editing and deleting a channel, editing a role, a group's retention, unmute. Each answers
// as the protocol says, refusals keep the error model (code, and the protocol's code first in
// the message).
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(30);

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "no answer in time";
  return f.get();
}

class SdkParityTest : public ChatFixture {
 protected:
  std::unique_ptr<Client> Connect(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("parity")
                       .CachePath(dir_.File(user + ".db"))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    if (!options.ok()) return nullptr;
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    Status s = (*client)->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return std::move(*client);
  }

  TempDir dir_{"mqchat-sdk-parity"};
};

TEST_P(SdkParityTest, ServersChannelsAndRolesAreEditedAndDeleted) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  ASSERT_TRUE(alice && bob);
  auto server = Get(alice->CreateServer("Guild"));
  ASSERT_TRUE(server.ok()) << server.status().ToString();

  auto renamed = Get(alice->RenameServer(server->id, "Guild 2"));
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->name, "Guild 2");
  auto stranger = Get(bob->RenameServer(server->id, "mine"));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.status().code(), Code::kPermissionDenied) << stranger.status().ToString();

  ChannelOptions options;
  options.name = "news";
  auto channel = Get(alice->CreateChannel(server->id, options));
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  ChannelEdit edit;
  edit.topic = "what happened";
  auto edited = Get(alice->EditChannel(channel->id, edit));
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->name, "news") << "left out: unchanged";
  EXPECT_EQ(edited->topic, "what happened");
  EXPECT_TRUE(Get(alice->DeleteChannel(channel->id)).ok());
  auto channels = Get(alice->Channels(server->id));
  ASSERT_TRUE(channels.ok()) << channels.status().ToString();
  for (const auto& c : *channels) EXPECT_NE(c.id, channel->id) << "deleted";

  auto role = Get(alice->CreateRole(server->id, "mods", permission::kManageMessages));
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  RoleEdit role_edit;
  role_edit.permissions = permission::kManageMessages | permission::kManageChannels;
  auto role_edited = Get(alice->EditRole(role->id, role_edit));
  ASSERT_TRUE(role_edited.ok()) << role_edited.status().ToString();
  EXPECT_EQ(role_edited->name, "mods");
  EXPECT_EQ(role_edited->permissions, permission::kManageMessages | permission::kManageChannels);

  EXPECT_EQ(Get(bob->DeleteServer(server->id)).code(), Code::kPermissionDenied);
  EXPECT_TRUE(Get(alice->DeleteServer(server->id)).ok());
  auto servers = Get(alice->Servers());
  ASSERT_TRUE(servers.ok()) << servers.status().ToString();
  for (const auto& s : *servers) EXPECT_NE(s.id, server->id) << "deleted";
}

TEST_P(SdkParityTest, RetentionAndUnmute) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  ASSERT_TRUE(alice && bob);
  auto group = Get(alice->CreateGroup("Team", {"bob"}));
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_TRUE(Get(alice->SetRetention(group->id, 30)).ok());
  EXPECT_TRUE(Get(alice->SetRetention(group->id, std::nullopt)).ok()) << "the server's default";
  Status not_admin = Get(bob->SetRetention(group->id, 1));
  EXPECT_EQ(not_admin.code(), Code::kPermissionDenied) << not_admin.ToString();
  EXPECT_EQ(not_admin.message().rfind("FORBIDDEN", 0), 0u) << not_admin.ToString();
  EXPECT_EQ(Get(alice->SetRetention(group->id, -5)).code(), Code::kInvalidArgument);
  auto direct = Get(alice->OpenDirect("bob"));
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(Get(alice->SetRetention(direct->id, 30)).code(), Code::kPermissionDenied);

  ASSERT_TRUE(Get(bob->Mute(group->id, -1)).ok());
  ASSERT_TRUE(Get(bob->Conversations()).ok());
  auto muted = bob->CachedConversations();
  ASSERT_TRUE(muted.ok());
  for (const auto& c : *muted) {
    if (c.id == group->id) EXPECT_EQ(c.muted_until_ms, -1);
  }
  ASSERT_TRUE(Get(bob->Unmute(group->id)).ok());
  auto unmuted = bob->CachedConversations();
  ASSERT_TRUE(unmuted.ok());
  bool found = false;
  for (const auto& c : *unmuted) {
    if (c.id != group->id) continue;
    found = true;
    EXPECT_EQ(c.muted_until_ms, 0);
  }
  EXPECT_TRUE(found);
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkParityTest);

}  // namespace
}  // namespace mqchat::test
