// A call's entry in the log (store::EventKind::kCall, migration 027), on SQLite and PostgreSQL
// alike: it takes the next seq like a message, once per client_msg_id, shows in ReadMessages
// (`history`) and ReadHistory (`sync`), counts as unread for whoever missed the call and moves
// the read position of the sender and of `also_read`; a message after it still pushes.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

constexpr ConversationId kGroup = 4343;
constexpr char kRecord[] =
    R"({"call_id":"0019f2c","outcome":"answered","video":false,"duration_ms":60000,)"
    R"("participants":["alice","bob"]})";

class ChatCallEntriesTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto store = OpenChatStore(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    for (const char* user : {"alice", "bob", "carol"}) {
      ASSERT_TRUE(store_->EnsureUser(user, 1000).ok()) << user;
    }
    ASSERT_TRUE(store_->CreateGroup(kGroup, "alice", "g", {"bob", "carol"}, 100, 1000).ok());
  }

  AppendResult Append(AppendRequest req) {
    req.conversation_id = kGroup;
    req.message_id = ++next_id_;
    req.created_at_ms = 2000 + next_id_;
    auto results = store_->AppendBatch({req});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    return results.ok() ? results->front() : AppendResult{};
  }
  AppendResult CallEntry() {
    AppendRequest req;
    req.sender = "alice";
    req.client_msg_id = "call/0019f2c";
    req.text = kRecord;
    req.kind = EventKind::kCall;
    req.also_read = {"bob"};  // took part; carol missed it
    return Append(req);
  }
  ConversationSummary Summary(const std::string& user) {
    auto list = store_->ListConversations(user);
    EXPECT_TRUE(list.ok() && list->size() == 1);
    return list.ok() && !list->empty() ? list->front() : ConversationSummary{};
  }

  ChatStorePtr store_;
  int64_t next_id_ = 0;
};

TEST_P(ChatCallEntriesTest, ACallEntryIsLoggedOnceAndUnreadOnlyForWhoMissedIt) {
  if (IsSkipped()) return;
  AppendRequest hello;
  hello.sender = "carol";
  hello.client_msg_id = "c1";
  hello.text = "anyone?";
  ASSERT_EQ(Append(hello).outcome, AppendOutcome::kStored);

  const AppendResult stored = CallEntry();
  ASSERT_EQ(stored.outcome, AppendOutcome::kStored);
  EXPECT_EQ(stored.message.seq, 2);
  EXPECT_EQ(stored.message.kind, EventKind::kCall);
  // Submitted again (a retried submission): the same entry, nothing new.
  const AppendResult again = CallEntry();
  EXPECT_EQ(again.outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(again.message.seq, 2);

  // alice (its sender) and bob (also_read) saw it, past carol's message too; carol missed it.
  EXPECT_EQ(Summary("alice").read_seq, 2);
  EXPECT_EQ(Summary("alice").unread, 0);
  EXPECT_EQ(Summary("bob").read_seq, 2);
  EXPECT_EQ(Summary("bob").unread, 0);
  EXPECT_EQ(Summary("carol").read_seq, 1);
  EXPECT_EQ(Summary("carol").unread, 1);
  EXPECT_EQ(Summary("carol").last_message->seq, 1) << "last_message stays a message";

  // In history (ReadMessages) and in sync (ReadHistory), with its record, once.
  auto page = store_->ReadMessages(kGroup, "carol", 0, 0, 100);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[1].message.kind, EventKind::kCall);
  EXPECT_EQ((*page)[1].message.text, kRecord);
  EXPECT_EQ((*page)[1].message.sender, "alice");
  auto log = store_->ReadHistory(kGroup, 1, 0, 100);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].kind, EventKind::kCall);
  EXPECT_EQ((*log)[0].client_msg_id, "call/0019f2c");
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(ChatCallEntriesTest);

}  // namespace
}  // namespace mqchat::store
