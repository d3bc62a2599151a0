// The operator's tools on a sharded PostgreSQL store (issue 26): `mqchatctl user export` and
// `user erase --messages` cover the user's messages on every shard, and fail retryably (nothing
// reported done, no audit row) while a shard is down. The audit rows of changes made on a shard
// (a group's retention) are listed by `mqchatctl audit list`, once each, as the global
// database's, also those of a shard that was down when first listed. `conversation list`,
// `group admin` and `stats` see the conversations of every shard. One broker on the global
// database and three shards (support/pg_shards_fixture.h); mqchatctl is given the same --pg_shards.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/ctl_command.h"
#include "support/pg_shards_fixture.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

using nlohmann::json;

class PgShardsOpsTest : public PgShardsFixture {
 protected:
  // mqchatctl on the broker's global database and shards.
  RunResult Ctl(const std::vector<std::string>& words) {
    std::vector<std::string> all = {"--pg_shards", shards_option_};
    all.insert(all.end(), words.begin(), words.end());
    return RunCtl(*server_, all);
  }
  // alice's messages with text left on shard `shard` (-1: the global database).
  int64_t TextsOf(int shard, const std::string& sender) {
    const std::string dsn =
        shard < 0 ? server_->store_config().pg_conninfo : shard_dsn_[static_cast<size_t>(shard)];
    return QueryPgInt(
        dsn, "SELECT count(*) FROM messages WHERE sender = '" + sender + "' AND body <> ''");
  }
  // The audit rows `mqchatctl audit list` shows.
  json AuditList() {
    auto listed = Ctl({"--json", "audit", "list"});
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    json rows = json::parse(listed.output, nullptr, false);
    return rows.is_array() ? rows : json::array();
  }
  // How many of them are of `action`.
  int AuditRows(const std::string& action) {
    int n = 0;
    for (const auto& e : AuditList()) n += e["action"] == action;
    return n;
  }
  // The subjects of the rows of `action`, each as often as listed.
  std::multiset<std::string> AuditSubjects(const std::string& action) {
    std::multiset<std::string> out;
    for (const auto& e : AuditList()) {
      if (e["action"] == action) out.insert(e["subject"].get<std::string>());
    }
    return out;
  }
};

json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

TEST_P(PgShardsOpsTest, ExportAndEraseCoverEveryShardAndFailRetryablyWhileOneIsDown) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("e", 9);
  auto alice = Login("alice");
  std::set<int> shards;
  std::set<std::string> texts;
  for (const std::string& peer : peers) {
    const int64_t conv = alice->OpenDirect(peer);
    ASSERT_GT(conv, 0);
    shards.insert(ShardOf(conv));
    texts.insert("secret for " + peer);
    ASSERT_TRUE(alice->Send(conv, "secret for " + peer, "x-" + peer).ok());
    ASSERT_TRUE(Login(peer)->Send(conv, "reply of " + peer, "r-" + peer).ok());
  }
  ASSERT_EQ(shards, (std::set<int>{0, 1, 2})) << "9 conversations on 3 shards";

  // The export holds every conversation and every message of hers, whatever their shard.
  TempDir dir;
  const std::string file = dir.File("alice.json");
  auto exported = Ctl({"user", "export", "alice", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  json doc = ReadJsonFile(file);
  ASSERT_TRUE(doc.is_object()) << "not JSON";
  EXPECT_EQ(doc["conversations"].size(), peers.size()) << doc["conversations"].dump();
  std::set<std::string> exported_texts;
  for (const auto& m : doc["messages"]) exported_texts.insert(m["text"]);
  EXPECT_EQ(exported_texts, texts);

  // Shard 1 down: neither the export nor the erasure says it is done, and neither is audited.
  ASSERT_TRUE(PgShardClusters()[1]->Kill().ok());
  const std::string partial = dir.File("partial.json");
  auto refused = Ctl({"user", "export", "alice", partial});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("shard 1"), std::string::npos) << refused.output;
  EXPECT_FALSE(Exists(partial)) << "a partial export left behind";
  auto failed = Ctl({"user", "erase", "alice", "--messages"});
  EXPECT_NE(failed.exit_code, 0) << failed.output;
  EXPECT_NE(failed.output.find("shard 1"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("again"), std::string::npos) << "not said to be retryable";
  EXPECT_EQ(failed.output.find("erased user"), std::string::npos) << failed.output;
  EXPECT_EQ(AuditRows("erase"), 0);
  EXPECT_EQ(AuditRows("export"), 1);

  // Back: the erasure run again finishes on every shard; peers' messages are untouched.
  ASSERT_TRUE(PgShardClusters()[1]->Start().ok());
  EXPECT_GT(TextsOf(1, "alice"), 0) << "shard 1 was down";
  auto erased = Ctl({"user", "erase", "alice", "--messages"});
  ASSERT_EQ(erased.exit_code, 0) << erased.output;
  for (int shard = -1; shard < kPgShards; ++shard) {
    EXPECT_EQ(TextsOf(shard, "alice"), 0) << "shard " << shard;
  }
  int64_t replies = 0;
  for (int shard = 0; shard < kPgShards; ++shard) {
    for (const std::string& peer : peers) replies += TextsOf(shard, peer);
  }
  EXPECT_EQ(replies, static_cast<int64_t>(peers.size()));
  EXPECT_EQ(AuditRows("erase"), 1);
  const std::string after = dir.File("after.json");
  ASSERT_EQ(Ctl({"user", "export", "alice", after}).exit_code, 0);
  json again = ReadJsonFile(after);
  EXPECT_EQ(again["messages"].size(), peers.size());
  for (const auto& m : again["messages"]) EXPECT_EQ(m["text"], "") << m.dump();
}

TEST_P(PgShardsOpsTest, AuditRowsOfChangesOnShardsAreListedOnceFromTheGlobalDatabase) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("a", 2);
  auto alice = Login("alice");
  std::set<int> shards;
  const std::vector<int64_t> groups = CreateGroups(*alice, 9, peers, &shards);
  ASSERT_GE(shards.size(), 2u) << "9 groups on 3 shards";
  auto set_retention = [&](int64_t group, int days) {
    auto set = alice->Request(protocol::Op::kSetRetention, 0,
                              {{"conversation_id", std::to_string(group)}, {"days", days}});
    ASSERT_TRUE(set.ok()) << set.Describe();
  };
  std::multiset<std::string> expected;
  for (int64_t group : groups) {
    set_retention(group, 3);
    expected.insert(std::to_string(group));
  }
  EXPECT_EQ(AuditSubjects("retention"), expected);
  EXPECT_EQ(AuditSubjects("retention"), expected) << "listed twice: each row still once";

  // A shard down: the others' new rows are listed; its own once it is back, each once.
  const int down = ShardOf(groups[0]);
  for (int64_t group : groups) {
    set_retention(group, 5);
    expected.insert(std::to_string(group));
  }
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(down)]->Kill().ok());
  std::multiset<std::string> without_down;
  for (int64_t group : groups) {
    without_down.insert(std::to_string(group));
    if (ShardOf(group) != down) without_down.insert(std::to_string(group));
  }
  EXPECT_EQ(AuditSubjects("retention"), without_down);
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(down)]->Start().ok());
  EXPECT_EQ(AuditSubjects("retention"), expected);
  for (int shard = 0; shard < kPgShards; ++shard) {
    EXPECT_EQ(QueryPgInt(shard_dsn_[static_cast<size_t>(shard)], "SELECT count(*) FROM audit_log"),
              0)
        << "rows left on shard " << shard;
  }
}

