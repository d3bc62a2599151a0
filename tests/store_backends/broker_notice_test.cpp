// Broker notices (store/broker_notices.h, migration 023) on SQLite and PostgreSQL alike: a
// moderator's entry leaves an `entry` notice in its AppendBatch transaction and nothing else
// does (a client's entry, a duplicate, a refused delete); the AccountStore reads notices after
// an id in id order, in pages, reads the device sign-outs still kept, and prunes old ones.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/account_store.h"
#include "store/admin_chat_store.h"
#include "store/broker_notices.h"
#include "store/chat_store.h"
#include "store/retention_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"
#include "util/clock.h"

namespace mqchat::store {
namespace {

using test::ChatBackendTest;

class BrokerNoticeTest : public ChatBackendTest {
 protected:
  void SetUp() override {
    ChatBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    OpenInto(accounts_, OpenAccountStore(config_));
    AddUsers({"alice", "bob"}, 1000);
    AddGroup(kGroup, "alice", "team", {"bob"}, 100, 1000);
    OpenInto(admin_, OpenAdminChatStore(config_));
  }

  AppendResult Append(const std::string& sender, const std::string& key, EventKind kind,
                      int64_t target_seq, bool moderator, int64_t at_ms) {
    AppendRequest r;
    r.conversation_id = kGroup;
    r.sender = sender;
    r.client_msg_id = key;
    r.text = kind == EventKind::kMessage ? "hello" : "";
    r.message_id = ++next_id_;
    r.created_at_ms = at_ms;
    r.kind = kind;
    r.target_seq = target_seq;
    r.moderator = moderator;
    auto results = chat_->AppendBatch({r});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    return results.ok() ? (*results)[0] : AppendResult{};
  }

  std::vector<BrokerNotice> Since(int64_t after, int limit = kNoticePage) {
    auto notices = accounts_->NoticesSince(after, limit);
    EXPECT_TRUE(notices.ok()) << notices.status().ToString();
    return notices.ok() ? *notices : std::vector<BrokerNotice>{};
  }

  static constexpr ConversationId kGroup = 77;
  int64_t next_id_ = 1000;
  AdminChatStorePtr admin_;  // the ChatStore with the admin API's group changes
  AccountStorePtr accounts_;
};

TEST_P(BrokerNoticeTest, AModeratorEntryAndOnlyItLeavesAnEntryNotice) {
  ASSERT_EQ(*accounts_->LastNoticeId(), 0);
  EXPECT_EQ(Append("bob", "b1", EventKind::kMessage, 0, false, 2000).outcome,
            AppendOutcome::kStored);  // seq 1
  EXPECT_TRUE(Since(0).empty()) << "a broker's own entry needs no notice";

  auto deleted = Append(kOperatorActor, "report-1", EventKind::kDelete, 1, true, 3000);
  ASSERT_EQ(deleted.outcome, AppendOutcome::kStored);
  auto notices = Since(0);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, NoticeKind::kEntry);
  EXPECT_EQ(notices[0].conversation_id, kGroup);
  EXPECT_EQ(notices[0].seq, deleted.message.seq);
  EXPECT_EQ(notices[0].created_at_ms, 3000);
  EXPECT_EQ(CheckNotice(notices[0]), "");
  EXPECT_EQ(*accounts_->LastNoticeId(), notices[0].id);

