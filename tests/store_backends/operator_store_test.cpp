// OperatorStore (mqchatctl's conversation list, group admins, stats) on SQLite and PostgreSQL
// alike: the list pages by id and filters by member; a group member made admin can then add
// members (the store's own role check sees it) and members_version rises so brokers reload;
// every refusal has its code; stats count what the store holds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/operator_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::ChatBackendTest;

constexpr ConversationId kGroup = 2001;
constexpr ConversationId kDirect = 2002;
constexpr ConversationId kOther = 2003;

class OperatorStoreTest : public ChatBackendTest {
 protected:
  void SetUp() override {
    ChatBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AddUsers({"alice", "bob", "carol", "dave"}, 1000);
    AddGroup(kGroup, "alice", "team", {"bob", "carol"}, 10, 1000);
    AddDirect(kDirect, "alice", "bob", 1100);
    AddGroup(kOther, "carol", "other", {}, 10, 1200);
    OpenInto(ops_, OpenOperatorStore(config_));
  }

  void Send(ConversationId id, const std::string& sender, int64_t at) {
    AppendRequest r;
    r.conversation_id = id;
    r.sender = sender;
    r.client_msg_id = "c" + std::to_string(++n_);
    r.text = "text " + std::to_string(n_);
    r.message_id = 700000 + n_;
    r.created_at_ms = at;
    auto results = chat_->AppendBatch({r});
    ASSERT_TRUE(results.ok()) << results.status().ToString();
  }

  int64_t MembersVersion(ConversationId id) {
    auto c = chat_->GetConversation(id);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->members_version : -1;
  }

  OperatorStorePtr ops_;
  int n_ = 0;
};

TEST_P(OperatorStoreTest, ListsEveryConversationPagedAndByMember) {
  Send(kGroup, "bob", 5000);
  auto all = ops_->ListConversations(0, 100, "");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, kGroup);
  EXPECT_EQ((*all)[0].shape, ConversationShape::kGroup);
  EXPECT_EQ((*all)[0].name, "team");
  EXPECT_EQ((*all)[0].members, 3);
  EXPECT_EQ((*all)[0].last_seq, 1);
  EXPECT_EQ((*all)[0].last_activity_ms, 5000);
  EXPECT_EQ((*all)[1].shape, ConversationShape::kDirect);
  EXPECT_EQ((*all)[1].members, 2);
  EXPECT_EQ((*all)[1].last_activity_ms, 0);
  auto page = ops_->ListConversations(kGroup, 1, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, kDirect);
  auto bobs = ops_->ListConversations(0, 100, "bob");
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 2u);
  EXPECT_EQ((*bobs)[0].id, kGroup);
  EXPECT_EQ((*bobs)[1].id, kDirect);
  auto nobody = ops_->ListConversations(0, 100, "zed");
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->empty());
}

TEST_P(OperatorStoreTest, AnAdminMadeByTheOperatorManagesTheGroup) {
  // bob, a plain member, may not add dave yet.
  EXPECT_EQ(chat_->AddMembers(kGroup, "bob", {"dave"}, 10, 2000).status().code(),
            Code::kPermissionDenied);
  const int64_t before = MembersVersion(kGroup);
  ASSERT_TRUE(ops_->SetMemberRole(kGroup, "bob", MemberRole::kAdmin, 3000).ok());
  EXPECT_EQ(MembersVersion(kGroup), before + 1);
  auto added = chat_->AddMembers(kGroup, "bob", {"dave"}, 10, 3100);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, std::vector<std::string>{"dave"});
  auto conv = chat_->GetConversation(kGroup);
  ASSERT_TRUE(conv.ok());
  for (const auto& m : conv->members) {
    if (m.username == "bob") EXPECT_EQ(m.role, MemberRole::kAdmin);
  }
  EXPECT_EQ(ops_->SetMemberRole(kGroup, "bob", MemberRole::kAdmin, 3200).code(),
            Code::kAlreadyExists);
  ASSERT_TRUE(ops_->SetMemberRole(kGroup, "bob", MemberRole::kMember, 3300).ok());
  EXPECT_EQ(chat_->AddMembers(kGroup, "bob", {"carol"}, 10, 3400).status().code(),
            Code::kPermissionDenied);
}

TEST_P(OperatorStoreTest, RefusesWhatARoleChangeCannotBe) {
  EXPECT_EQ(ops_->SetMemberRole(9999, "bob", MemberRole::kAdmin, 1).code(), Code::kNotFound);
  EXPECT_EQ(ops_->SetMemberRole(kGroup, "dave", MemberRole::kAdmin, 1).code(), Code::kNotFound);
  EXPECT_EQ(ops_->SetMemberRole(kDirect, "bob", MemberRole::kAdmin, 1).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(ops_->SetMemberRole(kGroup, "alice", MemberRole::kMember, 1).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(ops_->SetMemberRole(kGroup, "bob", MemberRole::kOwner, 1).code(),
            Code::kInvalidArgument);
  // Nothing changed: bob is still a plain member and the version did not move.
  EXPECT_EQ(MembersVersion(kDirect), 0);
  EXPECT_EQ(chat_->AddMembers(kGroup, "bob", {"dave"}, 10, 2).status().code(),
            Code::kPermissionDenied);
}

TEST_P(OperatorStoreTest, StatsCountTheStore) {
  Send(kGroup, "alice", 1000);
  Send(kGroup, "bob", 5000);
  Send(kDirect, "bob", 6000);
  auto stats = ops_->Stats(5000);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->users_active, 4);
  EXPECT_EQ(stats->users_disabled, 0);
  EXPECT_EQ(stats->direct_conversations, 1);
  EXPECT_EQ(stats->groups, 2);
  EXPECT_EQ(stats->channels, 0);
  EXPECT_EQ(stats->messages, 3);
  EXPECT_EQ(stats->messages_since, 2);
  EXPECT_EQ(stats->open_reports, 0);
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(OperatorStoreTest);

}  // namespace
}  // namespace mqchat::store