TEST_P(PgShardsOpsTest, ConversationListRolesAndStatsCoverEveryShard) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("o", 3);
  auto alice = Login("alice");
  std::set<int64_t> all, of_o0;
  std::set<int> shards;
  int64_t on_shard = 0;
  for (int g = 0; g < 6; ++g) {
    const int64_t group = alice->CreateGroup("group " + std::to_string(g), peers);
    ASSERT_GT(group, 0);
    all.insert(group);
    of_o0.insert(group);
    shards.insert(ShardOf(group));
    if (ShardOf(group) >= 0) on_shard = group;
    ASSERT_TRUE(alice->Send(group, "hello", "g" + std::to_string(g)).ok());
  }
  for (const std::string& peer : peers) {
    const int64_t direct = alice->OpenDirect(peer);
    ASSERT_GT(direct, 0);
    all.insert(direct);
    if (peer == "o0") of_o0.insert(direct);
    shards.insert(ShardOf(direct));
    ASSERT_TRUE(alice->Send(direct, "hi", "d" + peer).ok());
  }
  ASSERT_GE(shards.size(), 2u);
  ASSERT_GT(on_shard, 0);
  auto ids = [&](const std::vector<std::string>& words) {
    auto listed = Ctl(words);
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    std::set<int64_t> out;
    for (const auto& row : json::parse(listed.output, nullptr, false))
      out.insert(row["id"].get<int64_t>());
    return out;
  };
  EXPECT_EQ(ids({"--json", "conversation", "list"}), all);
  EXPECT_EQ(ids({"--json", "conversation", "list", "--user", "o0"}), of_o0);
  std::set<int64_t> first_four(all.begin(), std::next(all.begin(), 4));
  EXPECT_EQ(ids({"--json", "conversation", "list", "--limit", "4"}), first_four) << "by id";

  // A role set on a group's shard, and audited where operators read.
  const std::string group = std::to_string(on_shard);
  auto made = Ctl({"group", "admin", "add", group, "o1"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto shown = Ctl({"--json", "conversation", "show", group});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  for (const auto& m : json::parse(shown.output)["members"]) {
    if (m["username"] == "o1") EXPECT_EQ(m["role"], "admin");
  }
  EXPECT_EQ(AuditSubjects("group_admin_add"), std::multiset<std::string>{group});

  auto stats = Ctl({"--json", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.output;
  json counts = json::parse(stats.output);
  EXPECT_EQ(counts["users_active"], 4) << "users counted once, not on every shard";
  EXPECT_EQ(counts["groups"], 6);
  EXPECT_EQ(counts["direct_conversations"], 3);
  EXPECT_EQ(counts["messages"], 9);
  EXPECT_EQ(counts["messages_last_24h"], 9);

  // A shard down: no list or count that silently lacks its conversations.
  const int down = ShardOf(on_shard);
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(down)]->Kill().ok());
  for (const auto& words :
       std::vector<std::vector<std::string>>{{"conversation", "list"}, {"stats"}}) {
    auto refused = Ctl(words);
    EXPECT_NE(refused.exit_code, 0) << refused.output;
    EXPECT_NE(refused.output.find("shard " + std::to_string(down)), std::string::npos)
        << refused.output;
  }
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(down)]->Start().ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsOpsTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
