// ChatStore contract, run against SQLite and PostgreSQL alike (StoreBackendTest): seqs,
// idempotent resend, membership rules, group limits under concurrency, read state, listing.
#include "store/chat_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/account_store.h"
#include "store/store_factory.h"
#include "support/wait_for.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

constexpr int kMaxMembers = 100;

class ChatStoreTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    for (const char* user : {"alice", "bob", "carol", "dave", "erin"}) {
      ASSERT_TRUE(store_->EnsureUser(user, Now()).ok()) << user;
    }
  }

  // A store on its own connection.
  ChatStorePtr Open() {
    auto store = OpenChatStore(config_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  int64_t Now() { return now_ms_ += 1000; }

  AppendRequest Req(ConversationId id, const std::string& sender, const std::string& client_msg_id,
                    const std::string& text = "hi") {
    AppendRequest req;
    req.conversation_id = id;
    req.sender = sender;
    req.client_msg_id = client_msg_id;
    req.text = text;
    req.message_id = ++next_message_id_;
    req.created_at_ms = Now();
    return req;
  }

  std::vector<AppendResult> MustAppend(const std::vector<AppendRequest>& batch,
                                       ChatStore* store = nullptr) {
    auto results = (store != nullptr ? store : store_.get())->AppendBatch(batch);
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    if (!results.ok()) {
      return {};
    }
    EXPECT_EQ(results->size(), batch.size());
    return *results;
  }

  Conversation MustGroup(ConversationId id, const std::string& owner,
                         const std::vector<std::string>& members) {
    auto conv =
        store_->CreateGroup(id, owner, "group " + std::to_string(id), members, kMaxMembers, Now());
    EXPECT_TRUE(conv.ok()) << conv.status().ToString();
    return conv.ok() ? *conv : Conversation{};
  }

  Conversation MustGet(ConversationId id) {
    auto conv = store_->GetConversation(id);
    EXPECT_TRUE(conv.ok()) << conv.status().ToString();
    return conv.ok() ? *conv : Conversation{};
  }

  std::vector<StoredMessage> History(ConversationId id, int64_t after, int64_t before, int limit) {
    auto history = store_->ReadHistory(id, after, before, limit);
    EXPECT_TRUE(history.ok()) << history.status().ToString();
    return history.ok() ? *history : std::vector<StoredMessage>{};
  }

  // Creates users u000, u001, ... (n of them) and returns their names.
  std::vector<std::string> MakeUsers(int n, const std::string& prefix = "u") {
    std::vector<std::string> users;
    for (int i = 0; i < n; ++i) {
      char name[32];
      std::snprintf(name, sizeof(name), "%s%03d", prefix.c_str(), i);
      users.emplace_back(name);
      EXPECT_TRUE(store_->EnsureUser(name, Now()).ok()) << name;
    }
    return users;
  }

  ChatStorePtr store_;
  int64_t now_ms_ = 1'700'000'000'000;
  int64_t next_message_id_ = 7'000'000'000'000'000'000;
};

std::vector<int64_t> Seqs(const std::vector<StoredMessage>& messages) {
  std::vector<int64_t> out;
  for (const auto& m : messages) {
    out.push_back(m.seq);
  }
  return out;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> out;
  for (int64_t s = first; s <= last; ++s) {
    out.push_back(s);
  }
  return out;
}

const Member* FindMember(const Conversation& conv, const std::string& user) {
  for (const Member& m : conv.members) {
    if (m.username == user) {
      return &m;
    }
  }
  return nullptr;
}

std::vector<std::string> MemberNames(const Conversation& conv) {
  std::vector<std::string> out;
  for (const Member& m : conv.members) {
    out.push_back(m.username);
  }
  return out;
}

void ExpectSameMessage(const StoredMessage& got, const StoredMessage& want) {
  EXPECT_EQ(got.conversation_id, want.conversation_id);
  EXPECT_EQ(got.seq, want.seq);
  EXPECT_EQ(got.message_id, want.message_id);
  EXPECT_EQ(got.sender, want.sender);
  EXPECT_EQ(got.client_msg_id, want.client_msg_id);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.created_at_ms, want.created_at_ms);
}

// --- AppendBatch ---

TEST_P(ChatStoreTest, EmptyBatchIsEmptyResult) {
  auto results = store_->AppendBatch({});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_TRUE(results->empty());
}

TEST_P(ChatStoreTest, SeqsAreGaplessPerConversationAcrossBatches) {
  MustGroup(10, "alice", {"bob"});
  MustGroup(20, "alice", {"carol"});
  std::vector<AppendRequest> first = {Req(10, "alice", "a1", "one"), Req(20, "carol", "c1"),
                                      Req(10, "bob", "b1", "two"), Req(10, "alice", "a2")};
  auto r1 = MustAppend(first);
  ASSERT_EQ(r1.size(), 4u);
  for (size_t i = 0; i < r1.size(); ++i) {
    EXPECT_EQ(r1[i].outcome, AppendOutcome::kStored) << i;
    EXPECT_EQ(r1[i].message.message_id, first[i].message_id);
    EXPECT_EQ(r1[i].message.sender, first[i].sender);
    EXPECT_EQ(r1[i].message.client_msg_id, first[i].client_msg_id);
    EXPECT_EQ(r1[i].message.text, first[i].text);
    EXPECT_EQ(r1[i].message.created_at_ms, first[i].created_at_ms);
    EXPECT_EQ(r1[i].message.conversation_id, first[i].conversation_id);
  }
  EXPECT_EQ(r1[0].message.seq, 1);
  EXPECT_EQ(r1[1].message.seq, 1);
  EXPECT_EQ(r1[2].message.seq, 2);
  EXPECT_EQ(r1[3].message.seq, 3);

  auto r2 = MustAppend({Req(20, "alice", "a3"), Req(10, "bob", "b2")});
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_EQ(r2[0].message.seq, 2);
  EXPECT_EQ(r2[1].message.seq, 4);

  auto history = History(10, 0, 0, 100);
  EXPECT_EQ(Seqs(history), Range(1, 4));
  ASSERT_EQ(history.size(), 4u);
  ExpectSameMessage(history[0], r1[0].message);
  ExpectSameMessage(history[3], r2[1].message);
  EXPECT_EQ(Seqs(History(20, 0, 0, 100)), Range(1, 2));
  EXPECT_EQ(MustGet(10).last_seq, 4);
  EXPECT_EQ(MustGet(20).last_seq, 2);
}

