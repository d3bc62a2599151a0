// Blocks and the direct-message policy (ChatStore::Block .. BlockedBy) and their refusals in
// OpenDirect and AppendBatch, run against SQLite and PostgreSQL alike (StoreBackendTest).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/block_steps.h"
#include "store/chat_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

class BlockStoreTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    for (const char* user : {"alice", "bob", "carol", "dave", "erin"}) {
      ASSERT_TRUE(store_->EnsureUser(user, Now()).ok()) << user;
    }
  }

  ChatStorePtr Open() {
    auto store = OpenChatStore(config_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  int64_t Now() { return now_ms_ += 1000; }

  std::vector<std::string> Names(const std::vector<BlockedUser>& list) {
    std::vector<std::string> out;
    for (const auto& b : list) out.push_back(b.username);
    return out;
  }

  std::vector<std::string> BlockedNames(const std::string& user) {
    auto privacy = store_->GetPrivacy(user);
    EXPECT_TRUE(privacy.ok()) << privacy.status().ToString();
    return privacy.ok() ? Names(privacy->blocked) : std::vector<std::string>{};
  }

  // Sends one message; returns the outcome (kNotMember on a failed call, with a failure).
  AppendOutcome Send(ConversationId id, const std::string& sender, const std::string& cmid,
                     ChatStore* store = nullptr) {
    AppendRequest req;
    req.conversation_id = id;
    req.sender = sender;
    req.client_msg_id = cmid;
    req.text = "hi";
    req.message_id = ++next_message_id_;
    req.created_at_ms = Now();
    auto results = (store != nullptr ? store : store_.get())->AppendBatch({req});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    if (!results.ok() || results->size() != 1) return AppendOutcome::kNotMember;
    return (*results)[0].outcome;
  }

  ConversationId MustOpen(const std::string& a, const std::string& b) {
    auto conv = store_->OpenDirect(++next_conversation_id_, a, b, Now());
    EXPECT_TRUE(conv.ok()) << a << " -> " << b << ": " << conv.status().ToString();
    return conv.ok() ? conv->id : 0;
  }

  // The status of opening a direct conversation of `a` with `b`.
  Status OpenStatus(const std::string& a, const std::string& b) {
    return store_->OpenDirect(++next_conversation_id_, a, b, Now()).status();
  }

  ConversationId MustGroup(const std::string& owner, const std::vector<std::string>& members) {
    auto conv = store_->CreateGroup(++next_conversation_id_, owner, "g", members, 100, Now());
    EXPECT_TRUE(conv.ok()) << conv.status().ToString();
    return conv.ok() ? conv->id : 0;
  }

  int64_t LastSeq(ConversationId id) {
    auto conv = store_->GetConversation(id);
    EXPECT_TRUE(conv.ok());
    return conv.ok() ? conv->last_seq : -1;
  }

  ChatStorePtr store_;
  int64_t now_ms_ = 1'700'000'000'000;
  int64_t next_message_id_ = 7'000'000'000'000'000'000;
  ConversationId next_conversation_id_ = 5'000'000'000'000'000'000;
};

TEST_P(BlockStoreTest, BlockListsByNameAndUnblockRemoves) {
  auto first = store_->Block("alice", "carol", kMaxBlocks, 1111);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto both = store_->Block("alice", "bob", kMaxBlocks, 2222);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(Names(*both), (std::vector<std::string>{"bob", "carol"}));
  // Blocking again changes nothing, the first time included.
  auto again = store_->Block("alice", "carol", kMaxBlocks, 3333);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[1].created_at_ms, 1111);
  EXPECT_EQ(BlockedNames("alice"), (std::vector<std::string>{"bob", "carol"}));
  EXPECT_TRUE(BlockedNames("bob").empty());
  auto blocked_by = store_->BlockedBy("carol");
  ASSERT_TRUE(blocked_by.ok());
  EXPECT_EQ(*blocked_by, std::vector<std::string>{"alice"});

  auto after = store_->Unblock("alice", "carol");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(Names(*after), std::vector<std::string>{"bob"});
  ASSERT_TRUE(store_->Unblock("alice", "carol").ok());  // not blocked: nothing to do
  EXPECT_EQ(BlockedNames("alice"), std::vector<std::string>{"bob"});
  EXPECT_TRUE(store_->BlockedBy("carol")->empty());
}

