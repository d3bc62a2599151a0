// AccountStore contract, run against SQLite and PostgreSQL alike (StoreBackendTest).
#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/account_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"
#include "util/clock.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  int64_t MonotonicMs() const override { return now_ms; }
  std::atomic<int64_t> now_ms{1'700'000'000'000};
};

class AccountStoreTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  AccountStorePtr Open() {
    auto store = OpenAccountStore(config_, clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  UserRecord MustGet(const std::string& username) {
    auto rec = store_->GetUser(username);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    return rec.ok() ? *rec : UserRecord{};
  }

  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  AccountStorePtr store_;
};

std::vector<std::string> Names(const std::vector<UserRecord>& users) {
  std::vector<std::string> out;
  for (const auto& u : users) {
    out.push_back(u.username);
  }
  return out;
}

TEST_P(AccountStoreTest, AddThenGet) {
  auto added = store_->AddUser("alice", "$pbkdf2-sha256$i=1$salt$hash");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->user_id, 0);
  EXPECT_EQ(added->username, "alice");
  EXPECT_EQ(added->password_hash, "$pbkdf2-sha256$i=1$salt$hash");
  EXPECT_EQ(added->state, UserState::kActive);
  EXPECT_GT(added->rev, 0);
  EXPECT_EQ(added->created_at_ms, clock_->now_ms.load());

  UserRecord got = MustGet("alice");
  EXPECT_EQ(got.user_id, added->user_id);
  EXPECT_EQ(got.password_hash, added->password_hash);
  EXPECT_EQ(got.state, UserState::kActive);
  EXPECT_EQ(got.rev, added->rev);
  EXPECT_EQ(got.created_at_ms, added->created_at_ms);
}

TEST_P(AccountStoreTest, TokenOnlyUserHasEmptyHash) {
  ASSERT_TRUE(store_->AddUser("bot", "").ok());
  EXPECT_EQ(MustGet("bot").password_hash, "");
}

TEST_P(AccountStoreTest, DuplicateIsAlreadyExists) {
  ASSERT_TRUE(store_->AddUser("alice", "h1").ok());
  auto again = store_->AddUser("alice", "h2");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists) << again.status().ToString();
  EXPECT_EQ(MustGet("alice").password_hash, "h1");
  // The failed insert left the store usable.
  EXPECT_TRUE(store_->AddUser("bob", "h3").ok());
}

TEST_P(AccountStoreTest, CaseVariantIsAlreadyExists) {
  ASSERT_TRUE(store_->AddUser("bob", "h").ok());
  for (const char* variant : {"Bob", "BOB", "bOb"}) {
    auto again = store_->AddUser(variant, "h2");
    ASSERT_FALSE(again.ok()) << variant;
    EXPECT_EQ(again.status().code(), Code::kAlreadyExists) << again.status().ToString();
    EXPECT_EQ(store_->GetUser(variant).status().code(), Code::kNotFound);
  }
  // Deleted names stay taken in every case.
  ASSERT_TRUE(store_->AddUser("Carol", "h").ok());
  ASSERT_TRUE(store_->SetState("Carol", UserState::kDeleted).ok());
  EXPECT_EQ(store_->AddUser("carol", "h").status().code(), Code::kAlreadyExists);
  auto list = store_->ListUsers();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Names(*list), std::vector<std::string>{"bob"});
}