  // The same delete again is a duplicate, another one of the deleted message is refused:
  // neither stores an entry, so neither leaves a notice.
  EXPECT_EQ(Append(kOperatorActor, "report-1", EventKind::kDelete, 1, true, 4000).outcome,
            AppendOutcome::kDuplicate);
  EXPECT_EQ(Append(kOperatorActor, "report-2", EventKind::kDelete, 1, true, 4000).outcome,
            AppendOutcome::kRefused);
  EXPECT_EQ(Since(0).size(), 1u);
  EXPECT_TRUE(Since(notices[0].id).empty());
}

TEST_P(BrokerNoticeTest, NoticesAreReadInIdOrderInPagesAndPruned) {
  for (int i = 0; i < 3; ++i) {
    Append("bob", "m" + std::to_string(i), EventKind::kMessage, 0, false, 2000 + i);
  }
  for (int i = 0; i < 3; ++i) {  // seqs 4, 5, 6, at 10000, 20000, 30000
    ASSERT_EQ(Append(kOperatorActor, "d" + std::to_string(i), EventKind::kDelete, i + 1, true,
                     10000 * (i + 1))
                  .outcome,
              AppendOutcome::kStored);
  }
  auto all = Since(0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].id, all[1].id);
  EXPECT_LT(all[1].id, all[2].id);
  EXPECT_EQ(all[0].seq, 4);
  EXPECT_EQ(all[2].seq, 6);
  auto first = Since(0, 2);
  ASSERT_EQ(first.size(), 2u);
  auto rest = Since(first.back().id, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, all[2].id);

  ASSERT_TRUE(accounts_->PruneNotices(20000).ok());  // created before 20000: the first
  auto kept = Since(0);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].id, all[1].id);
}

TEST_P(BrokerNoticeTest, DeviceSignOutsStillKeptAreReadBack) {
  ASSERT_TRUE(ExecRaw("INSERT INTO broker_notices (kind, username, device_id, created_at_ms) "
                      "VALUES (2, 'alice', 'phone', 5000), (2, 'bob', 'pc', 9000), "
                      "(1, '', '', 9500)")
                  .ok());
  auto since = accounts_->SignOutsSince(6000);
  ASSERT_TRUE(since.ok()) << since.status().ToString();
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ((*since)[0].kind, NoticeKind::kDeviceSignedOut);
  EXPECT_EQ((*since)[0].username, "bob");
  EXPECT_EQ((*since)[0].device_id, "pc");
  EXPECT_EQ((*since)[0].created_at_ms, 9000);
  EXPECT_EQ(accounts_->SignOutsSince(0)->size(), 2u);
  // The malformed entry notice (no conversation) is readable but flagged, not applied.
  auto all = Since(0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_NE(CheckNotice(all[2]), "");
}

// Issue 15/16: a profile notice (kind 4) is read with the user's profile as it is now (what a
// broker sends its devices); a user without a profile row reads the defaults; other kinds
// carry no profile, even for a user who has one.
TEST_P(BrokerNoticeTest, AProfileNoticeIsReadWithTheProfile) {
  ASSERT_TRUE(ExecRaw("INSERT INTO profiles (username, display_name, status_text, avatar_id, "
                      "avatar_type, discoverable, updated_at_ms) VALUES ('alice', 'Alice B.', "
                      "'away', 'abcdef0123456789', 'image/png', 1, 7000)")
                  .ok());
  ASSERT_TRUE(ExecRaw("INSERT INTO broker_notices (kind, username, device_id, created_at_ms) "
                      "VALUES (4, 'alice', '', 7000), (4, 'bob', '', 7100), "
                      "(2, 'alice', 'phone', 7200)")
                  .ok());
  auto all = Since(0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].kind, NoticeKind::kProfile);
  EXPECT_EQ(CheckNotice(all[0]), "");
  EXPECT_EQ(all[0].username, "alice");
  EXPECT_EQ(all[0].profile.display_name, "Alice B.");
  EXPECT_EQ(all[0].profile.status_text, "away");
  EXPECT_EQ(all[0].profile.avatar_id, "abcdef0123456789");
  EXPECT_EQ(all[0].profile.avatar_type, "image/png");
  EXPECT_EQ(all[0].profile.updated_at_ms, 7000);
  EXPECT_EQ(all[1].username, "bob");
  EXPECT_EQ(all[1].profile.display_name, "");
  EXPECT_EQ(all[1].profile.avatar_id, "");
  EXPECT_EQ(all[1].profile.updated_at_ms, 0);
  EXPECT_EQ(all[2].kind, NoticeKind::kDeviceSignedOut);
  EXPECT_EQ(all[2].profile.display_name, "");
  BrokerNotice nameless;
  nameless.kind = NoticeKind::kProfile;
  EXPECT_NE(CheckNotice(nameless), "");
}