TEST_P(ChatStoreTest, SendingAdvancesOnlyTheSendersReadSeq) {
  MustGroup(10, "alice", {"bob", "carol"});
  MustAppend({Req(10, "alice", "a1"), Req(10, "bob", "b1"), Req(10, "alice", "a2")});
  Conversation conv = MustGet(10);
  ASSERT_NE(FindMember(conv, "alice"), nullptr);
  EXPECT_EQ(FindMember(conv, "alice")->read_seq, 3);
  EXPECT_EQ(FindMember(conv, "bob")->read_seq, 2);
  EXPECT_EQ(FindMember(conv, "carol")->read_seq, 0);
}

TEST_P(ChatStoreTest, DuplicateInStoreReturnsOriginal) {
  MustGroup(10, "alice", {"bob"});
  auto first = MustAppend({Req(10, "alice", "c-1", "original")});
  ASSERT_EQ(first.size(), 1u);
  MustAppend({Req(10, "bob", "b1")});

  auto again = MustAppend({Req(10, "alice", "c-1", "changed text")});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].outcome, AppendOutcome::kDuplicate);
  ExpectSameMessage(again[0].message, first[0].message);
  EXPECT_EQ(MustGet(10).last_seq, 2);  // nothing new
  EXPECT_EQ(History(10, 0, 0, 10).size(), 2u);
}

TEST_P(ChatStoreTest, DuplicateWithinBatchReturnsFirstOccurrence) {
  MustGroup(10, "alice", {"bob"});
  auto r = MustAppend({Req(10, "alice", "x", "one"), Req(10, "alice", "x", "two"),
                       Req(10, "bob", "x", "three"), Req(10, "alice", "y", "four"),
                       Req(10, "bob", "x", "five")});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[0].message.seq, 1);
  EXPECT_EQ(r[1].outcome, AppendOutcome::kDuplicate);
  ExpectSameMessage(r[1].message, r[0].message);
  EXPECT_EQ(r[1].message.text, "one");
  // The same client_msg_id from another sender is another message.
  EXPECT_EQ(r[2].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[2].message.seq, 2);
  EXPECT_EQ(r[3].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[3].message.seq, 3);
  EXPECT_EQ(r[4].outcome, AppendOutcome::kDuplicate);
  ExpectSameMessage(r[4].message, r[2].message);
  EXPECT_EQ(Seqs(History(10, 0, 0, 10)), Range(1, 3));
}

TEST_P(ChatStoreTest, NonMemberIsRefusedWhileTheRestOfTheBatchCommits) {
  MustGroup(10, "alice", {"bob"});
  MustGroup(20, "carol", {});
  auto r = MustAppend({Req(10, "alice", "a1"), Req(10, "carol", "c1"), Req(999, "alice", "a2"),
                       Req(20, "carol", "c2"), Req(10, "bob", "b1"), Req(10, "nobody", "n1")});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[1].outcome, AppendOutcome::kNotMember);
  EXPECT_EQ(r[2].outcome, AppendOutcome::kNotMember);  // no such conversation
  EXPECT_EQ(r[3].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[4].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[5].outcome, AppendOutcome::kNotMember);
  EXPECT_EQ(r[0].message.seq, 1);
  EXPECT_EQ(r[4].message.seq, 2);  // the refused request took no seq
  EXPECT_EQ(r[3].message.seq, 1);
  EXPECT_EQ(Seqs(History(10, 0, 0, 10)), Range(1, 2));
  EXPECT_TRUE(History(999, 0, 0, 10).empty());
}

TEST_P(ChatStoreTest, RemovedMemberCannotSendOrResend) {
  MustGroup(10, "alice", {"bob"});
  MustAppend({Req(10, "bob", "b1")});
  ASSERT_TRUE(store_->RemoveMember(10, "bob", "bob").ok());
  auto r = MustAppend({Req(10, "bob", "b1"), Req(10, "bob", "b2")});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, AppendOutcome::kNotMember);
  EXPECT_EQ(r[1].outcome, AppendOutcome::kNotMember);
}

TEST_P(ChatStoreTest, MembersVersionRisesWithEachMembershipChange) {
  const Conversation created = MustGroup(10, "alice", {"bob"});
  EXPECT_EQ(created.members_version, 0);
  EXPECT_EQ(MustGet(10).members_version, 0);
  auto direct = store_->OpenDirect(11, "alice", "bob", Now());
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(direct->members_version, 0);

  ASSERT_TRUE(store_->AddMembers(10, "alice", {"carol", "dave"}, kMaxMembers, Now()).ok());
  EXPECT_EQ(MustGet(10).members_version, 1);  // one change, however many users it adds
  ASSERT_TRUE(store_->AddMembers(10, "alice", {"carol"}, kMaxMembers, Now()).ok());
  EXPECT_EQ(MustGet(10).members_version, 1) << "nobody was added";
  ASSERT_TRUE(store_->RemoveMember(10, "alice", "dave").ok());
  EXPECT_EQ(MustGet(10).members_version, 2);
  ASSERT_TRUE(store_->RemoveMember(10, "carol", "carol").ok());  // leaving
  EXPECT_EQ(MustGet(10).members_version, 3);
  ASSERT_TRUE(store_->RemoveMember(10, "alice", "alice").ok());  // the owner leaves: bob owns
  EXPECT_EQ(MustGet(10).members_version, 4);

  // Refused changes, renames, reads and messages leave it alone.
  EXPECT_FALSE(store_->AddMembers(10, "erin", {"dave"}, kMaxMembers, Now()).ok());
  EXPECT_FALSE(store_->AddMembers(10, "bob", {"carol", "dave"}, 2, Now()).ok());  // too many
  EXPECT_FALSE(store_->RemoveMember(10, "bob", "erin").ok());
  ASSERT_TRUE(store_->RenameGroup(10, "bob", "renamed").ok());
  MustAppend({Req(10, "bob", "b1")});
  ASSERT_TRUE(store_->MarkRead(10, "bob", 1).ok());
  EXPECT_EQ(MustGet(10).members_version, 4);
  EXPECT_EQ(MustGet(11).members_version, 0);
}