// Databases from before migration 006 may hold names that differ only by case: the oldest
// keeps its name and state, later look-alikes keep their rows but are disabled with a new rev
// (so brokers end their sessions), and the rule holds from then on.
TEST_P(AccountStoreTest, MigrationDisablesExistingLookAlikes) {
  ASSERT_TRUE(store_->AddUser("bob", "h").ok());
  ASSERT_TRUE(store_->AddUser("zed", "h").ok());
  store_.reset();
  // Back to schema 5 (undoing 019 down to 006), then add look-alikes the old schema allowed.
  ASSERT_TRUE(ExecRaw("DROP TABLE mentions").ok());  // 019, and its columns
  ASSERT_TRUE(ExecRaw("ALTER TABLE messages DROP COLUMN mentions").ok());
  ASSERT_TRUE(ExecRaw("ALTER TABLE push_jobs DROP COLUMN mention").ok());
  ASSERT_TRUE(ExecRaw("ALTER TABLE push_settings DROP COLUMN mention_push").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE profiles").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE devices").ok());  // 017's refresh_tokens column goes with 007
  // 016 (communities): its tables, dependents first.
  for (const char* table : {"server_bans", "server_invites", "channel_overrides", "channels",
                            "member_roles", "roles", "server_members", "servers"}) {
    ASSERT_TRUE(ExecRaw(("DROP TABLE " + std::string(table)).c_str()).ok()) << table;
  }
  ASSERT_TRUE(ExecRaw("DROP TABLE audit_log").ok());
  ASSERT_TRUE(ExecRaw("ALTER TABLE conversations DROP COLUMN retention_days").ok());
  ASSERT_TRUE(ExecRaw("ALTER TABLE conversations DROP COLUMN expired_through_seq").ok());
  for (const char* table : {"search_postings", "search_docs", "search_progress"}) {
    ASSERT_TRUE(ExecRaw(("DROP TABLE " + std::string(table)).c_str()).ok()) << table;
  }
  ASSERT_TRUE(ExecRaw("ALTER TABLE users DROP COLUMN sessions_valid_after_ms").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE reports").ok());
  ASSERT_TRUE(ExecRaw("ALTER TABLE push_jobs DROP COLUMN coalesce_until_ms").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE reactions").ok());
  ASSERT_TRUE(ExecRaw("DROP INDEX messages_edits_idx").ok());
  ASSERT_TRUE(ExecRaw("DROP INDEX push_jobs_last_seq_idx").ok());
  for (const char* column : {"kind", "target_seq", "edited_at_ms", "deleted_at_ms"}) {
    ASSERT_TRUE(ExecRaw(("ALTER TABLE messages DROP COLUMN " + std::string(column)).c_str()).ok())
        << column;
  }
  ASSERT_TRUE(ExecRaw("DROP TABLE blocks").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE dm_policies").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE invites").ok());
  ASSERT_TRUE(ExecRaw("DROP TABLE refresh_tokens").ok());
  ASSERT_TRUE(ExecRaw("DROP INDEX users_username_key_idx").ok());
  ASSERT_TRUE(ExecRaw("ALTER TABLE users DROP COLUMN username_key").ok());
  ASSERT_TRUE(ExecRaw("DELETE FROM schema_migrations WHERE version >= 6").ok());
  ASSERT_TRUE(ExecRaw("INSERT INTO users (username, password_hash, state, rev, created_at_ms, "
                      "updated_at_ms) VALUES ('Bob', 'h', 0, 100, 0, 0), "
                      "('BOB', '', 0, 101, 0, 0), ('Zed', 'h', 2, 102, 0, 0)")
                  .ok());
  if (!is_sqlite()) {  // PostgreSQL writers take revs from the sequence
    ASSERT_TRUE(ExecRaw("SELECT setval('user_rev_seq', 102)").ok());
  }
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(MustGet("bob").state, UserState::kActive);
  EXPECT_EQ(MustGet("Bob").state, UserState::kDisabled);
  EXPECT_EQ(MustGet("BOB").state, UserState::kDisabled);
  EXPECT_EQ(MustGet("Zed").state, UserState::kDeleted);  // already deleted: left as it was
  EXPECT_GT(MustGet("Bob").rev, 102);
  EXPECT_GT(MustGet("BOB").rev, 102);
  EXPECT_NE(MustGet("Bob").rev, MustGet("BOB").rev);
  EXPECT_EQ(store_->AddUser("boB", "h").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->AddUser("ZED", "h").status().code(), Code::kAlreadyExists);
}

TEST_P(AccountStoreTest, MissingUserIsNotFound) {
  EXPECT_EQ(store_->GetUser("nobody").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->SetPasswordHash("nobody", "h").code(), Code::kNotFound);
  EXPECT_EQ(store_->EndSessions("nobody").code(), Code::kNotFound);
  EXPECT_EQ(store_->SetState("nobody", UserState::kDisabled).code(), Code::kNotFound);
}

TEST_P(AccountStoreTest, SetPasswordHash) {
  auto added = store_->AddUser("alice", "old");
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(store_->SetPasswordHash("alice", "new").ok());
  UserRecord got = MustGet("alice");
  EXPECT_EQ(got.password_hash, "new");
  EXPECT_GT(got.rev, added->rev);
  EXPECT_EQ(got.created_at_ms, added->created_at_ms);
  EXPECT_EQ(added->sessions_valid_after_ms, 0);
  EXPECT_EQ(got.sessions_valid_after_ms, clock_->NowMs());  // the change ends older logins
}

