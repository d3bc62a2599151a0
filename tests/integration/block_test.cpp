// Blocking and "who may message me" over real brokers (docs/PROTOCOL.md, "Blocking and who may
// message me"): on SQLite and PostgreSQL, a blocked user's open_direct and sends are refused
// with NOT_ACCEPTING (the same answer as a policy refusal), the blocker's devices get the list,
// unblock restores, each dm_policy, and bad input changing nothing; with two brokers sharing
// PostgreSQL, a block made through one refuses at once on both.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/chat_fixture.h"
#include "support/shared_brokers.h"

namespace mqchat::test {
namespace {

using protocol::Op;

std::vector<std::string> BlockedNames(const ChatResponse& r) {
  std::vector<std::string> out;
  if (!r.body || !r.body->contains("blocked")) return out;
  for (const auto& b : (*r.body)["blocked"]) out.push_back(b.value("user", ""));
  return out;
}

class BlockTest : public ChatFixture {};

TEST_P(BlockTest, BlockedUserCannotOpenOrSendUntilUnblocked) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob", "phone");
  auto bob_laptop = Login("bob", "laptop");
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  ASSERT_TRUE(alice->Send(dm, "hi", "a-1").ok());

  auto blocked = bob->Request(Op::kBlock, 0, {{"user", "alice"}});
  ASSERT_TRUE(blocked.ok()) << blocked.Describe();
  EXPECT_EQ(BlockedNames(blocked), std::vector<std::string>{"alice"});
  EXPECT_EQ((*blocked.body)["dm_policy"], "everyone");
  // Bob's other device learns the list.
  auto event = bob_laptop->WaitEvent("privacy");
  ASSERT_TRUE(event.has_value()) << "bob's laptop got no privacy event";
  EXPECT_EQ((*event)["blocked"][0]["user"], "alice");

  auto open = alice->Request(Op::kOpenDirect, 0, {{"user", "bob"}});
  EXPECT_EQ(open.error_code(), "NOT_ACCEPTING") << open.Describe();
  auto send = alice->Send(dm, "still there?", "a-2");
  EXPECT_EQ(send.error_code(), "NOT_ACCEPTING") << send.Describe();
  auto resend = alice->Send(dm, "hi", "a-1");  // stored before the block: its original ack
  ASSERT_TRUE(resend.ok()) << resend.Describe();
  EXPECT_EQ((*resend.body)["duplicate"], true);

  auto listed = bob_laptop->Request(Op::kBlocks, 0, nlohmann::json::object());
  ASSERT_TRUE(listed.ok()) << listed.Describe();
  EXPECT_EQ(BlockedNames(listed), std::vector<std::string>{"alice"});

  auto unblocked = bob->Request(Op::kUnblock, 0, {{"user", "alice"}});
  ASSERT_TRUE(unblocked.ok()) << unblocked.Describe();
  EXPECT_TRUE(BlockedNames(unblocked).empty());
  auto again = alice->Send(dm, "back", "a-3");
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["seq"], 2);
}

TEST_P(BlockTest, ARefusalByPolicyReadsLikeABlock) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto carol = Login("carol");
  ASSERT_TRUE(bob->Request(Op::kBlock, 0, {{"user", "alice"}}).ok());
  auto policy = carol->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "existing_only"}});
  ASSERT_TRUE(policy.ok()) << policy.Describe();
  auto by_block = alice->Request(Op::kOpenDirect, 0, {{"user", "bob"}});
  auto by_policy = alice->Request(Op::kOpenDirect, 0, {{"user", "carol"}});
  ASSERT_EQ(by_block.error_code(), "NOT_ACCEPTING") << by_block.Describe();
  ASSERT_EQ(by_policy.error_code(), "NOT_ACCEPTING") << by_policy.Describe();
  auto message = [](const ChatResponse& r) {
    std::string m = (*r.body)["error"].value("message", "");
    return m.substr(m.find(' '));  // without the name
  };
  EXPECT_EQ(message(by_block), message(by_policy));
}

