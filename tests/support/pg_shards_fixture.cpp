#include "support/pg_shards_fixture.h"

#include <gtest/gtest.h>

#include "store/pg/pg_handles.h"

namespace mqchat::test {

std::array<std::unique_ptr<PostgresInstance>, kPgShards>& PgShardClusters() {
  static std::array<std::unique_ptr<PostgresInstance>, kPgShards> clusters;
  return clusters;
}

int64_t QueryPgInt(const std::string& conninfo, const std::string& sql) {
  auto conn = store::ConnectPg(conninfo);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  auto res = store::ExecPgSql(conn->get(), sql.c_str());
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  if (!res.ok()) return -1;
  auto value = store::PgInt64(res->get(), 0, 0);
  return value.ok() ? *value : -1;
}

void PgShardsFixture::SetUp() {
  MQCHAT_SHARED_POSTGRES_OR_SKIP(shared);
  if (shared->external()) GTEST_SKIP() << "the shards need clusters of their own";
  auto& clusters = PgShardClusters();
  std::string list;
  for (int i = 0; i < kPgShards; ++i) {
    if (clusters[i] == nullptr) {
      auto created = PostgresInstance::Create();
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      clusters[i] = std::move(created).value();
    }
    ASSERT_TRUE(clusters[i]->Start().ok());  // a previous test may have killed it
    auto db = clusters[i]->FreshDatabase();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    shard_dsn_[i] = *db;
    list += (i == 0 ? "" : "; ") + *db;
  }
  shards_option_ = list;
  ChatFixture::SetUp();
}

std::vector<std::pair<std::string, std::string>> PgShardsFixture::ExtraOptions() const {
  auto options = ShardTestOptions();
  options.emplace_back("pg_shards", shards_option_);
  return options;
}

int PgShardsFixture::ShardOf(int64_t conv) {
  const std::string sql =
      "SELECT COALESCE((SELECT shard FROM conversation_shards WHERE conversation_id = " +
      std::to_string(conv) + "), -1)";
  return static_cast<int>(QueryPgInt(server_->store_config().pg_conninfo, sql));
}

int64_t PgShardsFixture::RowsOn(int shard, const std::string& table, int64_t conv) {
  return QueryPgInt(
      shard_dsn_[static_cast<size_t>(shard)],
      "SELECT count(*) FROM " + table + " WHERE conversation_id = " + std::to_string(conv));
}

std::vector<std::string> PgShardsFixture::RegisterAliceAndPeers(const std::string& prefix,
                                                                int count) {
  std::vector<std::string> peers;
  for (int i = 0; i < count; ++i) peers.push_back(prefix + std::to_string(i));
  std::vector<std::string> everyone = peers;
  everyone.push_back("alice");
  Register(everyone);
  return peers;
}

std::vector<int64_t> PgShardsFixture::CreateGroups(ChatTestClient& owner, int count,
                                                   const std::vector<std::string>& members,
                                                   std::set<int>* shards) {
  std::vector<int64_t> groups;
  for (int g = 0; g < count; ++g) {
    const int64_t group = owner.CreateGroup("group " + std::to_string(g), members);
    EXPECT_GT(group, 0) << "group " << g;
    groups.push_back(group);
    if (shards != nullptr) shards->insert(ShardOf(group));
  }
  return groups;
}

}  // namespace mqchat::test