// The admin API's group changes (AdminChatStore): the member rules of the MQTT ops with the
// owner's rights, and a members notice per user added or removed in the same transaction; a
// member's change through a broker and every refusal leave none.
TEST_P(BrokerNoticeTest, AdminGroupChangesLeaveMembersNotices) {
  for (const char* user : {"carol", "dan"}) ASSERT_TRUE(admin_->EnsureUser(user, 1000).ok());
  auto created = admin_->AdminCreateGroup(88, "carol", "from the backend", {"dan"}, 3, 3000);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto notices = Since(0);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, NoticeKind::kMembers);
  EXPECT_EQ(notices[0].conversation_id, 88);
  EXPECT_EQ(notices[0].username, "");
  EXPECT_EQ(notices[0].created_at_ms, 3000);
  const int64_t after_create = notices[0].id;

  // Added with nobody's membership (the admin has the owner's rights); bob was in already.
  auto added = admin_->AdminAddMembers(kGroup, {"carol", "bob", "dan"}, 100, 4000);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, (std::vector<std::string>{"carol", "dan"}));
  notices = Since(after_create);
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0].username, "carol");
  EXPECT_EQ(notices[1].username, "dan");
  EXPECT_EQ(notices[1].conversation_id, kGroup);
  const int64_t after_add = notices[1].id;
  ASSERT_TRUE(admin_->AdminRemoveMember(kGroup, "dan", 5000).ok());
  notices = Since(after_add);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].username, "dan");
  const int64_t last = notices[0].id;

  // Refusals change nothing and leave no notice: unknown users, too many, not a member, the
  // owner, a direct conversation, no such conversation, nobody new.
  EXPECT_EQ(admin_->AdminAddMembers(kGroup, {"nobody"}, 100, 6000).status().code(),
            Code::kNotFound);
  EXPECT_EQ(admin_->AdminAddMembers(kGroup, {"dan"}, 3, 6000).status().code(),
            Code::kResourceExhausted);
  EXPECT_EQ(admin_->AdminRemoveMember(kGroup, "dan", 6000).code(), Code::kNotFound);
  EXPECT_EQ(admin_->AdminRemoveMember(kGroup, "alice", 6000).code(), Code::kPermissionDenied);
  auto direct = admin_->OpenDirect(99, "alice", "bob", 6000);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_FALSE(admin_->AdminAddMembers(99, {"carol"}, 100, 6000).ok());
  EXPECT_FALSE(admin_->AdminRemoveMember(99, "bob", 6000).ok());
  EXPECT_EQ(admin_->AdminAddMembers(12345, {"carol"}, 100, 6000).status().code(),
            Code::kNotFound);
  EXPECT_EQ(admin_->AdminCreateGroup(88, "carol", "again", {}, 3, 6000).status().code(),
            Code::kAlreadyExists);  // the id is taken: the API retries with the next
  auto nobody_new = admin_->AdminAddMembers(kGroup, {"carol"}, 100, 6000);
  ASSERT_TRUE(nobody_new.ok());
  EXPECT_TRUE(nobody_new->empty());
  // A member's change through a broker leaves none either (the broker tells its clients).
  ASSERT_TRUE(admin_->AddMembers(kGroup, "alice", {"dan"}, 100, 7000).ok());
  ASSERT_TRUE(admin_->RemoveMember(kGroup, "alice", "dan").ok());
  EXPECT_TRUE(Since(last).empty());
  auto group = admin_->GetConversation(kGroup);
  ASSERT_TRUE(group.ok());
  std::vector<std::string> members;
  for (const auto& m : group->members) members.push_back(m.username);
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, (std::vector<std::string>{"alice", "bob", "carol"}));
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(BrokerNoticeTest);

}  // namespace
}  // namespace mqchat::store
