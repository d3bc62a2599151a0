// The community store (CommunityStore, migration 016) on SQLite and PostgreSQL alike: servers
// with @everyone and a general channel, roles and overrides deciding who may view and manage
// channels, invites that expire and run out, bans that hold, kicks, leaving, and the refusals
// (NOT_MEMBER as kUnauthenticated, FORBIDDEN as kPermissionDenied) every op makes.
#include "store/community_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "community/permissions.h"
#include "store/community_store_factory.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using community::ChannelOverride;
using community::OverrideTarget;
using test::StoreBackendTest;
namespace perm = community;

class CommunityStoreTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto chat = OpenChatStore(config_);  // creates and migrates the database
    ASSERT_TRUE(chat.ok()) << chat.status().ToString();
    CommunityLimits limits;
    limits.max_server_members = 4;
    auto store = OpenCommunityStore(config_, limits);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto server = store_->CreateServer("owner", "Guild", 1000);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
  }

  // Joins `user` through a fresh unlimited invite made by the owner.
  void Join(const std::string& user) {
    Invite invite{"code-" + user, server_.id, "", 0, 0, 0};
    ASSERT_TRUE(store_->CreateInvite("owner", invite, 1000).ok());
    auto joined = store_->JoinByInvite(user, invite.code, 1000);
    ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  }

  int64_t General() {
    auto channels = store_->ListChannels("owner", server_.id);
    EXPECT_TRUE(channels.ok() && !channels->empty());
    return channels.ok() && !channels->empty() ? channels->front().id : 0;
  }

  PermissionSet Access(const std::string& user, int64_t channel) {
    auto access = store_->GetChannelAccess(user, channel);
    EXPECT_TRUE(access.ok()) << access.status().ToString();
    return access.ok() ? access->permissions : 0;
  }

  CommunityStorePtr store_;
  Server server_;
};

TEST_P(CommunityStoreTest, ANewServerHasEveryoneTheOwnerAndAGeneralChannel) {
  EXPECT_EQ(server_.name, "Guild");
  EXPECT_EQ(server_.owner, "owner");
  EXPECT_EQ(server_.member_count, 1);
  EXPECT_GT(server_.everyone_role_id, 0);
  auto roles = store_->ListRoles("owner", server_.id);
  ASSERT_TRUE(roles.ok());
  ASSERT_EQ(roles->size(), 1u);
  EXPECT_EQ(roles->front().id, server_.everyone_role_id);
  EXPECT_EQ(roles->front().permissions, perm::kDefaultEveryone);
  auto channels = store_->ListChannels("owner", server_.id);
  ASSERT_TRUE(channels.ok());
  ASSERT_EQ(channels->size(), 1u);
  EXPECT_EQ(channels->front().name, "general");
  EXPECT_EQ(channels->front().type, kChannelText);
  auto list = store_->ListServers("owner");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().id, server_.id);
}

TEST_P(CommunityStoreTest, OutsidersAreNotMembersWhetherOrNotTheServerExists) {
  EXPECT_EQ(store_->GetServer("eve", server_.id).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->GetServer("eve", server_.id + 999).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->ListChannels("eve", server_.id).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->EditChannel("eve", General(), {}).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->EditChannel("eve", 987654, {}).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Access("eve", General()), 0u);
}

TEST_P(CommunityStoreTest, OnlyTheOwnerRenamesAndDeletes) {
  Join("ann");
  EXPECT_EQ(store_->RenameServer("ann", server_.id, "Mine").status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(store_->DeleteServer("ann", server_.id).code(), Code::kPermissionDenied);
  auto renamed = store_->RenameServer("owner", server_.id, "Renamed");
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name, "Renamed");
  ASSERT_TRUE(store_->DeleteServer("owner", server_.id).ok());
  EXPECT_EQ(store_->GetServer("owner", server_.id).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(store_->ListServers("ann")->empty());
}

TEST_P(CommunityStoreTest, ManagingChannelsNeedsTheFlagGivenByARole) {
  Join("ann");
  Channel c;
  c.server_id = server_.id;
  c.name = "news";
  EXPECT_EQ(store_->CreateChannel("ann", c, 2000).status().code(), Code::kPermissionDenied);
  auto mods = store_->CreateRole("owner", server_.id, "mods", perm::kManageChannels);
  ASSERT_TRUE(mods.ok()) << mods.status().ToString();
  ASSERT_TRUE(store_->AssignRole("owner", mods->id, "ann", true).ok());
  auto made = store_->CreateChannel("ann", c, 2000);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ChannelEdit edit;
  edit.name = "announcements";
  edit.position = 5;
  auto edited = store_->EditChannel("ann", made->id, edit);
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->name, "announcements");
  EXPECT_EQ(edited->position, 5);
  ASSERT_TRUE(store_->AssignRole("owner", mods->id, "ann", false).ok());
  EXPECT_EQ(store_->DeleteChannel("ann", made->id).code(), Code::kPermissionDenied);
  ASSERT_TRUE(store_->DeleteChannel("owner", made->id).ok());
  EXPECT_EQ(store_->ListChannels("owner", server_.id)->size(), 1u);
}

