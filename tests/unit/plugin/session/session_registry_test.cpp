#include "session/session_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/topics.h"

namespace mqchat::session {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

int phone, laptop, bob_phone, phone_again;  // distinct addresses stand in for broker clients

ClientSession Session(const std::string& user, const std::string& device) {
  return ClientSession{user, device, user + "/" + device, 5};
}

TEST(SessionRegistryTest, AdmitTellsAUsersFirstDeviceAndFindsTheSession) {
  SessionRegistry r;
  EXPECT_TRUE(r.Admit(&phone, Session("alice", "phone")));
  EXPECT_FALSE(r.Admit(&laptop, Session("alice", "laptop")));
  EXPECT_TRUE(r.Admit(&bob_phone, Session("bob", "phone")));
  EXPECT_EQ(r.size(), 3u);
  ASSERT_NE(r.Find(&laptop), nullptr);
  EXPECT_EQ(r.Find(&laptop)->device_id, "laptop");
  EXPECT_EQ(r.Find(&phone_again), nullptr);
  EXPECT_THAT(r.devices().OtherDevices("alice", "alice/phone"), ElementsAre("alice/laptop"));
}

TEST(SessionRegistryTest, DisconnectIsIdempotentAndKeepsTheWillUntilEndOfLoop) {
  SessionRegistry r;
  r.Admit(&phone, Session("alice", "phone"));
  r.Admit(&laptop, Session("alice", "laptop"));
  EXPECT_EQ(r.Disconnect(&phone), "alice");
  EXPECT_EQ(r.Disconnect(&phone), std::nullopt);      // the broker reports some clients twice
  EXPECT_EQ(r.Disconnect(&bob_phone), std::nullopt);  // never admitted
  EXPECT_EQ(r.Find(&phone), nullptr);
  EXPECT_EQ(r.size(), 1u);
  EXPECT_TRUE(r.devices().OtherDevices("alice", "alice/laptop").empty());

  const std::string will = protocol::WillTopic("alice", "phone");
  const ClientSession* gone = r.DepartedWill(&phone, will);
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->username, "alice");
  EXPECT_EQ(r.DepartedWill(&phone, protocol::WillTopic("alice", "laptop")), nullptr);
  EXPECT_EQ(r.DepartedWill(&laptop, protocol::WillTopic("alice", "laptop")), nullptr);  // connected
  r.EndOfLoop();
  EXPECT_EQ(r.DepartedWill(&phone, will), nullptr);
}

TEST(SessionRegistryTest, TakeoverCountsBothConnectionsUntilTheOldOneLeaves) {
  SessionRegistry r;
  EXPECT_TRUE(r.Admit(&phone, Session("alice", "phone")));
  EXPECT_FALSE(r.Admit(&phone_again, Session("alice", "phone")));  // same device, new connection
  r.AddContacts("alice", {"bob"}, {});
  r.Disconnect(&phone);
  EXPECT_NE(r.ContactsOf("alice"), nullptr);  // still connected through the new connection
  r.Disconnect(&phone_again);
  EXPECT_EQ(r.ContactsOf("alice"), nullptr);
}

TEST(SessionRegistryTest, ContactsAreKeptOnlyWhileTheUserHasADeviceHere) {
  SessionRegistry r;
  r.AddContacts("alice", {"bob"}, {});  // loaded after alice left again: dropped
  EXPECT_EQ(r.ContactsOf("alice"), nullptr);

  r.Admit(&phone, Session("alice", "phone"));
  r.AddContacts("alice", {}, {});  // nobody: no entry
  EXPECT_EQ(r.ContactsOf("alice"), nullptr);
  r.AddMembers({"alice", "carol"});  // a conversation made before the load finished
  r.AddContacts("alice", {"bob"}, {});  // merged with what was learnt meanwhile
  ASSERT_NE(r.ContactsOf("alice"), nullptr);
  EXPECT_THAT(*r.ContactsOf("alice"), UnorderedElementsAre("bob", "carol"));
  EXPECT_EQ(r.ContactsOf("carol"), nullptr);  // not connected: keeps no contacts

  r.Admit(&laptop, Session("alice", "laptop"));
  r.Disconnect(&phone);
  EXPECT_NE(r.ContactsOf("alice"), nullptr);  // one device left
  r.Disconnect(&laptop);
  EXPECT_EQ(r.ContactsOf("alice"), nullptr);  // the last device takes them along
  r.Admit(&phone_again, Session("alice", "phone"));
  EXPECT_EQ(r.ContactsOf("alice"), nullptr);  // a new login loads them again
}