TEST_P(ChatStoreTest, AppendResultsCarryTheMembersVersionTheyCommittedWith) {
  MustGroup(10, "alice", {"bob"});
  MustGroup(20, "alice", {});
  auto r = MustAppend({Req(10, "alice", "a1"), Req(20, "alice", "a2")});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].members_version, 0);
  EXPECT_EQ(r[1].members_version, 0);

  ASSERT_TRUE(store_->AddMembers(10, "alice", {"carol"}, kMaxMembers, Now()).ok());
  ASSERT_TRUE(store_->RemoveMember(10, "alice", "bob").ok());
  ASSERT_TRUE(store_->AddMembers(20, "alice", {"dave"}, kMaxMembers, Now()).ok());
  // A change made through another connection (another broker) counts the same.
  ChatStorePtr other = Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->AddMembers(10, "alice", {"erin"}, kMaxMembers, Now()).ok());

  r = MustAppend({Req(10, "carol", "c1"), Req(20, "dave", "d1"), Req(10, "erin", "e1"),
                  Req(10, "alice", "a1"), Req(10, "bob", "b1")});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[0].members_version, 3);
  EXPECT_EQ(r[1].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[1].members_version, 1);
  EXPECT_EQ(r[2].outcome, AppendOutcome::kStored);
  EXPECT_EQ(r[2].members_version, 3);
  EXPECT_EQ(r[3].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(r[4].outcome, AppendOutcome::kNotMember);
  EXPECT_EQ(MustGet(10).members_version, 3);
  EXPECT_EQ(MustGet(20).members_version, 1);
}

TEST_P(ChatStoreTest, BatchFailingMidwayCommitsNothing) {
  MustGroup(10, "alice", {"bob"});
  MustGroup(20, "alice", {});
  std::vector<AppendRequest> batch = {Req(10, "alice", "a1"), Req(20, "alice", "a2"),
                                      Req(10, "bob", "b1")};
  batch[2].message_id = batch[0].message_id;  // breaks UNIQUE (conversation_id, message_id)
  auto failed = store_->AppendBatch(batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().code(), Code::kUnavailable) << failed.status().ToString();

  EXPECT_EQ(MustGet(10).last_seq, 0);
  EXPECT_EQ(MustGet(20).last_seq, 0);
  EXPECT_TRUE(History(10, 0, 0, 10).empty());
  EXPECT_TRUE(History(20, 0, 0, 10).empty());
  EXPECT_EQ(FindMember(MustGet(10), "alice")->read_seq, 0);

  // The store is still usable, and the seqs start at 1: the failure consumed none.
  batch[2].message_id = ++next_message_id_;
  auto r = MustAppend(batch);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].message.seq, 1);
  EXPECT_EQ(r[1].message.seq, 1);
  EXPECT_EQ(r[2].message.seq, 2);
}

TEST_P(ChatStoreTest, LongTextWithFourByteCharactersIsByteIdentical) {
  MustGroup(10, "alice", {"bob"});
  // 100,000 code points: 4-byte emoji, 3-byte CJK, 2-byte, and ASCII that is special to SQL
  // and array literals.
  const std::string pieces[] = {"\xF0\x9F\x98\x80",
                                "\xF0\x9D\x84\x9E",
                                "\xE6\x9D\x8E",
                                "\xC3\xA9",
                                "\"",
                                "\\",
                                "{",
                                "}",
                                ",",
                                "'",
                                "\n",
                                " "};
  std::string text;
  for (int i = 0; i < 100'000; ++i) {
    text += pieces[(i * 7 + i / 13) % 12];
  }
  auto r = MustAppend({Req(10, "alice", "long", text), Req(10, "bob", "short", "ok")});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].message.text, text);

  auto history = History(10, 0, 0, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].text.size(), text.size());
  EXPECT_TRUE(history[0].text == text) << "stored text differs";
  EXPECT_EQ(history[1].text, "ok");

  auto again = MustAppend({Req(10, "alice", "long", "x")});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_TRUE(again[0].message.text == text);
}

TEST_P(ChatStoreTest, AwkwardStringsSurviveEveryColumn) {
  const std::vector<std::string> odd = {"NULL", "",        " padded ",    "a,b",
                                        "{x}",  "q\"uote", "back\\slash", "\xF0\x9F\x98\x80"};
  ASSERT_TRUE(store_->EnsureUser("we\"ird,{name}\\", Now()).ok());
  MustGroup(10, "we\"ird,{name}\\", {"alice"});
  std::vector<AppendRequest> batch;
  for (size_t i = 0; i < odd.size(); ++i) {
    batch.push_back(Req(10, i % 2 == 0 ? "we\"ird,{name}\\" : "alice", odd[i], odd[i]));
  }
  auto r = MustAppend(batch);
  ASSERT_EQ(r.size(), odd.size());
  auto history = History(10, 0, 0, 100);
  ASSERT_EQ(history.size(), odd.size());
  for (size_t i = 0; i < odd.size(); ++i) {
    EXPECT_EQ(r[i].outcome, AppendOutcome::kStored) << i;
    ExpectSameMessage(history[i], r[i].message);
    EXPECT_EQ(history[i].client_msg_id, odd[i]);
    EXPECT_EQ(history[i].text, odd[i]);
  }
  auto dup = MustAppend(batch);
  for (size_t i = 0; i < odd.size(); ++i) {
    EXPECT_EQ(dup[i].outcome, AppendOutcome::kDuplicate) << i;
  }
  auto list = store_->ListConversations("we\"ird,{name}\\");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().members, (std::vector<std::string>{"we\"ird,{name}\\", "alice"}));
}

// --- users and conversations ---

TEST_P(ChatStoreTest, EnsureUserCreatesTokenUserAndLeavesExistingAlone) {
  auto accounts = OpenAccountStore(config_);
  ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
  AccountStore& acc = **accounts;
  ASSERT_TRUE(acc.AddUser("pw-user", "$hash").ok());
  ASSERT_TRUE(acc.SetState("pw-user", UserState::kDisabled).ok());
  const UserRecord before = *acc.GetUser("pw-user");

  ASSERT_TRUE(store_->EnsureUser("token-user", Now()).ok());
  auto token = acc.GetUser("token-user");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->password_hash, "");
  EXPECT_EQ(token->state, UserState::kActive);
  EXPECT_GT(token->rev, before.rev);  // revs keep increasing across both stores
  EXPECT_EQ(token->created_at_ms, now_ms_);

  ASSERT_TRUE(store_->EnsureUser("token-user", Now()).ok());
  EXPECT_EQ(acc.GetUser("token-user")->rev, token->rev);
  ASSERT_TRUE(store_->EnsureUser("pw-user", Now()).ok());
  const UserRecord after = *acc.GetUser("pw-user");
  EXPECT_EQ(after.password_hash, "$hash");
  EXPECT_EQ(after.state, UserState::kDisabled);
  EXPECT_EQ(after.rev, before.rev);

  ASSERT_TRUE(acc.SetState("token-user", UserState::kDeleted).ok());
  ASSERT_TRUE(store_->EnsureUser("token-user", Now()).ok());
  EXPECT_EQ(acc.GetUser("token-user")->state, UserState::kDeleted);  // not resurrected

  auto changed = acc.UsersChangedSince(before.rev, 100);
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ(changed->front().username, "token-user");
}