TEST_P(AccountStoreTest, EndSessionsMovesTheCutOffAndTheRevOnly) {
  auto added = store_->AddUser("alice", "h");
  ASSERT_TRUE(added.ok());
  clock_->now_ms += 1234;
  ASSERT_TRUE(store_->EndSessions("alice").ok());
  UserRecord got = MustGet("alice");
  EXPECT_EQ(got.sessions_valid_after_ms, clock_->NowMs());
  EXPECT_GT(got.sessions_valid_after_ms, 0);
  EXPECT_GT(got.rev, added->rev);
  EXPECT_EQ(got.password_hash, "h");
  EXPECT_EQ(got.state, UserState::kActive);
  auto changed = store_->UsersChangedSince(added->rev, 10);
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ(changed->front().sessions_valid_after_ms, got.sessions_valid_after_ms);
  ASSERT_TRUE(store_->SetState("alice", UserState::kDeleted).ok());
  EXPECT_EQ(store_->EndSessions("alice").code(), Code::kNotFound);
}

TEST_P(AccountStoreTest, DisableAndEnable) {
  ASSERT_TRUE(store_->AddUser("alice", "h").ok());
  ASSERT_TRUE(store_->SetState("alice", UserState::kDisabled).ok());
  EXPECT_EQ(MustGet("alice").state, UserState::kDisabled);
  EXPECT_EQ(MustGet("alice").password_hash, "h");  // disabling keeps the credential
  ASSERT_TRUE(store_->SetState("alice", UserState::kActive).ok());
  EXPECT_EQ(MustGet("alice").state, UserState::kActive);
}

TEST_P(AccountStoreTest, DeleteIsFinalAndNameIsNotReused) {
  ASSERT_TRUE(store_->AddUser("alice", "h").ok());
  ASSERT_TRUE(store_->SetState("alice", UserState::kDeleted).ok());

  UserRecord got = MustGet("alice");
  EXPECT_EQ(got.state, UserState::kDeleted);
  EXPECT_EQ(got.password_hash, "");  // deleting clears the credential

  EXPECT_EQ(store_->AddUser("alice", "h2").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->SetPasswordHash("alice", "h2").code(), Code::kNotFound);
  EXPECT_EQ(store_->SetState("alice", UserState::kActive).code(), Code::kNotFound);
  EXPECT_EQ(store_->SetState("alice", UserState::kDeleted).code(), Code::kNotFound);
  EXPECT_EQ(MustGet("alice").rev, got.rev);  // the refused calls changed nothing
}

TEST_P(AccountStoreTest, UnknownStateIsInvalidArgument) {
  ASSERT_TRUE(store_->AddUser("alice", "h").ok());
  EXPECT_EQ(store_->SetState("alice", static_cast<UserState>(7)).code(), Code::kInvalidArgument);
}

TEST_P(AccountStoreTest, ListExcludesDeletedAndIsSorted) {
  for (const char* name : {"carol", "alice", "Zed", "bob", "\xC3\xA4rger", "dave"}) {
    ASSERT_TRUE(store_->AddUser(name, "h").ok()) << name;
  }
  ASSERT_TRUE(store_->SetState("bob", UserState::kDeleted).ok());
  ASSERT_TRUE(store_->SetState("dave", UserState::kDisabled).ok());

  auto list = store_->ListUsers();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  // Byte order of UTF-8, identical on both backends: upper case first, non-ASCII last.
  EXPECT_EQ(Names(*list),
            (std::vector<std::string>{"Zed", "alice", "carol", "dave", "\xC3\xA4rger"}));
}

TEST_P(AccountStoreTest, EmptyStoreListsNothing) {
  auto list = store_->ListUsers();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto changed = store_->UsersChangedSince(0, 10);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->empty());
}

TEST_P(AccountStoreTest, RevIncreasesOnEveryChange) {
  int64_t last = 0;
  auto expect_rev_grew = [&](const std::string& user, const char* step) {
    int64_t rev = MustGet(user).rev;
    EXPECT_GT(rev, last) << step;
    last = rev;
  };
  ASSERT_TRUE(store_->AddUser("alice", "h").ok());
  expect_rev_grew("alice", "add alice");
  ASSERT_TRUE(store_->AddUser("bob", "h").ok());
  expect_rev_grew("bob", "add bob");
  ASSERT_TRUE(store_->SetPasswordHash("alice", "h2").ok());
  expect_rev_grew("alice", "set password");
  ASSERT_TRUE(store_->SetState("bob", UserState::kDisabled).ok());
  expect_rev_grew("bob", "disable");
  ASSERT_TRUE(store_->SetState("bob", UserState::kDisabled).ok());
  expect_rev_grew("bob", "disable again");
  ASSERT_TRUE(store_->SetState("bob", UserState::kActive).ok());
  expect_rev_grew("bob", "enable");
  ASSERT_TRUE(store_->SetState("alice", UserState::kDeleted).ok());
  expect_rev_grew("alice", "delete");
}