TEST(SessionRegistryTest, PrincipalIsTheAclViewOfAConnectedClient) {
  SessionRegistry r;
  EXPECT_EQ(r.Principal(&phone), std::nullopt);
  r.Admit(&phone, Session("alice", "phone"));
  auto who = r.Principal(&phone);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->username, "alice");
  EXPECT_EQ(who->device_id, "phone");
  EXPECT_EQ(who->contacts, nullptr);
  r.AddMembers({"alice", "bob"});
  who = r.Principal(&phone);
  ASSERT_NE(who->contacts, nullptr);
  EXPECT_THAT(*who->contacts, ElementsAre("bob"));
  EXPECT_TRUE(acl::Allowed(*who, protocol::PresenceTopic("bob"), acl::Access::kSubscribe, false));
  EXPECT_FALSE(
      acl::Allowed(*who, protocol::PresenceTopic("carol"), acl::Access::kSubscribe, false));
}

TEST(SessionRegistryTest, HiddenUsersAreNeverContactsAndABlockHidesAtOnceBothWays) {
  SessionRegistry r;
  r.Admit(&phone, Session("alice", "phone"));
  r.Admit(&bob_phone, Session("bob", "phone"));
  EXPECT_FALSE(r.hidden().Loaded("alice"));
  // Loaded: mallory blocked alice (or the other way); never a contact, not even by a group.
  r.AddContacts("alice", {"bob", "mallory"}, {"mallory"});
  EXPECT_TRUE(r.hidden().Loaded("alice"));
  EXPECT_TRUE(r.hidden().Hidden("alice", "mallory"));
  r.AddMembers({"alice", "mallory", "carol"});
  EXPECT_THAT(*r.ContactsOf("alice"), UnorderedElementsAre("bob", "carol"));

  // A block between alice and bob: each loses the other at once, whoever blocked.
  r.AddMembers({"alice", "bob"});
  ASSERT_NE(r.ContactsOf("bob"), nullptr);
  const uint64_t before = r.hidden().Version("alice");
  r.Hide("bob", "alice");
  EXPECT_NE(r.hidden().Version("alice"), before);  // a load under way is made again
  EXPECT_THAT(*r.ContactsOf("alice"), UnorderedElementsAre("carol"));
  EXPECT_TRUE(r.ContactsOf("bob")->empty());
  EXPECT_TRUE(r.hidden().Hidden("alice", "bob"));
  EXPECT_TRUE(r.hidden().Hidden("bob", "alice"));
  r.AddMembers({"alice", "bob"});  // a new shared group does not undo it
  EXPECT_EQ(r.ContactsOf("alice")->count("bob"), 0u);

  // Unblock: the connected ones are to be loaded again (the store tells what holds).
  const uint64_t hidden_at = r.hidden().Version("bob");
  EXPECT_THAT(r.Unhide("bob", "alice"), UnorderedElementsAre("bob", "alice"));
  EXPECT_NE(r.hidden().Version("bob"), hidden_at);
  r.AddContacts("alice", {"bob", "carol"}, {"mallory"});
  EXPECT_THAT(*r.ContactsOf("alice"), UnorderedElementsAre("bob", "carol"));
  EXPECT_FALSE(r.hidden().Hidden("alice", "bob"));

  // Users not connected here keep nothing; their login loads it from the store.
  r.Hide("alice", "dave");
  EXPECT_EQ(r.hidden().Version("dave"), 0u);
  EXPECT_THAT(r.Unhide("alice", "dave"), ElementsAre("alice"));
  r.Disconnect(&phone);
  EXPECT_EQ(r.hidden().Version("alice"), 0u);
  EXPECT_FALSE(r.hidden().Loaded("alice"));
}