TEST_P(ChatStoreTest, EnsureUsersRecordsABurstInOneCallWithEachLoginTime) {
  auto accounts = OpenAccountStore(config_);
  ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
  AccountStore& acc = **accounts;
  ASSERT_TRUE(acc.AddUser("pw-user", "$hash").ok());
  const UserRecord before = *acc.GetUser("pw-user");

  std::vector<ChatStore::NewUser> burst;
  for (int i = 0; i < 50; ++i) burst.push_back({"t" + std::to_string(i), 1000 + i});
  burst.push_back({"pw-user", 5000});  // exists: left alone
  ASSERT_TRUE(store_->EnsureUsers(burst).ok());

  for (int i = 0; i < 50; ++i) {
    auto user = acc.GetUser("t" + std::to_string(i));
    ASSERT_TRUE(user.ok()) << i << ": " << user.status().ToString();
    EXPECT_EQ(user->password_hash, "");
    EXPECT_EQ(user->created_at_ms, 1000 + i);
  }
  const UserRecord after = *acc.GetUser("pw-user");
  EXPECT_EQ(after.password_hash, "$hash");
  EXPECT_EQ(after.rev, before.rev);
  auto changed = acc.UsersChangedSince(before.rev, 100);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->size(), 50u);

  ASSERT_TRUE(store_->EnsureUsers(burst).ok());  // all exist now: nothing changes
  auto again = acc.UsersChangedSince(before.rev, 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 50u);
  ASSERT_TRUE(store_->EnsureUsers({}).ok());
}

// A first login of a case variant ("PW-User" beside "pw-user") records no second account and
// does not fail the rest of the burst.
TEST_P(ChatStoreTest, EnsureUsersSkipsCaseVariantsOfExistingNames) {
  auto accounts = OpenAccountStore(config_);
  ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
  AccountStore& acc = **accounts;
  ASSERT_TRUE(acc.AddUser("pw-user", "$hash").ok());
  ASSERT_TRUE(store_->EnsureUsers({{"PW-User", 1}, {"fresh", 2}, {"FRESH", 3}}).ok());
  EXPECT_EQ(acc.GetUser("PW-User").status().code(), Code::kNotFound);
  EXPECT_EQ(acc.GetUser("FRESH").status().code(), Code::kNotFound);
  auto fresh = acc.GetUser("fresh");
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->created_at_ms, 2);
}

TEST_P(ChatStoreTest, OpenDirectIsIdempotentInEitherOrder) {
  auto first = store_->OpenDirect(100, "alice", "bob", Now());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->id, 100);
  EXPECT_EQ(first->kind, ConversationKind::kDirect);
  EXPECT_EQ(first->name, "");
  EXPECT_EQ(first->last_seq, 0);
  ASSERT_EQ(first->members.size(), 2u);
  for (const Member& m : first->members) {
    EXPECT_EQ(m.role, MemberRole::kMember) << m.username;
  }
  std::vector<std::string> names = MemberNames(*first);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob"}));

  auto reversed = store_->OpenDirect(101, "bob", "alice", Now());
  ASSERT_TRUE(reversed.ok()) << reversed.status().ToString();
  EXPECT_EQ(reversed->id, 100);
  EXPECT_EQ(reversed->members.size(), 2u);
  auto same = store_->OpenDirect(102, "alice", "bob", Now());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->id, 100);
  EXPECT_EQ(store_->GetConversation(101).status().code(), Code::kNotFound);

  auto other = store_->OpenDirect(103, "alice", "carol", Now());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->id, 103);

  // From a second connection too.
  ChatStorePtr second = Open();
  ASSERT_NE(second, nullptr);
  auto from_second = second->OpenDirect(104, "bob", "alice", Now());
  ASSERT_TRUE(from_second.ok());
  EXPECT_EQ(from_second->id, 100);
}

TEST_P(ChatStoreTest, OpenDirectRefusals) {
  EXPECT_EQ(store_->OpenDirect(1, "alice", "alice", Now()).status().code(), Code::kInvalidArgument);
  auto missing = store_->OpenDirect(2, "alice", "nobody", Now());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nobody"), std::string::npos)
      << missing.status().ToString();

  auto accounts = OpenAccountStore(config_);
  ASSERT_TRUE(accounts.ok());
  ASSERT_TRUE((*accounts)->SetState("carol", UserState::kDeleted).ok());
  ASSERT_TRUE((*accounts)->SetState("dave", UserState::kDisabled).ok());
  EXPECT_EQ(store_->OpenDirect(3, "carol", "alice", Now()).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->OpenDirect(4, "alice", "dave", Now()).ok());  // disabled is still a user
  for (ConversationId id : {1, 2, 3}) {
    EXPECT_EQ(store_->GetConversation(id).status().code(), Code::kNotFound) << id;
  }
}

TEST_P(ChatStoreTest, CreateGroupMakesOwnerAndDedupesMembers) {
  auto conv = store_->CreateGroup(50, "alice", "Team", {"bob", "carol", "bob", "alice"},
                                  kMaxMembers, Now());
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->id, 50);
  EXPECT_EQ(conv->kind, ConversationKind::kGroup);
  EXPECT_EQ(conv->name, "Team");
  EXPECT_EQ(conv->created_at_ms, now_ms_);
  EXPECT_EQ(MemberNames(*conv), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(FindMember(*conv, "alice")->role, MemberRole::kOwner);
  EXPECT_EQ(FindMember(*conv, "bob")->role, MemberRole::kMember);
  EXPECT_EQ(FindMember(*conv, "carol")->joined_at_ms, now_ms_);

  Conversation got = MustGet(50);
  EXPECT_EQ(MemberNames(got), MemberNames(*conv));
  EXPECT_EQ(got.name, "Team");

  auto alone = store_->CreateGroup(51, "dave", "Solo", {}, kMaxMembers, Now());
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(MemberNames(*alone), (std::vector<std::string>{"dave"}));

  EXPECT_EQ(store_->CreateGroup(50, "bob", "Clash", {}, kMaxMembers, Now()).status().code(),
            Code::kAlreadyExists);
}

