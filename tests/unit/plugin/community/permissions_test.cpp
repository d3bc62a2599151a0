// Table-driven tests of community permission resolution (community/permissions.h): @everyone,
// several roles, overrides per role and per member in Discord's order, owner, administrator.
#include "community/permissions.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace mqchat::community {
namespace {

constexpr int64_t kEveryone = 100;
constexpr int64_t kMods = 101;
constexpr int64_t kMuted = 102;
constexpr int64_t kHelpers = 103;
constexpr int64_t kAdmins = 104;

const ServerRoles kServer{kEveryone,
                          {{kEveryone, kViewChannel | kSendMessages | kCreateInvite},
                           {kMods, kManageMessages | kKickMembers},
                           {kMuted, 0},
                           {kHelpers, kManageChannels},
                           {kAdmins, kAdministrator}}};

ChannelOverride RoleOverride(int64_t role, PermissionSet allow, PermissionSet deny) {
  return {OverrideTarget::kRole, role, "", allow, deny};
}
ChannelOverride MemberOverride(const std::string& user, PermissionSet allow, PermissionSet deny) {
  return {OverrideTarget::kMember, 0, user, allow, deny};
}

struct Case {
  const char* name;
  MemberRoles member;
  std::vector<ChannelOverride> overrides;
  PermissionSet base;
  PermissionSet channel;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const PermissionSet kEveryoneFlags = kViewChannel | kSendMessages | kCreateInvite;

std::vector<Case> Cases() {
  return {
      {"everyone_only", {"ann", false, {}}, {}, kEveryoneFlags, kEveryoneFlags},
      {"roles_are_or_ed",
       {"ann", false, {kMods, kHelpers}},
       {},
       kEveryoneFlags | kManageMessages | kKickMembers | kManageChannels,
       kEveryoneFlags | kManageMessages | kKickMembers | kManageChannels},
      {"unknown_role_grants_nothing", {"ann", false, {999}}, {}, kEveryoneFlags, kEveryoneFlags},
      {"owner_has_everything",
       {"own", true, {}},
       {RoleOverride(kEveryone, 0, kViewChannel), MemberOverride("own", 0, kAllPermissions)},
       kAllPermissions,
       kAllPermissions},
      {"administrator_ignores_overrides",
       {"adm", false, {kAdmins}},
       {RoleOverride(kEveryone, 0, kViewChannel), MemberOverride("adm", 0, kViewChannel)},
       kAllPermissions,
       kAllPermissions},
      {"everyone_deny_hides_a_private_channel",
       {"ann", false, {kMods}},
       {RoleOverride(kEveryone, 0, kViewChannel)},
       kEveryoneFlags | kManageMessages | kKickMembers,
       0},
      {"role_allow_opens_a_private_channel",
       {"ann", false, {kMods}},
       {RoleOverride(kEveryone, 0, kViewChannel), RoleOverride(kMods, kViewChannel, 0)},
       kEveryoneFlags | kManageMessages | kKickMembers,
       kEveryoneFlags | kManageMessages | kKickMembers},
      {"override_of_a_role_not_held_is_ignored",
       {"ann", false, {}},
       {RoleOverride(kEveryone, 0, kViewChannel), RoleOverride(kMods, kViewChannel, 0)},
       kEveryoneFlags,
       0},
      {"role_allow_beats_other_role_deny",
       {"ann", false, {kMuted, kHelpers}},
       {RoleOverride(kMuted, 0, kSendMessages), RoleOverride(kHelpers, kSendMessages, 0)},
       kEveryoneFlags | kManageChannels,
       kEveryoneFlags | kManageChannels},
      {"role_deny_beats_everyone_allow",
       {"ann", false, {kMuted}},
       {RoleOverride(kEveryone, kSendMessages, 0), RoleOverride(kMuted, 0, kSendMessages)},
       kEveryoneFlags,
       kViewChannel | kCreateInvite},
      {"member_allow_beats_role_deny",
       {"ann", false, {kMuted}},
       {RoleOverride(kMuted, 0, kSendMessages), MemberOverride("ann", kSendMessages, 0)},
       kEveryoneFlags,
       kEveryoneFlags},
      {"member_deny_beats_role_allow",
       {"ann", false, {kHelpers}},
       {RoleOverride(kHelpers, kManageMessages, 0), MemberOverride("ann", 0, kManageMessages)},
       kEveryoneFlags | kManageChannels,
       kEveryoneFlags | kManageChannels},
      {"other_members_override_is_ignored",
       {"ann", false, {}},
       {MemberOverride("bob", 0, kViewChannel)},
       kEveryoneFlags,
       kEveryoneFlags},
      {"member_override_hides_channel_from_one_member",
       {"ann", false, {kMods}},
       {MemberOverride("ann", 0, kViewChannel)},
       kEveryoneFlags | kManageMessages | kKickMembers,
       0},
      {"member_allow_opens_private_channel",
       {"ann", false, {}},
       {RoleOverride(kEveryone, 0, kViewChannel), MemberOverride("ann", kViewChannel, 0)},
       kEveryoneFlags,
       kEveryoneFlags},
      {"override_cannot_grant_administrator",
       {"ann", false, {}},
       {MemberOverride("ann", kAdministrator, 0)},
       kEveryoneFlags,
       kEveryoneFlags},
      {"everyone_allow_and_deny_same_flag_allow_wins",
       {"ann", false, {}},
       {RoleOverride(kEveryone, kManageMessages, kManageMessages)},
       kEveryoneFlags,
       kEveryoneFlags | kManageMessages},
  };
}

class PermissionsTest : public ::testing::TestWithParam<Case> {};

TEST_P(PermissionsTest, Resolves) {
  const Case& c = GetParam();
  EXPECT_EQ(BasePermissions(kServer, c.member), c.base);
  EXPECT_EQ(ChannelPermissions(kServer, c.member, c.overrides), c.channel);
}

INSTANTIATE_TEST_SUITE_P(Table, PermissionsTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(PermissionNamesTest, RoundTrip) {
  for (PermissionSet bit = 1; bit & kAllPermissions; bit <<= 1) {
    const char* name = PermissionName(static_cast<Permission>(bit));
    ASSERT_NE(name, nullptr) << bit;
    EXPECT_EQ(PermissionByName(name), bit);
  }
  EXPECT_EQ(PermissionByName("root"), 0u);
}

}  // namespace
}  // namespace mqchat::community