TEST_P(AccountStoreTest, UsersChangedSincePagesInRevOrder) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(store_->AddUser("user" + std::to_string(i), "h").ok());
  }
  ASSERT_TRUE(store_->SetPasswordHash("user1", "h2").ok());
  ASSERT_TRUE(store_->SetState("user3", UserState::kDeleted).ok());
  ASSERT_TRUE(store_->SetState("user5", UserState::kDisabled).ok());

  std::vector<UserRecord> seen;
  int64_t after = 0;
  int pages = 0;
  while (true) {
    auto page = store_->UsersChangedSince(after, 3);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_LE(page->size(), 3u);
    ++pages;
    for (const auto& rec : *page) {
      EXPECT_GT(rec.rev, after);
      after = rec.rev;
      seen.push_back(rec);
    }
    if (page->size() < 3) {
      break;
    }
    ASSERT_LT(pages, 10) << "paging does not terminate";
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);  // every user once, deleted ones included, at its latest rev
  std::set<std::string> names;
  for (const auto& rec : seen) {
    names.insert(rec.username);
  }
  EXPECT_EQ(names.size(), 7u);
  // The last three changes come last, in the order they were made.
  EXPECT_EQ(seen[4].username, "user1");
  EXPECT_EQ(seen[5].username, "user3");
  EXPECT_EQ(seen[5].state, UserState::kDeleted);
  EXPECT_EQ(seen[6].username, "user5");
  EXPECT_EQ(seen[6].state, UserState::kDisabled);

  auto none = store_->UsersChangedSince(after, 3);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(store_->SetPasswordHash("user0", "h3").ok());
  auto one = store_->UsersChangedSince(after, 3);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().username, "user0");
}

TEST_P(AccountStoreTest, NonPositiveLimitIsInvalidArgument) {
  EXPECT_EQ(store_->UsersChangedSince(0, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->UsersChangedSince(0, -1).status().code(), Code::kInvalidArgument);
}

TEST_P(AccountStoreTest, UnicodeUsernamesStoredIntact) {
  const std::vector<std::string> names = {
      "\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99",  // CJK
      "emoji\xF0\x9F\x98\x80",                 // 4-byte UTF-8
      "\xCE\xA9mega",                          // Greek
      "cafe\xCC\x81",                          // decomposed e + combining acute: kept as is
      "caf\xC3\xA9",                           // precomposed: a different username
  };
  for (const auto& name : names) {
    auto added = store_->AddUser(name, "h");
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    EXPECT_EQ(added->username, name);
  }
  for (const auto& name : names) {
    EXPECT_EQ(MustGet(name).username, name);
  }
  auto list = store_->ListUsers();
  ASSERT_TRUE(list.ok());
  std::vector<std::string> expected = names;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Names(*list), expected);
}

TEST_P(AccountStoreTest, ReopenKeepsDataAndMigrationIsNoOp) {
  ASSERT_TRUE(store_->AddUser("alice", "h").ok());
  const int64_t rev = MustGet("alice").rev;
  store_.reset();

  store_ = Open();  // migrations run again: must be a no-op
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(MustGet("alice").rev, rev);
  auto version = SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, Embedded().back().version);
  ASSERT_TRUE(store_->AddUser("bob", "h").ok());
  EXPECT_GT(MustGet("bob").rev, rev);
}

TEST_P(AccountStoreTest, DatabaseNewerThanBuildIsRefused) {
  store_.reset();
  ASSERT_TRUE(ExecRaw("INSERT INTO schema_migrations (version, name, applied_at_ms) "
                      "VALUES (999, '999_future.sql', 0)")
                  .ok());
  auto reopened = OpenAccountStore(config_, clock_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(reopened.status().message(),
            "database schema version 999 is newer than this build supports (" +
                std::to_string(Embedded().back().version) + "); upgrade mqchat");
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(AccountStoreTest);

}  // namespace
}  // namespace mqchat::store