TEST_P(ChatStoreTest, CreateGroupRefusesUnknownUsersAndTooManyMembers) {
  auto unknown =
      store_->CreateGroup(60, "alice", "x", {"bob", "ghost", "phantom"}, kMaxMembers, Now());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("ghost"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("phantom"), std::string::npos);
  EXPECT_EQ(store_->GetConversation(60).status().code(), Code::kNotFound);

  std::vector<std::string> users = MakeUsers(100);  // u000..u099
  // 99 others + the owner = 100: allowed.
  std::vector<std::string> ninety_nine(users.begin(), users.begin() + 99);
  auto full = store_->CreateGroup(61, "alice", "full", ninety_nine, kMaxMembers, Now());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->members.size(), 100u);
  // 100 others + the owner = 101: refused, and nothing is created.
  auto over = store_->CreateGroup(62, "alice", "over", users, kMaxMembers, Now());
  EXPECT_EQ(over.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(over.status().message(), "group would have 101 members; the limit is 100");
  EXPECT_EQ(store_->GetConversation(62).status().code(), Code::kNotFound);
  // The owner listed among the members counts once.
  std::vector<std::string> with_owner = ninety_nine;
  with_owner.push_back("alice");
  EXPECT_TRUE(store_->CreateGroup(63, "alice", "ok", with_owner, kMaxMembers, Now()).ok());
}

TEST_P(ChatStoreTest, GetConversationOfUnknownIdIsNotFound) {
  EXPECT_EQ(store_->GetConversation(12345).status().code(), Code::kNotFound);
}

// --- members ---

TEST_P(ChatStoreTest, AddMembersRules) {
  MustGroup(70, "alice", {"bob", "carol"});
  ASSERT_TRUE(ExecRaw("UPDATE members SET role = 1 WHERE conversation_id = 70 "
                      "AND username = 'carol'")
                  .ok());

  auto by_member = store_->AddMembers(70, "bob", {"dave"}, kMaxMembers, Now());
  EXPECT_EQ(by_member.status().code(), Code::kPermissionDenied);
  auto by_outsider = store_->AddMembers(70, "erin", {"dave"}, kMaxMembers, Now());
  EXPECT_EQ(by_outsider.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->AddMembers(71, "alice", {"dave"}, kMaxMembers, Now()).status().code(),
            Code::kNotFound);

  auto unknown = store_->AddMembers(70, "alice", {"dave", "ghost"}, kMaxMembers, Now());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("ghost"), std::string::npos);
  EXPECT_EQ(FindMember(MustGet(70), "dave"), nullptr) << "an atomic add added someone";

  auto by_admin = store_->AddMembers(70, "carol", {"dave", "bob", "dave"}, kMaxMembers, Now());
  ASSERT_TRUE(by_admin.ok()) << by_admin.status().ToString();
  EXPECT_EQ(*by_admin, (std::vector<std::string>{"dave"}));  // bob was already a member
  const Member* dave = FindMember(MustGet(70), "dave");
  ASSERT_NE(dave, nullptr);
  EXPECT_EQ(dave->role, MemberRole::kMember);
  EXPECT_EQ(dave->joined_at_ms, now_ms_);

  auto by_owner = store_->AddMembers(70, "alice", {"erin"}, kMaxMembers, Now());
  ASSERT_TRUE(by_owner.ok());
  EXPECT_EQ(*by_owner, (std::vector<std::string>{"erin"}));
  auto nothing = store_->AddMembers(70, "alice", {"erin", "bob"}, kMaxMembers, Now());
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
  EXPECT_EQ(MustGet(70).members.size(), 5u);

  auto direct = store_->OpenDirect(72, "alice", "bob", Now());
  ASSERT_TRUE(direct.ok());
  auto into_direct = store_->AddMembers(72, "alice", {"carol"}, kMaxMembers, Now());
  EXPECT_EQ(into_direct.status().code(), Code::kPermissionDenied);
  EXPECT_NE(into_direct.status().message().find("direct"), std::string::npos);
}

