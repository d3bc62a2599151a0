// Attachments in conversations on PostgreSQL shards (issue 26): a file uploaded through the
// real mqchat-api (into the global database) is carried by a message sent to a group on any
// shard; its members download it, an outsider gets what a guessed id gets; while one shard is
// down the attachments of the others' messages still download. One broker on the global
// database and three shards (support/pg_shards_fixture.h), the API given the same --pg_shards.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/attachment_api.h"
#include "support/pg_shards_fixture.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

class PgShardsAttachmentsTest : public PgShardsFixture {
 protected:
  void SetUp() override {
    PgShardsFixture::SetUp();
    if (!server_) return;
    dir_ = std::make_unique<TempDir>("mqchat-attach");
    api_ = StartAttachmentApi(server_->store_config(), *dir_, {{"pg_shards", shards_option_}});
  }
  std::string Join(const std::string& user) { return JoinApi(*api_, user); }
  std::string Upload(const std::string& token, const std::string& name, const std::string& data) {
    return UploadFile(*api_, token, name, data);
  }
  // The bytes of attachment `id` as `token`'s user downloads it ("" and a status if refused).
  std::pair<int, std::string> Download(const std::string& token, const std::string& id) {
    auto described = api_->Call("GET", "/v1/attachments/" + id, token);
    if (described.status != 200) return {described.status, ""};
    auto bytes = api_->Get(described.json["url"]);
    return {bytes.status, bytes.body};
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ApiProcess> api_;
};

TEST_P(PgShardsAttachmentsTest, MessagesOnEveryShardCarryUploadsTheirMembersDownload) {
  MQCHAT_REQUIRE_SERVER();
  ASSERT_TRUE(api_);
  const std::string alice_token = Join("alice");
  const std::string bob_token = Join("bob");
  const std::string carol_token = Join("carol");
  auto alice = Login("alice", "phone");
  std::vector<int64_t> groups;
  std::vector<std::string> files;
  std::set<int> shards;
  for (int g = 0; g < 9; ++g) {
    const int64_t group = alice->CreateGroup("team " + std::to_string(g), {"bob"});
    ASSERT_GT(group, 0);
    groups.push_back(group);
    shards.insert(ShardOf(group));
    const std::string data = "notes of group " + std::to_string(g) + "\n";
    files.push_back(Upload(alice_token, "notes.txt", data));
    auto sent = alice->Request(Op::kSend, group,
                               {{"client_msg_id", "m" + std::to_string(g)},
                                {"text", "see attached"},
                                {"attachments", {files.back()}}});
    ASSERT_TRUE(sent.ok()) << "group on shard " << ShardOf(group) << ": " << sent.Describe();
    auto page = alice->Request(Op::kHistory, group, json::object());
    ASSERT_TRUE(page.ok()) << page.Describe();
    ASSERT_EQ((*page.body)["messages"].size(), 1u);
    EXPECT_EQ((*page.body)["messages"][0]["attachments"][0]["name"], "notes.txt");
  }
  EXPECT_GE(shards.size(), 2u) << "9 groups on 3 shards";
  EXPECT_EQ(shards.count(-1), 0u) << "a group in the global database";

  for (size_t g = 0; g < groups.size(); ++g) {
    auto got = Download(bob_token, files[g]);
    EXPECT_EQ(got.first, 200) << "group " << g << " on shard " << ShardOf(groups[g]);
    EXPECT_EQ(got.second, "notes of group " + std::to_string(g) + "\n");
    EXPECT_EQ(Download(carol_token, files[g]).first, 404) << "an outsider, group " << g;
    EXPECT_EQ(RowsOn(ShardOf(groups[g]), "message_attachments", groups[g]), 1);
  }
  // The upload's global row is marked referenced: the API's sweep keeps its blob.
  EXPECT_EQ(QueryPgInt(server_->store_config().pg_conninfo,
                       "SELECT count(*) FROM attachments WHERE referenced_at_ms = 0"),
            0);

  // One shard down: the others' attachments still download.
  const int down = ShardOf(groups[0]);
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(down)]->Kill().ok());
  for (size_t g = 0; g < groups.size(); ++g) {
    if (ShardOf(groups[g]) == down) continue;
    EXPECT_EQ(Download(bob_token, files[g]).first, 200) << "group " << g;
  }
  const int status = Download(carol_token, files[0]).first;
  EXPECT_TRUE(status == 503 || status == 404) << status;
  ASSERT_TRUE(PgShardClusters()[static_cast<size_t>(down)]->Start().ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsAttachmentsTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
