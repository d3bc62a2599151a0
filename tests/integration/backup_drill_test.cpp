// The restore drill of docs/OPERATIONS.md ("Backups"), on the SQLite store: `mqchatctl backup`
// while a sender keeps sending, `mqchatctl restore` into a fresh file, a new broker on it:
// every message acked before the backup began is there, seqs have no gap and no message is
// there twice. And the refusals: an existing backup file, an existing database to restore
// over, a file that is not a database, a PostgreSQL store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "protocol/ops.h"
#include "support/broker_process.h"
#include "support/chat_fixture.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using protocol::Op;

RunResult Ctl(std::vector<std::string> words) {
  words.insert(words.begin(), MQCHATCTL_PATH);
  return RunCommand(words);
}

class BackupDrillTest : public ChatFixture {};

TEST_P(BackupDrillTest, EveryMessageAckedBeforeTheBackupIsInTheRestoredStore) {
  MQCHAT_REQUIRE_SERVER();
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  std::set<std::string> acked_before;
  for (int i = 0; i < 30; ++i) {
    const std::string id = "before-" + std::to_string(i);
    ASSERT_TRUE(alice->Send(dm, "before " + std::to_string(i), id).ok());
    acked_before.insert(id);
  }
  // Under load: bob sends as fast as acks come back until the backup has finished.
  std::atomic<bool> stop{false};
  std::atomic<int> sent_during{0};
  std::thread load([&] {
    for (int i = 0; !stop; ++i) {
      if (!bob->Send(dm, "during", "during-" + std::to_string(i)).ok()) return;
      ++sent_during;
    }
  });
  WaitFor([&] { return sent_during >= 5; }, std::chrono::seconds(10), "the load to start");
  TempDir out;
  const std::string backup_file = out.File("mqchat.backup");
  const auto store = server_->CtlStoreArgs();
  auto backup = Ctl({store[0], store[1], "backup", backup_file});
  stop = true;
  load.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(backup.output.find("backed up to " + backup_file), std::string::npos)
      << backup.output;

  const std::string restored = out.File("restored.db");
  auto restore = Ctl({"--sqlite", restored, "restore", backup_file});
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  BrokerOptions o;
  o.plugin_opts = {{"store", "sqlite"},
                   {"sqlite_path", restored},
                   {"jwt_hs256_secret", kTestJwtSecret}};
  BrokerProcess broker(std::move(o));
  ASSERT_TRUE(broker.Start());
  ChatTestClient reader;
  ASSERT_EQ(reader.Connect(broker.port(), "alice", Token("alice"), "restored"), 0);
  std::set<std::string> ids;
  int64_t last_seq = 0;
  for (bool more = true; more;) {
    auto page = reader.Request(Op::kHistory, dm, {{"after_seq", last_seq}, {"limit", 100}});
    ASSERT_TRUE(page.ok()) << page.Describe();
    for (const auto& m : (*page.body)["messages"]) {
      const int64_t seq = m["seq"].get<int64_t>();
      ASSERT_EQ(seq, last_seq + 1) << "a gap in the restored conversation";
      last_seq = seq;
      EXPECT_TRUE(ids.insert(m["client_msg_id"].get<std::string>()).second)
          << "stored twice: " << m.dump();
    }
    more = (*page.body)["has_more"].get<bool>();
  }
  for (const auto& id : acked_before) EXPECT_EQ(ids.count(id), 1u) << id << " is missing";
  EXPECT_GE(ids.size(), acked_before.size());
}

TEST_P(BackupDrillTest, RefusalsChangeNothing) {
  MQCHAT_REQUIRE_SERVER();
  const auto store = server_->CtlStoreArgs();
  TempDir out;
  const std::string taken = out.File("taken.backup");
  WriteFile(taken, "keep me");
  auto over_file = Ctl({store[0], store[1], "backup", taken});
  EXPECT_EQ(over_file.exit_code, 1) << over_file.output;
  EXPECT_NE(over_file.output.find("exists"), std::string::npos) << over_file.output;
  EXPECT_EQ(ReadFile(taken), "keep me");
  // Restoring over the live database, or from something that is not a database.
  auto over_db = Ctl({store[0], store[1], "restore", taken});
  EXPECT_EQ(over_db.exit_code, 1) << over_db.output;
  auto junk = Ctl({"--sqlite", out.File("new.db"), "restore", taken});
  EXPECT_NE(junk.exit_code, 0) << junk.output;
  EXPECT_EQ(::access(out.File("new.db").c_str(), F_OK), -1) << "a failed restore left a file";
  auto pg = Ctl({"--pg", "host=127.0.0.1 port=1", "backup", out.File("pg.backup")});
  EXPECT_EQ(pg.exit_code, 1) << pg.output;
  EXPECT_NE(pg.output.find("pg_dump"), std::string::npos) << pg.output;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, BackupDrillTest, ::testing::Values(StoreKind::kSqlite),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
