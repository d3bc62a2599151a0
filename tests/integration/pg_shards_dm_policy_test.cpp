// The `shared_group` direct-message policy with PostgreSQL shards (issue 26): the group two users
// share may live on another shard than their direct conversation, and the policy must see it
// there. A shard that is down must not let a direct message in that the policy refuses. One
// broker on the global database and three shards (support/pg_shards_fixture.h).
#include <gtest/gtest.h>

#include <string>

#include "protocol/ops.h"
#include "support/pg_shards_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using protocol::Op;

class PgShardsDmPolicyTest : public PgShardsFixture {};

TEST_P(PgShardsDmPolicyTest, AGroupSharedOnAnotherShardLetsADirectMessageIn) {
  MQCHAT_REQUIRE_SERVER();
  Register({"dave", "erin", "frank", "gina"});
  auto dave = Login("dave");
  auto erin = Login("erin");
  auto gina = Login("gina");
  // The pair's direct conversation, opened while dave accepts everyone: its shard is X.
  const int64_t direct = erin->OpenDirect("dave");
  ASSERT_GT(direct, 0);
  const int x = ShardOf(direct);
  ASSERT_GE(x, 0) << "the direct conversation is not on a shard";
  ASSERT_TRUE(dave->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "shared_group"}}).ok());
  EXPECT_EQ(erin->Send(direct, "before", "e-0").error_code(), "NOT_ACCEPTING");

  // A group of dave's on another shard than X, which erin then joins: the only group they share.
  int64_t group = 0;
  int y = -1;
  for (int tries = 0; tries < 30 && group == 0; ++tries) {
    const int64_t made = dave->CreateGroup("club " + std::to_string(tries), {"frank"});
    ASSERT_GT(made, 0);
    const int shard = ShardOf(made);
    if (shard >= 0 && shard != x) {
      group = made;
      y = shard;
    }
  }
  ASSERT_GT(group, 0) << "no group went to another shard than " << x;
  auto added = dave->Request(Op::kAddMembers, group, {{"users", {"erin"}}});
  ASSERT_TRUE(added.ok()) << added.Describe();

  auto sent = erin->Send(direct, "we share a club", "e-1");
  EXPECT_TRUE(sent.ok()) << "group on shard " << y << ", direct on shard " << x << ": "
                         << sent.Describe();
  auto opened = erin->Request(Op::kOpenDirect, 0, {{"user", "dave"}});
  EXPECT_TRUE(opened.ok()) << opened.Describe();
  // gina shares no group with dave, on any shard.
  EXPECT_EQ(gina->Request(Op::kOpenDirect, 0, {{"user", "dave"}}).error_code(), "NOT_ACCEPTING");

  // A block still refuses, shared group or not.
  ASSERT_TRUE(dave->Request(Op::kBlock, 0, {{"user", "erin"}}).ok());
  EXPECT_EQ(erin->Send(direct, "blocked", "e-2").error_code(), "NOT_ACCEPTING");
  ASSERT_TRUE(dave->Request(Op::kUnblock, 0, {{"user", "erin"}}).ok());

  // The group's shard down: the shared group cannot be seen, so the answer is not "accepted"
  // by default: a retryable UNAVAILABLE, and the same send goes through once it is back.
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(y)]->Kill().ok());
  auto down = erin->Send(direct, "while the club's shard is down", "e-3");
  EXPECT_EQ(down.error_code(), "UNAVAILABLE") << down.Describe();
  auto stranger = gina->Request(Op::kOpenDirect, 0, {{"user", "dave"}});
  EXPECT_FALSE(stranger.ok()) << "a down shard let a stranger in: " << stranger.Describe();
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(y)]->Start().ok());
  ChatResponse later;
  ASSERT_TRUE(WaitFor(
      [&] {
        later = erin->Send(direct, "while the club's shard is down", "e-3");
        EXPECT_TRUE(later.ok() || later.error_code() == "UNAVAILABLE") << later.Describe();
        return later.ok();
      },
      std::chrono::seconds(60), "the send once the group's shard is back"));

  // erin leaves the group: nothing is shared any more, on any shard.
  auto left = dave->Request(Op::kRemoveMember, group, {{"user", "erin"}});
  ASSERT_TRUE(left.ok()) << left.Describe();
  EXPECT_EQ(erin->Send(direct, "after leaving", "e-4").error_code(), "NOT_ACCEPTING");
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsDmPolicyTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
