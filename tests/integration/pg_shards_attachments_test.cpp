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
#include "support/wait_for.h"

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
    // A sweep every 200 ms; a release waits a second after the upload's last send.
    api_ = StartAttachmentApi(server_->store_config(), *dir_,
                              {{"pg_shards", shards_option_},
                               {"upload_sweep_ms", "200"},
                               {"upload_release_grace_ms", "1000"}});
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
  // The global database's referenced mark of upload `id` (what the API's sweep reads).
  int64_t GlobalMark(const std::string& id) {
    return QueryPgInt(server_->store_config().pg_conninfo,
                      "SELECT referenced_at_ms FROM attachments WHERE id = '" + id + "'");
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

// A message on a shard deleted for everyone releases its uploads there, in its transaction; the
// API's sweep reconciles the global rows from the shards (the release is never lost between the
// two commits: the shard keeps it until the global row has it), so the blob is swept. An upload
// another message (on another shard) still carries stays referenced until that one goes too.
TEST_P(PgShardsAttachmentsTest, ADeletedMessageOnAShardReleasesItsUploadsForTheSweep) {
  MQCHAT_REQUIRE_SERVER();
  ASSERT_TRUE(api_);
  const std::string alice_token = Join("alice");
  const std::string bob_token = Join("bob");
  auto alice = Login("alice", "phone");
  // Two groups on two different shards.
  std::vector<int64_t> groups;
  for (int g = 0; g < 12 && groups.size() < 2; ++g) {
    const int64_t group = alice->CreateGroup("team " + std::to_string(g), {"bob"});
    ASSERT_GT(group, 0);
    const int shard = ShardOf(group);
    if (shard >= 0 && (groups.empty() || ShardOf(groups[0]) != shard)) groups.push_back(group);
  }
  ASSERT_EQ(groups.size(), 2u) << "no two groups on two shards";
  const std::string only = Upload(alice_token, "only.txt", "in one message\n");
  const std::string shared = Upload(alice_token, "shared.txt", "in two messages\n");
  auto first = alice->Request(
      Op::kSend, groups[0],
      {{"client_msg_id", "a1"}, {"text", "two files"}, {"attachments", {only, shared}}});
  ASSERT_TRUE(first.ok()) << first.Describe();
  auto second =
      alice->Request(Op::kSend, groups[1],
                     {{"client_msg_id", "b1"}, {"text", "one file"}, {"attachments", {shared}}});
  ASSERT_TRUE(second.ok()) << second.Describe();
  ASSERT_GT(GlobalMark(only), 0);
  ASSERT_GT(GlobalMark(shared), 0);

  auto deleted = alice->Request(Op::kDelete, groups[0], {{"client_msg_id", "d1"}, {"seq", 1}});
  ASSERT_TRUE(deleted.ok()) << deleted.Describe();
  EXPECT_TRUE(WaitFor([&] { return GlobalMark(only) == 0; }, std::chrono::seconds(60),
                      "the deleted message's upload released in the global database"));
  EXPECT_EQ(Download(bob_token, only).first, 404);
  // The other shard's message still carries the shared one.
  EXPECT_GT(GlobalMark(shared), 0);
  EXPECT_EQ(Download(bob_token, shared).first, 200);

  auto gone = alice->Request(Op::kDelete, groups[1], {{"client_msg_id", "d2"}, {"seq", 1}});
  ASSERT_TRUE(gone.ok()) << gone.Describe();
  EXPECT_TRUE(WaitFor([&] { return GlobalMark(shared) == 0; }, std::chrono::seconds(60),
                      "the upload released once no message carries it"));
}

// The release waits on the shard for whoever reconciles it: a deletion while no API service
// runs (as if it crashed between the shard's commit and the global update) is released once one
// runs again.
TEST_P(PgShardsAttachmentsTest, AReleaseMadeWhileNoApiRunsIsNotLost) {
  MQCHAT_REQUIRE_SERVER();
  ASSERT_TRUE(api_);
  const std::string alice_token = Join("alice");
  Join("bob");
  auto alice = Login("alice", "phone");
  const int64_t group = alice->CreateGroup("team", {"bob"});
  ASSERT_GT(group, 0);
  ASSERT_GE(ShardOf(group), 0);
  const std::string file = Upload(alice_token, "notes.txt", "notes\n");
  auto sent =
      alice->Request(Op::kSend, group,
                     {{"client_msg_id", "a1"}, {"text", "see attached"}, {"attachments", {file}}});
  ASSERT_TRUE(sent.ok()) << sent.Describe();
  api_->Stop();
  auto deleted = alice->Request(Op::kDelete, group, {{"client_msg_id", "d1"}, {"seq", 1}});
  ASSERT_TRUE(deleted.ok()) << deleted.Describe();
  EXPECT_GT(GlobalMark(file), 0) << "released with no API service running";
  ASSERT_TRUE(api_->Start());
  EXPECT_TRUE(WaitFor([&] { return GlobalMark(file) == 0; }, std::chrono::seconds(60),
                      "the release made while no API ran"));
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsAttachmentsTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