TEST_P(ChatStoreTest, AddMembersIsAtomicAtTheLimit) {
  std::vector<std::string> users = MakeUsers(101);
  std::vector<std::string> first(users.begin(), users.begin() + 97);
  MustGroup(80, "alice", first);  // 98 members
  // 3 new would make 101: nobody is added.
  auto over =
      store_->AddMembers(80, "alice", {users[97], users[98], users[99]}, kMaxMembers, Now());
  EXPECT_EQ(over.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(over.status().message(), "group would have 101 members; the limit is 100");
  EXPECT_EQ(MustGet(80).members.size(), 98u);
  // Existing members do not count twice: 2 new (plus 1 existing) fills it exactly.
  auto fill = store_->AddMembers(80, "alice", {users[0], users[97], users[98]}, kMaxMembers, Now());
  ASSERT_TRUE(fill.ok()) << fill.status().ToString();
  EXPECT_EQ(fill->size(), 2u);
  EXPECT_EQ(MustGet(80).members.size(), 100u);
  EXPECT_EQ(store_->AddMembers(80, "alice", {users[99]}, kMaxMembers, Now()).status().code(),
            Code::kResourceExhausted);
  // Leaving frees a place.
  ASSERT_TRUE(store_->RemoveMember(80, "alice", users[0]).ok());
  EXPECT_TRUE(store_->AddMembers(80, "alice", {users[99]}, kMaxMembers, Now()).ok());
  EXPECT_EQ(MustGet(80).members.size(), 100u);
}

TEST_P(ChatStoreTest, ConcurrentAddsNeverExceedTheLimit) {
  std::vector<std::string> base = MakeUsers(97, "base");
  ChatStorePtr left = Open();
  ChatStorePtr right = Open();
  ASSERT_NE(left, nullptr);
  ASSERT_NE(right, nullptr);
  constexpr int kRounds = 6;
  std::vector<std::string> extra = MakeUsers(4 * kRounds, "x");
  for (int round = 0; round < kRounds; ++round) {
    const ConversationId id = 1000 + round;
    MustGroup(id, "alice", base);  // 98 members
    const std::vector<std::string> left_users = {extra[4 * round], extra[4 * round + 1]};
    const std::vector<std::string> right_users = {extra[4 * round + 2], extra[4 * round + 3]};
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    auto run = [&](ChatStore* store, std::vector<std::string> users) {
      start.wait();
      return store->AddMembers(id, "alice", users, kMaxMembers, 5000).status();
    };
    auto a = std::async(std::launch::async, run, left.get(), left_users);
    auto b = std::async(std::launch::async, run, right.get(), right_users);
    go.set_value();
    const Status sa = a.get();
    const Status sb = b.get();
    // Exactly one fits; the other sees the first's commit and is refused whole.
    EXPECT_NE(sa.ok(), sb.ok()) << "round " << round << ": " << sa.ToString() << " / "
                                << sb.ToString();
    for (const Status& s : {sa, sb}) {
      if (!s.ok()) {
        EXPECT_EQ(s.code(), Code::kResourceExhausted) << s.ToString();
      }
    }
    Conversation conv = MustGet(id);
    EXPECT_EQ(conv.members.size(), 100u) << "round " << round;
    const auto& added = sa.ok() ? left_users : right_users;
    const auto& refused = sa.ok() ? right_users : left_users;
    for (const auto& user : added) {
      EXPECT_NE(FindMember(conv, user), nullptr) << user;
    }
    for (const auto& user : refused) {
      EXPECT_EQ(FindMember(conv, user), nullptr) << user;
    }
  }
}

TEST_P(ChatStoreTest, ConcurrentAppendsYieldGaplessSeqs) {
  MustGroup(10, "alice", {"bob"});
  MustGroup(20, "alice", {"bob"});
  constexpr int kBatches = 25;
  constexpr int kPerBatch = 4;
  // Each writer builds its batches up front (Req is not thread-safe) and writes both
  // conversations, in opposite orders, so lock ordering is exercised too.
  auto make = [&](const std::string& sender, bool reversed) {
    std::vector<std::vector<AppendRequest>> batches;
    for (int b = 0; b < kBatches; ++b) {
      std::vector<AppendRequest> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        const bool first_conv = (i % 2 == 0) != reversed;
        batch.push_back(Req(first_conv ? 10 : 20, sender,
                            sender + "-" + std::to_string(b) + "-" + std::to_string(i)));
      }
      batches.push_back(std::move(batch));
    }
    return batches;
  };
  const auto alice_batches = make("alice", false);
  const auto bob_batches = make("bob", true);
  ChatStorePtr left = Open();
  ChatStorePtr right = Open();
  ASSERT_NE(left, nullptr);
  ASSERT_NE(right, nullptr);

  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  auto run = [&](ChatStore* store, const std::vector<std::vector<AppendRequest>>& batches) {
    start.wait();
    std::vector<AppendResult> all;
    for (const auto& batch : batches) {
      auto results = store->AppendBatch(batch);
      EXPECT_TRUE(results.ok()) << results.status().ToString();
      if (!results.ok()) {
        break;
      }
      all.insert(all.end(), results->begin(), results->end());
    }
    return all;
  };
  auto a = std::async(std::launch::async, run, left.get(), std::cref(alice_batches));
  auto b = std::async(std::launch::async, run, right.get(), std::cref(bob_batches));
  go.set_value();
  std::vector<AppendResult> results = a.get();
  std::vector<AppendResult> more = b.get();
  results.insert(results.end(), more.begin(), more.end());
  ASSERT_EQ(results.size(), static_cast<size_t>(2 * kBatches * kPerBatch));

  std::map<ConversationId, std::map<int64_t, int64_t>> seq_to_message;  // from the results
  for (const AppendResult& r : results) {
    EXPECT_EQ(r.outcome, AppendOutcome::kStored);
    EXPECT_TRUE(seq_to_message[r.message.conversation_id]
                    .emplace(r.message.seq, r.message.message_id)
                    .second)
        << "seq " << r.message.seq << " handed out twice";
  }
  const int64_t per_conversation = kBatches * kPerBatch;  // half of each writer's messages
  for (ConversationId id : {10, 20}) {
    auto history = History(id, 0, 0, 1000);
    EXPECT_EQ(Seqs(history), Range(1, per_conversation)) << "conversation " << id;
    for (const StoredMessage& m : history) {
      EXPECT_EQ(seq_to_message[id][m.seq], m.message_id) << "seq " << m.seq;
    }
    EXPECT_EQ(MustGet(id).last_seq, per_conversation);
  }
}