TEST_P(CommunityStoreTest, CategoriesGroupChannelsOfTheSameServer) {
  Channel cat;
  cat.server_id = server_.id;
  cat.name = "Text";
  cat.type = kChannelCategory;
  auto made_cat = store_->CreateChannel("owner", cat, 2000);
  ASSERT_TRUE(made_cat.ok());
  Channel in;
  in.server_id = server_.id;
  in.name = "chat";
  in.category_id = made_cat->id;
  auto made = store_->CreateChannel("owner", in, 2000);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->category_id, made_cat->id);
  in.category_id = General();  // a text channel is no category
  EXPECT_EQ(store_->CreateChannel("owner", in, 2000).status().code(), Code::kInvalidArgument);
  in.type = "stage";
  in.category_id = 0;
  EXPECT_EQ(store_->CreateChannel("owner", in, 2000).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(store_->DeleteChannel("owner", made_cat->id).ok());
  auto channels = store_->ListChannels("owner", server_.id);
  for (const Channel& c : *channels) EXPECT_EQ(c.category_id, 0) << c.name;
}

TEST_P(CommunityStoreTest, APrivateChannelIsSeenOnlyByItsRoleAndVersionRises) {
  Join("ann");
  Join("bob");
  const int64_t general = General();
  auto staff = store_->CreateRole("owner", server_.id, "staff", 0);
  ASSERT_TRUE(staff.ok());
  ASSERT_TRUE(store_->AssignRole("owner", staff->id, "ann", true).ok());
  Channel c;
  c.server_id = server_.id;
  c.name = "staff-room";
  auto room = store_->CreateChannel("owner", c, 2000);
  ASSERT_TRUE(room.ok());
  const int64_t before = store_->GetChannelAccess("bob", room->id)->perm_version;
  ASSERT_TRUE(store_
                  ->SetOverride(
                      "owner", room->id,
                      {OverrideTarget::kRole, server_.everyone_role_id, "", 0, perm::kViewChannel})
                  .ok());
  ASSERT_TRUE(store_
                  ->SetOverride("owner", room->id,
                                {OverrideTarget::kRole, staff->id, "", perm::kViewChannel, 0})
                  .ok());
  EXPECT_GT(store_->GetChannelAccess("bob", room->id)->perm_version, before);
  EXPECT_EQ(Access("bob", room->id), 0u);
  EXPECT_TRUE(perm::Has(Access("ann", room->id), perm::kViewChannel | perm::kSendMessages));
  EXPECT_EQ(store_->ListChannels("bob", server_.id)->size(), 1u);
  EXPECT_EQ(store_->ListChannels("ann", server_.id)->size(), 2u);
  // A member override shuts ann out; removing it (allow = deny = 0) lets her back in.
  ASSERT_TRUE(store_
                  ->SetOverride("owner", room->id,
                                {OverrideTarget::kMember, 0, "ann", 0, perm::kViewChannel})
                  .ok());
  EXPECT_EQ(Access("ann", room->id), 0u);
  ASSERT_TRUE(
      store_->SetOverride("owner", room->id, {OverrideTarget::kMember, 0, "ann", 0, 0}).ok());
  EXPECT_NE(Access("ann", room->id), 0u);
  // Unassigning the role takes the channel away at the next read.
  ASSERT_TRUE(store_->AssignRole("owner", staff->id, "ann", false).ok());
  EXPECT_EQ(Access("ann", room->id), 0u);
  EXPECT_NE(Access("bob", general), 0u);
  // Overrides name roles of this server and members of it.
  EXPECT_EQ(
      store_->SetOverride("owner", room->id, {OverrideTarget::kMember, 0, "zed", 1, 0}).code(),
      Code::kNotFound);
  EXPECT_EQ(
      store_->SetOverride("owner", room->id, {OverrideTarget::kRole, 424242, "", 1, 0}).code(),
      Code::kNotFound);
}