// A profile change goes to the user's own devices here and to those here who may watch them;
// not to strangers, nor to a user hidden by a block either way.
TEST(SessionRegistryTest, WatchersAreTheUserAndThoseWhoHaveThemAsAContact) {
  SessionRegistry r;
  int carol_phone, dave_phone;
  r.Admit(&phone, Session("alice", "phone"));
  r.Admit(&bob_phone, Session("bob", "phone"));
  r.Admit(&carol_phone, Session("carol", "phone"));
  r.Admit(&dave_phone, Session("dave", "phone"));
  r.AddContacts("bob", {"alice"}, {});
  r.AddContacts("carol", {"dave"}, {});
  r.AddContacts("dave", {"alice", "carol"}, {"alice"});  // a block between dave and alice
  EXPECT_THAT(r.Watchers("alice"), UnorderedElementsAre("alice", "bob"));
  EXPECT_THAT(r.Watchers("dave"), UnorderedElementsAre("dave", "carol"));
  // A user not connected here: only those here who may watch them.
  EXPECT_THAT(r.Watchers("erin"), ElementsAre());
  r.AddMembers({"erin", "carol"});
  EXPECT_THAT(r.Watchers("erin"), ElementsAre("carol"));
  r.Disconnect(&bob_phone);
  EXPECT_THAT(r.Watchers("alice"), ElementsAre("alice"));
}

// The reverse index behind Watchers follows every way contacts change: added by a load or a
// shared conversation, removed by a block (either way, or one loaded later), and dropped with
// the watcher's last device here.
TEST(SessionRegistryTest, WatchersFollowContactsAddedRemovedAndDisconnected) {
  SessionRegistry r;
  int carol_phone;
  r.Admit(&phone, Session("alice", "phone"));
  r.Admit(&laptop, Session("alice", "laptop"));
  r.Admit(&bob_phone, Session("bob", "phone"));
  r.Admit(&carol_phone, Session("carol", "phone"));

  // Added: by a load and by a conversation shared later.
  r.AddContacts("bob", {"alice", "dave"}, {});
  EXPECT_THAT(r.Watchers("dave"), ElementsAre("bob"));
  r.AddMembers({"alice", "carol", "dave"});
  EXPECT_THAT(r.Watchers("dave"), UnorderedElementsAre("bob", "alice", "carol"));
  EXPECT_THAT(r.Watchers("carol"), UnorderedElementsAre("carol", "alice"));
  EXPECT_THAT(r.Watchers("alice"), UnorderedElementsAre("alice", "bob", "carol"));

  // Removed: a block between carol and dave (dave not connected here); a load that tells
  // alice of a block with bob, made before the conversation she shares with him reached her.
  r.Hide("dave", "carol");
  EXPECT_THAT(r.Watchers("dave"), UnorderedElementsAre("bob", "alice"));
  r.AddMembers({"alice", "bob"});
  EXPECT_THAT(r.Watchers("bob"), UnorderedElementsAre("bob", "alice"));
  r.AddContacts("alice", {"dave"}, {"bob"});
  EXPECT_THAT(r.Watchers("bob"), ElementsAre("bob"));
  EXPECT_THAT(r.Watchers("alice"), UnorderedElementsAre("alice", "bob", "carol"));  // bob's own

  // Disconnected: alice's other device keeps her a watcher; her last takes her contacts along.
  r.Disconnect(&phone);
  EXPECT_THAT(r.Watchers("dave"), UnorderedElementsAre("bob", "alice"));
  r.Disconnect(&laptop);
  EXPECT_THAT(r.Watchers("dave"), ElementsAre("bob"));
  EXPECT_THAT(r.Watchers("carol"), ElementsAre("carol"));
  EXPECT_THAT(r.Watchers("alice"), UnorderedElementsAre("bob", "carol"));  // they still may
  // A new login watches nobody until its contacts are loaded again.
  r.Admit(&phone_again, Session("alice", "phone"));
  EXPECT_THAT(r.Watchers("dave"), ElementsAre("bob"));
  r.Disconnect(&bob_phone);
  r.Disconnect(&carol_phone);
  EXPECT_THAT(r.Watchers("dave"), ElementsAre());
  EXPECT_THAT(r.Watchers("alice"), ElementsAre("alice"));
}

}  // namespace
}  // namespace mqchat::session
