// Upgrading (issue 19; docs/OPERATIONS.md "Upgrades"): a store made by the first release's
// schema (migrations 001-002: users, conversations, members, messages) with data in it, on
// SQLite and PostgreSQL, is opened by the current broker, which applies every later migration
// at start. Nothing is lost: the users log in, the old messages come back in history with their
// seqs and ids, a new message takes the next seq, and the upgraded store behaves as a new one
// (case-insensitive names from migration 006, read markers, edits of old messages, search).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "auth/jwt.h"
#include "embedded_schema.h"
#include "sqlite/sqlite_helpers.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "store/sqlite/sqlite_migrator.h"
#include "support/chat_client.h"
#include "support/chat_fixture.h"
#include "support/chat_server.h"
#include "support/subprocess.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr int kFirstReleaseVersion = 2;
constexpr int64_t kConv = 5001;

// Rows only the first release's columns describe (no username_key, members_version, kinds...).
constexpr char kFirstReleaseData[] =
    "INSERT INTO users (username, password_hash, state, rev, created_at_ms, updated_at_ms) "
    "VALUES ('alice', '', 0, 1, 1000, 1000), ('bob', '', 0, 2, 1000, 1000);"
    "INSERT INTO conversations (conversation_id, kind, name, direct_key, last_seq, member_count, "
    "last_activity_ms, created_by, created_at_ms) "
    "VALUES (5001, 1, '', 'alice' || chr(10) || 'bob', 2, 2, 3000, 'alice', 1000);"
    "INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms) "
    "VALUES (5001, 'alice', 0, 2, 1000), (5001, 'bob', 0, 0, 1000);"
    "INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, "
    "created_at_ms) VALUES (5001, 1, 90001, 'alice', 'old-1', 'written before the upgrade', "
    "$T1), (5001, 2, 90002, 'bob', 'old-2', 'so was this', $T2);";

// The data with its messages sent a minute ago (inside the edit window).
std::string FirstReleaseData() {
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  std::string data = kFirstReleaseData;
  data.replace(data.find("$T1"), 3, std::to_string(now_ms - 61000));
  data.replace(data.find("$T2"), 3, std::to_string(now_ms - 60000));
  return data;
}

template <typename Migration>
std::vector<Migration> FirstRelease(const std::vector<Migration>& all) {
  return std::vector<Migration>(all.begin(), all.begin() + kFirstReleaseVersion);
}

Status LayDownFirstRelease(const store::StoreConfig& config) {
  if (config.backend == store::Backend::kSqlite) {
    MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(config.sqlite_path));
    MQCHAT_RETURN_IF_ERROR(
        store::MigrateSqlite(db.get(), FirstRelease(schema::SqliteMigrations())));
    // SQLite has char(), PostgreSQL chr(): the direct key's separator is a line feed in both.
    std::string data = FirstReleaseData();
    data.replace(data.find("chr(10)"), 7, "char(10)");
    return ExecSqlite(db.get(), data.c_str());
  }
  MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(store::MigratePg(conn.get(), FirstRelease(schema::PostgresMigrations())));
  MQCHAT_ASSIGN_OR_RETURN(store::PgResultPtr res, store::ExecPgSql(conn.get(), FirstReleaseData().c_str()));
  return Status::Ok();
}

class UpgradeTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ChatServerOptions options;
    options.store = GetParam();
    options.plugin_opts = {{"jwt_hs256_secret", kTestJwtSecret}};
    options.prepare_store = LayDownFirstRelease;
    server_ = ChatServer::Create(std::move(options));
    if (server_ && !server_->Start()) server_.reset();
  }

  std::unique_ptr<ChatTestClient> Login(const std::string& user) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    auto token =
        auth::SignHs256({{"sub", user}, {"iat", now}, {"exp", now + 3600}}, kTestJwtSecret);
    EXPECT_TRUE(token.ok());
    auto client = std::make_unique<ChatTestClient>();
    EXPECT_EQ(client->Connect(server_->port(), user, token.ok() ? *token : "", "d1"), 0) << user;
    return client;
  }

  std::unique_ptr<ChatServer> server_;
};

TEST_P(UpgradeTest, FirstReleaseStoreUpgradesWithNothingLost) {
  if (!server_) GTEST_SKIP() << "server not available";
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto history = bob->Request(protocol::Op::kHistory, kConv, {{"after_seq", 0}});
  ASSERT_TRUE(history.ok()) << history.Describe();
  const auto& old = (*history.body)["messages"];
  ASSERT_EQ(old.size(), 2u) << history.Describe();
  EXPECT_EQ(old[0]["seq"], 1);
  EXPECT_EQ(old[0]["text"], "written before the upgrade");
  EXPECT_EQ(JsonId(old[0]["message_id"]), 90001);
  EXPECT_EQ(old[1]["sender"], "bob");
  EXPECT_EQ(old[1]["text"], "so was this");

  // The direct conversation is found again by its pair, and the next message takes seq 3.
  EXPECT_EQ(alice->OpenDirect("bob"), kConv);
  auto ack = alice->Send(kConv, "after the upgrade", "new-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  EXPECT_EQ((*ack.body)["seq"], 3);
  auto live = bob->WaitMessages(kConv, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0]["text"], "after the upgrade");

  // Later migrations work on old rows: an old message can be edited (010), a read marker
  // moves (002's read_seq), and a resend of an old client_msg_id is still a duplicate.
  auto edit = bob->Request(protocol::Op::kEdit, kConv, {{"seq", 2}, {"text", "edited"},
                                                        {"client_msg_id", "edit-1"}});
  EXPECT_TRUE(edit.ok()) << edit.Describe();
  auto read = bob->Request(protocol::Op::kRead, kConv, {{"seq", 3}});
  EXPECT_TRUE(read.ok()) << read.Describe();
  auto resend = alice->Send(kConv, "written before the upgrade", "old-1");
  ASSERT_TRUE(resend.ok()) << resend.Describe();
  EXPECT_EQ((*resend.body)["seq"], 1);
  EXPECT_EQ((*resend.body)["duplicate"], true);

  // Names are case-insensitive after 006: the store finds alice as "ALICE".
  std::vector<std::string> show = {MQCHATCTL_PATH};
  const auto store = server_->CtlStoreArgs();
  show.insert(show.end(), store.begin(), store.end());
  show.insert(show.end(), {"user", "show", "ALICE", "--json"});
  const RunResult shown = RunCommand(show);
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(nlohmann::json::parse(shown.output, nullptr, false).value("username", ""), "alice");

  // Search finds the old messages as well as the new one: the indexer indexes what the upgrade
  // brought (on SQLite into the index file of its own that migration 031 moved it to).
  size_t found = 0;
  std::string last;
  const bool all_found = WaitFor(
      [&] {
        auto search = bob->Request(protocol::Op::kSearch, 0, {{"query", "upgrade"}});
        last = search.Describe();
        found = search.ok() ? (*search.body)["results"].size() : 0;
        return found == 2;
      },
      std::chrono::seconds(15), "search to find the messages from before and after the upgrade");
  EXPECT_TRUE(all_found) << last;
}

INSTANTIATE_TEST_SUITE_P(Stores, UpgradeTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