TEST_P(BlockTest, EachDmPolicy) {
  MQCHAT_REQUIRE_SERVER();
  Register({"dave", "erin", "frank", "gina"});
  auto dave = Login("dave");
  auto erin = Login("erin");
  auto frank = Login("frank");
  auto gina = Login("gina");
  // dave has written to gina; he shares a group with erin; frank is a stranger.
  const int64_t with_gina = dave->OpenDirect("gina");
  ASSERT_TRUE(dave->Send(with_gina, "hello gina", "d-1").ok());
  ASSERT_GT(dave->CreateGroup("club", {"erin"}), 0);

  auto shared = dave->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "shared_group"}});
  ASSERT_TRUE(shared.ok()) << shared.Describe();
  EXPECT_EQ((*shared.body)["dm_policy"], "shared_group");
  EXPECT_EQ(frank->Request(Op::kOpenDirect, 0, {{"user", "dave"}}).error_code(), "NOT_ACCEPTING");
  const int64_t with_erin = erin->OpenDirect("dave");
  ASSERT_GT(with_erin, 0);
  EXPECT_TRUE(erin->Send(with_erin, "hi dave", "e-1").ok());
  EXPECT_TRUE(gina->Send(with_gina, "hi dave", "g-1").ok());

  ASSERT_TRUE(dave->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "existing_only"}}).ok());
  EXPECT_EQ(erin->Send(with_erin, "again", "e-2").error_code(), "NOT_ACCEPTING");
  EXPECT_TRUE(gina->Send(with_gina, "again", "g-2").ok());

  ASSERT_TRUE(dave->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "everyone"}}).ok());
  EXPECT_TRUE(erin->Send(with_erin, "again", "e-2").ok());
  EXPECT_GT(frank->OpenDirect("dave"), 0);
  auto read_back = dave->Request(Op::kBlocks, 0, nlohmann::json::object());
  ASSERT_TRUE(read_back.ok());
  EXPECT_EQ((*read_back.body)["dm_policy"], "everyone");
}

TEST_P(BlockTest, BadInputIsRefusedAndChangesNothing) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  ASSERT_TRUE(alice->Request(Op::kBlock, 0, {{"user", "bob"}}).ok());
  EXPECT_EQ(alice->Request(Op::kBlock, 0, {{"user", "alice"}}).error_code(), "INVALID");
  EXPECT_EQ(alice->Request(Op::kBlock, 0, {{"user", "nobody"}}).error_code(), "NOT_FOUND");
  EXPECT_EQ(alice->Request(Op::kBlock, 0, {{"user", "a/b"}}).error_code(), "BAD_REQUEST");
  EXPECT_EQ(alice->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "nobody"}}).error_code(),
            "BAD_REQUEST");
  auto listed = alice->Request(Op::kBlocks, 0, nlohmann::json::object());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(BlockedNames(listed), std::vector<std::string>{"bob"});
  EXPECT_EQ((*listed.body)["dm_policy"], "everyone");
}

MQCHAT_INSTANTIATE_FOR_STORES(BlockTest);

// Two brokers sharing PostgreSQL: the block is in the store, so it holds on both at once.
class SharedBlockTest : public SharedBrokersTest {};

TEST_F(SharedBlockTest, ABlockMadeOnOneBrokerRefusesOnEveryBroker) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto bob = Login(0, "bob");
  auto alice1 = Login(0, "alice", "phone");
  auto alice2 = Login(1, "alice", "laptop");
  // Token users get their rows on their broker's writer, asynchronously: a write request
  // queued after bob's login is answered once his row exists.
  ASSERT_TRUE(bob->Request(Op::kSetDmPolicy, 0, {{"dm_policy", "everyone"}}).ok());
  const int64_t dm = alice2->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  ASSERT_TRUE(alice2->Send(dm, "hi", "a-1").ok());

  ASSERT_TRUE(bob->Request(Op::kBlock, 0, {{"user", "alice"}}).ok());
  EXPECT_EQ(alice1->Send(dm, "via 1", "a-2").error_code(), "NOT_ACCEPTING");
  EXPECT_EQ(alice2->Send(dm, "via 2", "a-3").error_code(), "NOT_ACCEPTING");
  EXPECT_EQ(alice2->Request(Op::kOpenDirect, 0, {{"user", "bob"}}).error_code(),
            "NOT_ACCEPTING");

  ASSERT_TRUE(bob->Request(Op::kUnblock, 0, {{"user", "alice"}}).ok());
  EXPECT_TRUE(alice2->Send(dm, "via 2", "a-3").ok());
  EXPECT_TRUE(alice1->Send(dm, "via 1", "a-2").ok());
}

}  // namespace
}  // namespace mqchat::test