TEST_P(BlockStoreTest, BadBlocksAreRefusedAndChangeNothing) {
  ASSERT_TRUE(store_->Block("alice", "bob", 2, Now()).ok());
  EXPECT_EQ(store_->Block("alice", "alice", 2, Now()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->Block("alice", "nobody", 2, Now()).status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->Block("alice", "carol", 2, Now()).ok());
  auto full = store_->Block("alice", "dave", 2, Now());
  EXPECT_EQ(full.status().code(), Code::kResourceExhausted) << full.status().ToString();
  EXPECT_TRUE(store_->Block("alice", "bob", 2, Now()).ok());  // already blocked: no new entry
  EXPECT_EQ(BlockedNames("alice"), (std::vector<std::string>{"bob", "carol"}));
}

TEST_P(BlockStoreTest, BlockedSenderCannotOpenOrSendUntilUnblocked) {
  const ConversationId dm = MustOpen("alice", "bob");
  ASSERT_EQ(Send(dm, "alice", "a1"), AppendOutcome::kStored);
  ASSERT_TRUE(store_->Block("bob", "alice", kMaxBlocks, Now()).ok());

  Status open = OpenStatus("alice", "bob");
  EXPECT_TRUE(IsNotAccepting(open)) << open.ToString();
  EXPECT_EQ(Send(dm, "alice", "a2"), AppendOutcome::kNotAccepting);
  EXPECT_EQ(Send(dm, "alice", "a1"), AppendOutcome::kDuplicate);  // stored before: its ack
  EXPECT_EQ(LastSeq(dm), 1);
  // The blocker may still write, and open the conversation.
  EXPECT_EQ(Send(dm, "bob", "b1"), AppendOutcome::kStored);
  EXPECT_EQ(MustOpen("bob", "alice"), dm);

  ASSERT_TRUE(store_->Unblock("bob", "alice").ok());
  EXPECT_EQ(MustOpen("alice", "bob"), dm);
  EXPECT_EQ(Send(dm, "alice", "a2"), AppendOutcome::kStored);
  EXPECT_EQ(LastSeq(dm), 3);
}

TEST_P(BlockStoreTest, ABlockAppliesAtOnceOnAnotherConnection) {
  ChatStorePtr other = Open();  // as another broker's writer
  ASSERT_NE(other, nullptr);
  const ConversationId dm = MustOpen("alice", "bob");
  ASSERT_EQ(Send(dm, "alice", "a1", other.get()), AppendOutcome::kStored);
  ASSERT_TRUE(store_->Block("bob", "alice", kMaxBlocks, Now()).ok());
  EXPECT_EQ(Send(dm, "alice", "a2", other.get()), AppendOutcome::kNotAccepting);
  Status open = other->OpenDirect(++next_conversation_id_, "alice", "bob", Now()).status();
  EXPECT_TRUE(IsNotAccepting(open)) << open.ToString();
}

TEST_P(BlockStoreTest, GroupsAreNotRefused) {
  const ConversationId group = MustGroup("alice", {"bob", "carol"});
  ASSERT_TRUE(store_->Block("bob", "alice", kMaxBlocks, Now()).ok());
  EXPECT_EQ(Send(group, "alice", "g1"), AppendOutcome::kStored);
}

TEST_P(BlockStoreTest, PolicyReadsBackAndDefaultsToEveryone) {
  auto privacy = store_->GetPrivacy("dave");
  ASSERT_TRUE(privacy.ok());
  EXPECT_EQ(privacy->dm_policy, DmPolicy::kEveryone);
  ASSERT_TRUE(store_->SetDmPolicy("dave", DmPolicy::kExistingOnly).ok());
  ASSERT_TRUE(store_->SetDmPolicy("dave", DmPolicy::kSharedGroup).ok());
  EXPECT_EQ(store_->GetPrivacy("dave")->dm_policy, DmPolicy::kSharedGroup);
  EXPECT_EQ(store_->GetPrivacy("erin")->dm_policy, DmPolicy::kEveryone);
}

TEST_P(BlockStoreTest, SharedGroupPolicyAdmitsGroupMatesAndPeopleTheUserWroteTo) {
  ASSERT_TRUE(store_->SetDmPolicy("dave", DmPolicy::kSharedGroup).ok());
  Status stranger = OpenStatus("erin", "dave");
  EXPECT_TRUE(IsNotAccepting(stranger)) << stranger.ToString();
  MustGroup("carol", {"dave", "erin"});
  const ConversationId dm = MustOpen("erin", "dave");
  EXPECT_EQ(Send(dm, "erin", "e1"), AppendOutcome::kStored);
  // Someone dave wrote to first may answer, with no group in common.
  const ConversationId with_bob = MustOpen("dave", "bob");
  EXPECT_EQ(Send(with_bob, "bob", "b0"), AppendOutcome::kNotAccepting);  // dave has not written
  ASSERT_EQ(Send(with_bob, "dave", "d1"), AppendOutcome::kStored);
  EXPECT_EQ(Send(with_bob, "bob", "b1"), AppendOutcome::kStored);
}

TEST_P(BlockStoreTest, ExistingOnlyPolicyAdmitsOnlyConversationsTheUserWroteIn) {
  const ConversationId old_dm = MustOpen("alice", "dave");
  ASSERT_EQ(Send(old_dm, "dave", "d1"), AppendOutcome::kStored);
  const ConversationId silent_dm = MustOpen("bob", "dave");  // dave never answered
  MustGroup("carol", {"dave", "erin"});
  ASSERT_TRUE(store_->SetDmPolicy("dave", DmPolicy::kExistingOnly).ok());

  EXPECT_EQ(MustOpen("alice", "dave"), old_dm);
  EXPECT_EQ(Send(old_dm, "alice", "a1"), AppendOutcome::kStored);
  EXPECT_EQ(Send(silent_dm, "bob", "b1"), AppendOutcome::kNotAccepting);
  EXPECT_TRUE(IsNotAccepting(OpenStatus("bob", "dave")));
  EXPECT_TRUE(IsNotAccepting(OpenStatus("erin", "dave")));  // a shared group is not enough
  // Back to everyone: anyone again, but a block still wins.
  ASSERT_TRUE(store_->SetDmPolicy("dave", DmPolicy::kEveryone).ok());
  EXPECT_EQ(Send(silent_dm, "bob", "b1"), AppendOutcome::kStored);
  ASSERT_TRUE(store_->Block("dave", "alice", kMaxBlocks, Now()).ok());
  EXPECT_EQ(Send(old_dm, "alice", "a2"), AppendOutcome::kNotAccepting);
}

TEST_P(BlockStoreTest, RefusalsInABatchLeaveTheRestStored) {
  const ConversationId dm = MustOpen("alice", "bob");
  const ConversationId other = MustOpen("alice", "carol");
  ASSERT_TRUE(store_->Block("bob", "alice", kMaxBlocks, Now()).ok());
  std::vector<AppendRequest> batch;
  for (auto [id, cmid] : {std::pair{dm, "x1"}, std::pair{other, "x2"}, std::pair{dm, "x3"}}) {
    AppendRequest req;
    req.conversation_id = id;
    req.sender = "alice";
    req.client_msg_id = cmid;
    req.text = "t";
    req.message_id = ++next_message_id_;
    req.created_at_ms = Now();
    batch.push_back(req);
  }
  auto results = store_->AppendBatch(batch);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_EQ((*results)[0].outcome, AppendOutcome::kNotAccepting);
  EXPECT_EQ((*results)[1].outcome, AppendOutcome::kStored);
  EXPECT_EQ((*results)[2].outcome, AppendOutcome::kNotAccepting);
  EXPECT_EQ(LastSeq(dm), 0);
  EXPECT_EQ(LastSeq(other), 1);
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(BlockStoreTest);

}  // namespace
}  // namespace mqchat::store
