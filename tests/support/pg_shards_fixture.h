// PgShardsFixture: a broker on the shared PostgreSQL (the global database) with three PostgreSQL
// shards, each a cluster of its own on loopback (plugin_opt_pg_shards), for the sharding tests
// (issue 26). The clusters are started once per test binary and shared; each test takes fresh
// databases on them. Test thread only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/chat_fixture.h"
#include "support/postgres_instance.h"

namespace mqchat::test {

inline constexpr int kPgShards = 3;

// The shards' clusters (null until a PgShardsFixture started them).
std::array<std::unique_ptr<PostgresInstance>, kPgShards>& PgShardClusters();

// A one-cell query's value (-1 and a test failure if it fails).
int64_t QueryPgInt(const std::string& conninfo, const std::string& sql);

class PgShardsFixture : public ChatFixture {
 protected:
  void SetUp() override;

  // pg_shards, and ShardTestOptions().
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override;
  // More broker options of a suite.
  virtual std::vector<std::pair<std::string, std::string>> ShardTestOptions() const { return {}; }

  // The shard the directory names for `conv` (-1: none, the global database).
  int ShardOf(int64_t conv);
  // Rows of `table` of conversation `conv` on shard `shard`.
  int64_t RowsOn(int shard, const std::string& table, int64_t conv);
  // Registers alice and `count` peers named `prefix`0, `prefix`1, ...; returns the peers.
  std::vector<std::string> RegisterAliceAndPeers(const std::string& prefix, int count);
  // `count` groups "group 0", "group 1", ... of `owner` with `members` (a test failure for one
  // not made); their ids, and in `shards` (if given) the shards they went to.
  std::vector<int64_t> CreateGroups(ChatTestClient& owner, int count,
                                    const std::vector<std::string>& members,
                                    std::set<int>* shards = nullptr);

  std::array<std::string, kPgShards> shard_dsn_;
  std::string shards_option_;  // plugin_opt_pg_shards' value
};

}  // namespace mqchat::test