TEST_P(CommunityStoreTest, RoleManagersGrantOnlyWhatTheyHold) {
  Join("ann");
  Join("bob");
  auto managers = store_->CreateRole("owner", server_.id, "managers", perm::kManageRoles);
  ASSERT_TRUE(managers.ok());
  ASSERT_TRUE(store_->AssignRole("owner", managers->id, "ann", true).ok());
  EXPECT_EQ(store_->CreateRole("ann", server_.id, "gods", perm::kAdministrator).status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(store_->CreateRole("ann", server_.id, "bans", perm::kBanMembers).status().code(),
            Code::kPermissionDenied);
  auto admins = store_->CreateRole("owner", server_.id, "admins", perm::kAdministrator);
  ASSERT_TRUE(admins.ok());
  EXPECT_EQ(store_->AssignRole("ann", admins->id, "ann", true).code(), Code::kPermissionDenied);
  EXPECT_EQ(
      store_->EditRole("ann", managers->id, std::nullopt, perm::kAllPermissions).status().code(),
      Code::kPermissionDenied);
  auto helpers = store_->CreateRole("ann", server_.id, "helpers", perm::kViewChannel);
  ASSERT_TRUE(helpers.ok()) << helpers.status().ToString();
  EXPECT_TRUE(store_->AssignRole("ann", helpers->id, "bob", true).ok());
  EXPECT_EQ(store_->AssignRole("bob", helpers->id, "bob", false).code(), Code::kPermissionDenied);
  auto members = store_->ListMembers("bob", server_.id, "", 10);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].username, "ann");
  EXPECT_EQ((*members)[1].username, "bob");
  EXPECT_EQ((*members)[1].role_ids, std::vector<int64_t>{helpers->id});
  EXPECT_TRUE((*members)[2].owner);
  auto page = store_->ListMembers("bob", server_.id, "ann", 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().username, "bob");
}

TEST_P(CommunityStoreTest, InvitesExpireRunOutAndTheServerFillsUp) {
  ASSERT_TRUE(store_->CreateInvite("owner", {"once", server_.id, "", 0, 1, 0}, 1000).ok());
  ASSERT_TRUE(store_->CreateInvite("owner", {"soon", server_.id, "", 5000, 0, 0}, 1000).ok());
  ASSERT_TRUE(store_->JoinByInvite("ann", "once", 2000).ok());
  // Joining again spends nothing; another user finds it used up.
  ASSERT_TRUE(store_->JoinByInvite("ann", "once", 2000).ok());
  auto used = store_->JoinByInvite("bob", "once", 2000);
  EXPECT_EQ(used.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(used.status().message().find("used up"), std::string::npos);
  auto late = store_->JoinByInvite("bob", "soon", 5000);
  EXPECT_EQ(late.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("expired"), std::string::npos);
  EXPECT_EQ(store_->JoinByInvite("bob", "nope", 2000).status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->JoinByInvite("bob", "soon", 4999).ok());
  ASSERT_TRUE(store_->JoinByInvite("cat", "soon", 4999).ok());  // 4 members: the limit
  EXPECT_EQ(store_->JoinByInvite("dan", "soon", 4999).status().code(), Code::kResourceExhausted);
  EXPECT_EQ(store_->GetServer("owner", server_.id)->member_count, 4);
  // Members without create_invite cannot make one.
  ASSERT_TRUE(
      store_->EditRole("owner", server_.everyone_role_id, std::nullopt, perm::kViewChannel).ok());
  EXPECT_EQ(store_->CreateInvite("ann", {"mine", server_.id, "", 0, 0, 0}, 1000).status().code(),
            Code::kPermissionDenied);
}

TEST_P(CommunityStoreTest, KicksBansAndLeaving) {
  Join("ann");
  Join("bob");
  EXPECT_EQ(store_->Kick("ann", server_.id, "bob").code(), Code::kPermissionDenied);
  ASSERT_TRUE(store_->Kick("owner", server_.id, "bob").ok());
  EXPECT_EQ(store_->GetServer("bob", server_.id).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->Kick("owner", server_.id, "owner").code(), Code::kFailedPrecondition);
  // A kicked user may come back; a banned one may not, with any invite.
  ASSERT_TRUE(store_->CreateInvite("owner", {"open", server_.id, "", 0, 0, 0}, 1000).ok());
  ASSERT_TRUE(store_->JoinByInvite("bob", "open", 2000).ok());
  ASSERT_TRUE(store_->Ban("owner", server_.id, "bob", 3000).ok());
  EXPECT_EQ(store_->GetServer("bob", server_.id).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->JoinByInvite("bob", "open", 4000).status().code(), Code::kFailedPrecondition);
  ASSERT_TRUE(store_->Ban("owner", server_.id, "mallory", 3000).ok());  // before joining
  EXPECT_EQ(store_->JoinByInvite("mallory", "open", 4000).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(store_->Leave("owner", server_.id).code(), Code::kFailedPrecondition);
  ASSERT_TRUE(store_->Leave("ann", server_.id).ok());
  EXPECT_EQ(store_->Leave("ann", server_.id).code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->GetServer("owner", server_.id)->member_count, 1);
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(CommunityStoreTest);

}  // namespace
}  // namespace mqchat::store