TEST_P(ChatStoreTest, RemoveMemberPermissions) {
  MustGroup(90, "alice", {"bob", "carol", "dave"});
  ASSERT_TRUE(ExecRaw("UPDATE members SET role = 1 WHERE conversation_id = 90 "
                      "AND username = 'carol'")
                  .ok());
  EXPECT_EQ(store_->RemoveMember(90, "bob", "dave").code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->RemoveMember(90, "erin", "dave").code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->RemoveMember(90, "carol", "alice").code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->RemoveMember(90, "alice", "erin").code(), Code::kNotFound);
  EXPECT_EQ(store_->RemoveMember(90, "erin", "erin").code(), Code::kNotFound);
  EXPECT_EQ(store_->RemoveMember(91, "alice", "bob").code(), Code::kNotFound);
  EXPECT_EQ(MustGet(90).members.size(), 4u);

  ASSERT_TRUE(store_->RemoveMember(90, "carol", "dave").ok());  // admin removes a member
  EXPECT_EQ(FindMember(MustGet(90), "dave"), nullptr);
  ASSERT_TRUE(store_->RemoveMember(90, "bob", "bob").ok());      // a member leaves
  ASSERT_TRUE(store_->RemoveMember(90, "alice", "carol").ok());  // owner removes an admin
  Conversation conv = MustGet(90);
  EXPECT_EQ(MemberNames(conv), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(store_->RemoveMember(90, "alice", "bob").code(), Code::kNotFound);

  auto direct = store_->OpenDirect(92, "alice", "bob", Now());
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(store_->RemoveMember(92, "alice", "bob").code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->RemoveMember(92, "alice", "alice").code(), Code::kFailedPrecondition);
}

TEST_P(ChatStoreTest, OwnerLeavingPassesOwnershipToTheLongestStandingAdminElseMember) {
  MustGroup(95, "alice", {"bob"});  // bob joins first
  ASSERT_TRUE(store_->AddMembers(95, "alice", {"carol"}, kMaxMembers, Now()).ok());
  ASSERT_TRUE(store_->AddMembers(95, "alice", {"dave"}, kMaxMembers, Now()).ok());
  ASSERT_TRUE(ExecRaw("UPDATE members SET role = 1 WHERE conversation_id = 95 "
                      "AND username IN ('carol', 'dave')")
                  .ok());
  ASSERT_TRUE(store_->RemoveMember(95, "alice", "alice").ok());
  Conversation conv = MustGet(95);
  EXPECT_EQ(FindMember(conv, "carol")->role, MemberRole::kOwner);  // oldest admin, not bob
  EXPECT_EQ(FindMember(conv, "dave")->role, MemberRole::kAdmin);
  EXPECT_EQ(FindMember(conv, "bob")->role, MemberRole::kMember);
  EXPECT_EQ(conv.members.front().username, "carol");  // listed owner first

  // No admin left: the longest-standing member takes over.
  ASSERT_TRUE(store_->RemoveMember(95, "carol", "dave").ok());
  ASSERT_TRUE(store_->RemoveMember(95, "carol", "carol").ok());
  EXPECT_EQ(FindMember(MustGet(95), "bob")->role, MemberRole::kOwner);
  // The new owner can manage the group.
  ASSERT_TRUE(store_->AddMembers(95, "bob", {"erin"}, kMaxMembers, Now()).ok());
  ASSERT_TRUE(store_->RenameGroup(95, "bob", "renamed").ok());

  // The last member leaves: the group remains, empty.
  ASSERT_TRUE(store_->RemoveMember(95, "erin", "erin").ok());
  ASSERT_TRUE(store_->RemoveMember(95, "bob", "bob").ok());
  Conversation empty = MustGet(95);
  EXPECT_TRUE(empty.members.empty());
  EXPECT_EQ(empty.name, "renamed");
}

TEST_P(ChatStoreTest, RenameGroupPermissions) {
  MustGroup(96, "alice", {"bob", "carol"});
  ASSERT_TRUE(ExecRaw("UPDATE members SET role = 1 WHERE conversation_id = 96 "
                      "AND username = 'carol'")
                  .ok());
  EXPECT_EQ(store_->RenameGroup(96, "bob", "x").code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->RenameGroup(96, "erin", "x").code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->RenameGroup(97, "alice", "x").code(), Code::kNotFound);
  ASSERT_TRUE(store_->RenameGroup(96, "carol", "by admin").ok());
  EXPECT_EQ(MustGet(96).name, "by admin");
  ASSERT_TRUE(store_->RenameGroup(96, "alice", "by owner \xF0\x9F\x98\x80").ok());
  EXPECT_EQ(MustGet(96).name, "by owner \xF0\x9F\x98\x80");
  ASSERT_TRUE(store_->OpenDirect(98, "alice", "bob", Now()).ok());
  EXPECT_EQ(store_->RenameGroup(98, "alice", "x").code(), Code::kInvalidArgument);
}

// --- read state and listing ---

TEST_P(ChatStoreTest, MarkReadIsMonotonicAndClamped) {
  MustGroup(10, "alice", {"bob"});
  MustAppend({Req(10, "alice", "1"), Req(10, "alice", "2"), Req(10, "alice", "3"),
              Req(10, "alice", "4"), Req(10, "alice", "5")});
  auto read = store_->MarkRead(10, "bob", 3);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, 3);
  EXPECT_EQ(*store_->MarkRead(10, "bob", 2), 3);  // never backwards
  EXPECT_EQ(*store_->MarkRead(10, "bob", -7), 3);
  EXPECT_EQ(*store_->MarkRead(10, "bob", 100), 5);  // clamped to last_seq
  EXPECT_EQ(FindMember(MustGet(10), "bob")->read_seq, 5);
  EXPECT_EQ(*store_->MarkRead(10, "alice", 1), 5);  // sending already marked these read
  EXPECT_EQ(store_->MarkRead(10, "carol", 1).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(store_->MarkRead(11, "bob", 1).status().code(), Code::kPermissionDenied);
}

TEST_P(ChatStoreTest, ListConversationsOrderUnreadAndLastMessage) {
  MustGroup(1, "alice", {"bob", "carol"});                         // created first
  ASSERT_TRUE(store_->OpenDirect(2, "bob", "alice", Now()).ok());  // then
  MustGroup(3, "bob", {"alice"});                                  // newest, never active
  auto sent = MustAppend({Req(1, "bob", "b1", "first"), Req(1, "carol", "c1", "second"),
                          Req(1, "bob", "b2", "third")});
  ASSERT_EQ(sent.size(), 3u);
  ASSERT_TRUE(store_->MarkRead(1, "alice", 1).ok());

  auto list = store_->ListConversations("alice");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  // Conversation 1 was active after 3 was created; 2 was created before 3.
  EXPECT_EQ((*list)[0].id, 1);
  EXPECT_EQ((*list)[1].id, 3);
  EXPECT_EQ((*list)[2].id, 2);

  const ConversationSummary& group = (*list)[0];
  EXPECT_EQ(group.kind, ConversationKind::kGroup);
  EXPECT_EQ(group.name, "group 1");
  EXPECT_EQ(group.last_seq, 3);
  EXPECT_EQ(group.read_seq, 1);
  EXPECT_EQ(group.unread, 2);
  ASSERT_TRUE(group.last_message.has_value());
  ExpectSameMessage(*group.last_message, sent[2].message);
  EXPECT_EQ(group.members, (std::vector<std::string>{"alice", "bob", "carol"}));

  const ConversationSummary& idle = (*list)[1];
  EXPECT_EQ(idle.last_seq, 0);
  EXPECT_EQ(idle.unread, 0);
  EXPECT_FALSE(idle.last_message.has_value());
  EXPECT_EQ(idle.members, (std::vector<std::string>{"bob", "alice"}));  // owner first

  const ConversationSummary& direct = (*list)[2];
  EXPECT_EQ(direct.kind, ConversationKind::kDirect);
  EXPECT_EQ(direct.name, "");
  std::vector<std::string> pair = direct.members;
  std::sort(pair.begin(), pair.end());
  EXPECT_EQ(pair, (std::vector<std::string>{"alice", "bob"}));

  // bob sent the newest message of 1, so it is read for him.
  auto bobs = store_->ListConversations("bob");
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 3u);
  EXPECT_EQ((*bobs)[0].id, 1);
  EXPECT_EQ((*bobs)[0].read_seq, 3);
  EXPECT_EQ((*bobs)[0].unread, 0);

  // A message in the direct conversation moves it to the top.
  MustAppend({Req(2, "bob", "d1", "hello")});
  list = store_->ListConversations("alice");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, 2);
  EXPECT_EQ((*list)[0].unread, 1);
  ASSERT_TRUE((*list)[0].last_message.has_value());
  EXPECT_EQ((*list)[0].last_message->text, "hello");

  auto carols = store_->ListConversations("carol");
  ASSERT_TRUE(carols.ok());
  ASSERT_EQ(carols->size(), 1u);
  auto none = store_->ListConversations("erin");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // After leaving, a conversation is no longer listed.
  ASSERT_TRUE(store_->RemoveMember(1, "carol", "carol").ok());
  EXPECT_TRUE(store_->ListConversations("carol")->empty());
}

