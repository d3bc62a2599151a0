// OpenDirectSteps and CreateGroupSteps (store/new_conversation_steps.h) over a fake backend that
// records what it was asked to run: refusals before any transaction, nothing committed after
// a refusal inside one, and the member list and roles the backends write. (The SQL itself is
// covered on both backends by chat_store_test.cpp.)
#include "store/new_conversation_steps.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "store/block_steps.h"

namespace mqchat::store {
namespace {

class FakeSql final : public NewConversationSql {
 public:
  std::vector<std::string> log;            // one line per call, in order
  std::set<std::string> missing;           // users FindMissingUsers reports
  bool direct_exists = false;              // InsertDirect finds the pair's conversation
  bool refused = false;                    // DirectRefused's answer
  ConversationId existing_direct_id = 77;  // its id

  Result<std::unique_ptr<WriteTxn>> BeginWrite() override {
    log.push_back("begin");
    return std::unique_ptr<WriteTxn>(new Txn(this));
  }
  Result<std::vector<std::string>> FindMissingUsers(
      const std::vector<std::string>& users) override {
    std::vector<std::string> out;
    std::string line = "missing?";
    for (const std::string& user : users) {
      line += " " + user;
      if (missing.count(user) > 0) out.push_back(user);
    }
    log.push_back(line);
    return out;
  }
  Result<bool> InsertDirect(ConversationId id, const std::string& direct_key,
                            const std::string& created_by, int64_t now_ms) override {
    log.push_back("direct " + std::to_string(id) + " by " + created_by + " at " +
                  std::to_string(now_ms));
    key = direct_key;
    return !direct_exists;
  }
  Result<bool> DirectRefused(const std::string& sender, const std::string& recipient,
                             const std::string& direct_key) override {
    log.push_back("refused? " + sender + " -> " + recipient);
    return refused;
  }
  Result<ConversationId> FindDirect(const std::string& direct_key,
                                    const std::string& what) override {
    log.push_back("find direct");
    return existing_direct_id;
  }
  Status InsertGroup(ConversationId id, const std::string& name, int64_t member_count,
                     const std::string& owner, int64_t now_ms) override {
    log.push_back("group " + std::to_string(id) + " " + name + " of " +
                  std::to_string(member_count) + " owned by " + owner);
    return Status::Ok();
  }
  Status InsertMembers(ConversationId id, const std::vector<std::string>& users,
                       const std::string* owner, int64_t now_ms) override {
    std::string line = "members of " + std::to_string(id) + ":";
    for (const std::string& user : users) line += " " + user;
    line += owner != nullptr ? " owner " + *owner : " no owner";
    log.push_back(line);
    return Status::Ok();
  }
  Result<Conversation> LoadConversation(ConversationId id) override {
    log.push_back("load " + std::to_string(id));
    Conversation conv;
    conv.id = id;
    return conv;
  }
  Status InsertNotices(const std::vector<BrokerNotice>& notices) override {
    for (const BrokerNotice& n : notices) {
      log.push_back("notice " + std::to_string(static_cast<int>(n.kind)) + " of " +
                    std::to_string(n.conversation_id) + " about '" + n.username + "' at " +
                    std::to_string(n.created_at_ms));
    }
    return Status::Ok();
  }

  std::string key;

 private:
  class Txn final : public WriteTxn {
   public:
    explicit Txn(FakeSql* sql) : sql_(sql) {}
    ~Txn() override {
      if (!committed_) sql_->log.push_back("rollback");
    }
    Status Commit() override {
      committed_ = true;
      sql_->log.push_back("commit");
      return Status::Ok();
    }

   private:
    FakeSql* sql_;
    bool committed_ = false;
  };
};

using Log = std::vector<std::string>;

TEST(OpenDirectStepsTest, NewPairInsertsBothMembersWithoutOwnerThenCommits) {
  FakeSql sql;
  auto conv = OpenDirectSteps(sql, 5, "zoe", "adam", 1000);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->id, 5);
  EXPECT_EQ(sql.key, "adam\nzoe");
  EXPECT_EQ(sql.log, (Log{"begin", "missing? zoe adam", "refused? zoe -> adam",
                          "direct 5 by zoe at 1000",
                          "members of 5: zoe adam no owner", "load 5", "commit"}));
}

TEST(OpenDirectStepsTest, ExistingPairReturnsItsConversation) {
  FakeSql sql;
  sql.direct_exists = true;
  auto conv = OpenDirectSteps(sql, 5, "adam", "zoe", 1000);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->id, 77);
  EXPECT_EQ(sql.log, (Log{"begin", "missing? adam zoe", "refused? adam -> zoe",
                          "direct 5 by adam at 1000", "find direct", "load 77", "commit"}));
}