TEST_P(ChatStoreTest, ReadHistoryPages) {
  MustGroup(10, "alice", {});
  std::vector<AppendRequest> batch;
  for (int i = 1; i <= 25; ++i) {
    batch.push_back(Req(10, "alice", "m" + std::to_string(i), "text " + std::to_string(i)));
  }
  MustAppend(batch);
  EXPECT_EQ(Seqs(History(10, 0, 0, 10)), Range(1, 10));
  EXPECT_EQ(Seqs(History(10, 10, 0, 10)), Range(11, 20));
  EXPECT_EQ(Seqs(History(10, 20, 0, 10)), Range(21, 25));
  EXPECT_TRUE(History(10, 25, 0, 10).empty());
  EXPECT_EQ(Seqs(History(10, 0, 11, 5)), Range(6, 10));  // newest below 11, ascending
  EXPECT_EQ(Seqs(History(10, 0, 3, 10)), Range(1, 2));
  EXPECT_EQ(Seqs(History(10, 0, 100, 3)), Range(23, 25));
  EXPECT_TRUE(History(10, 0, 1, 10).empty());
  EXPECT_EQ(Seqs(History(10, 5, 8, 10)), Range(1, 7));  // before_seq wins over after_seq
  EXPECT_EQ(Seqs(History(10, 0, 0, 0)), Range(1, 1));   // limit clamps to 1..1000
  EXPECT_EQ(Seqs(History(10, 0, 0, -5)), Range(1, 1));
  auto page = History(10, 0, 0, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].text, "text 1");
  EXPECT_EQ(page[0].client_msg_id, "m1");
  EXPECT_TRUE(History(99, 0, 0, 10).empty());
}

TEST_P(ChatStoreTest, ReadHistoryLimitIsAtMostOneThousand) {
  MustGroup(10, "alice", {});
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 1005; ++i) {
    batch.push_back(Req(10, "alice", "m" + std::to_string(i)));
  }
  auto r = MustAppend(batch);
  ASSERT_EQ(r.size(), 1005u);
  EXPECT_EQ(r.back().message.seq, 1005);
  EXPECT_EQ(Seqs(History(10, 0, 0, 5000)), Range(1, 1000));
  EXPECT_EQ(Seqs(History(10, 0, 2000, 5000)), Range(6, 1005));
}

TEST_P(ChatStoreTest, MaxIssuedIdIsTheLargestStoredMessageOrConversationId) {
  auto max_id = [](ChatStore& store) {
    auto id = store.MaxIssuedId();
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : -1;
  };
  EXPECT_EQ(max_id(*store_), 0);  // users only: no id issued yet

  MustGroup(500, "alice", {"bob"});
  EXPECT_EQ(max_id(*store_), 500);

  // Ids commit out of order when brokers race: the largest counts, not the newest.
  AppendRequest a = Req(500, "alice", "a");
  a.message_id = 9'000;
  AppendRequest b = Req(500, "bob", "b");
  b.message_id = 8'000;
  // A refused send stores nothing, so its id does not count.
  AppendRequest refused = Req(500, "carol", "c");
  refused.message_id = 90'000;
  auto results = MustAppend({a, b, refused});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].outcome, AppendOutcome::kNotMember);
  EXPECT_EQ(max_id(*store_), 9'000);

  MustGroup(20'000, "alice", {"bob"});
  EXPECT_EQ(max_id(*store_), 20'000);
  ChatStorePtr other = Open();  // what a restarting broker reads
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(max_id(*other), 20'000);
}

TEST_P(ChatStoreTest, DataSurvivesReopen) {
  MustGroup(10, "alice", {"bob"});
  MustAppend({Req(10, "alice", "a1")});
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(MustGet(10).last_seq, 1);
  auto r = MustAppend({Req(10, "bob", "b1")});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].message.seq, 2);
}

// Stops the shared PostgreSQL server (and starts it again before returning): the only chat
// test that does, since every suite of this binary shares the cluster.
TEST_P(ChatStoreTest, PostgresOutageIsUnavailableAndRecovers) {
  if (is_sqlite()) {
    GTEST_SKIP() << "PostgreSQL only";
  }
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  if (pg->external()) {
    GTEST_SKIP() << "cannot stop an external server";
  }
  MustGroup(10, "alice", {"bob"});
  MustAppend({Req(10, "alice", "a1")});

  struct Restart {
    test::PostgresInstance* pg;
    ~Restart() {
      Status s = pg->Start();
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  } restart{pg};
  ASSERT_TRUE(pg->Stop().ok());

  auto down = store_->AppendBatch({Req(10, "bob", "b1")});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), Code::kUnavailable) << down.status().ToString();
  auto still_down = store_->AppendBatch({Req(10, "bob", "b1")});
  EXPECT_EQ(still_down.status().code(), Code::kUnavailable) << still_down.status().ToString();
  EXPECT_EQ(store_->GetConversation(10).status().code(), Code::kUnavailable);
  EXPECT_EQ(store_->MarkRead(10, "bob", 1).status().code(), Code::kUnavailable);

  Status started = pg->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  // The next call reconnects and prepares its statements again.
  std::vector<AppendResult> after;
  test::WaitFor(
      [&] {
        auto r = store_->AppendBatch({Req(10, "bob", "b1")});
        if (r.ok()) {
          after = *r;
        }
        return r.ok();
      },
      std::chrono::seconds(30), "AppendBatch after restart");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(after[0].message.seq, 2);  // the refused attempts took no seq
  EXPECT_EQ(Seqs(History(10, 0, 0, 10)), Range(1, 2));
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(ChatStoreTest);

}  // namespace
}  // namespace mqchat::store