TEST(OpenDirectStepsTest, RefusalsWriteNothing) {
  FakeSql same;
  EXPECT_EQ(OpenDirectSteps(same, 5, "adam", "adam", 1).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(same.log.empty());  // refused before any transaction

  FakeSql unknown;
  unknown.missing = {"zoe"};
  auto refused = OpenDirectSteps(unknown, 5, "adam", "zoe", 1);
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_EQ(refused.status().message(), "no such user: zoe");
  EXPECT_EQ(unknown.log, (Log{"begin", "missing? adam zoe", "rollback"}));

  // The recipient does not accept the opener (a block or their dm_policy): nothing inserted.
  FakeSql not_accepting;
  not_accepting.refused = true;
  auto blocked = OpenDirectSteps(not_accepting, 5, "adam", "zoe", 1);
  EXPECT_TRUE(IsNotAccepting(blocked.status())) << blocked.status().ToString();
  EXPECT_EQ(not_accepting.log,
            (Log{"begin", "missing? adam zoe", "refused? adam -> zoe", "rollback"}));
}

TEST(CreateGroupStepsTest, OwnerFirstRepeatsDroppedOwnerMarked) {
  FakeSql sql;
  auto conv = CreateGroupSteps(sql, 9, "bob", "team", {"carol", "bob", "dan", "carol"}, 3, 50);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(sql.log, (Log{"begin", "missing? bob carol dan", "group 9 team of 3 owned by bob",
                          "members of 9: bob carol dan owner bob", "load 9", "commit"}));
}

TEST(CreateGroupStepsTest, RefusalsWriteNothing) {
  FakeSql full;
  auto refused = CreateGroupSteps(full, 9, "bob", "team", {"carol", "dan"}, 2, 50);
  EXPECT_EQ(refused.status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(full.log.empty());  // refused before any transaction

  FakeSql unknown;
  unknown.missing = {"dan", "carol"};
  refused = CreateGroupSteps(unknown, 9, "bob", "team", {"carol", "dan"}, 5, 50);
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_EQ(refused.status().message(), "no such users: carol, dan");
  EXPECT_EQ(unknown.log, (Log{"begin", "missing? bob carol dan", "rollback"}));
}

// The admin API's groups (AdminChatStore::AdminCreateGroup): a members notice about no user (all
// are new), inside the transaction, before the commit; none after a refusal.
TEST(CreateGroupStepsTest, AMembersNoticeIsWrittenInTheTransaction) {
  FakeSql sql;
  auto conv = CreateGroupSteps(sql, 9, "bob", "team", {"carol"}, 3, 50, /*members_notice=*/true);
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(sql.log, (Log{"begin", "missing? bob carol", "group 9 team of 2 owned by bob",
                          "members of 9: bob carol owner bob", "load 9",
                          "notice 3 of 9 about '' at 50", "commit"}));

  FakeSql unknown;
  unknown.missing = {"carol"};
  auto refused = CreateGroupSteps(unknown, 9, "bob", "team", {"carol"}, 3, 50, true);
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_EQ(unknown.log, (Log{"begin", "missing? bob carol", "rollback"}));
}

TEST(MembersNoticesTest, OnePerUserOrOneForANewGroup) {
  auto added = MembersNotices(5, {"carol", "dan"}, 70);
  ASSERT_EQ(added.size(), 2u);
  for (const BrokerNotice& n : added) {
    EXPECT_EQ(n.kind, NoticeKind::kMembers);
    EXPECT_EQ(n.conversation_id, 5);
    EXPECT_EQ(n.created_at_ms, 70);
    EXPECT_EQ(CheckNotice(n), "");
  }
  EXPECT_EQ(added[0].username, "carol");
  EXPECT_EQ(added[1].username, "dan");
  auto created = MembersNotices(5, {}, 70);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].username, "");
}

}  // namespace
}  // namespace mqchat::store
