// Attachments carried by messages (docs/PROTOCOL.md, "Attachments"; migrations 020 and 022),
// on SQLite and PostgreSQL: files uploaded through the real mqchat-api, sent by id through the
// real broker. The recipient gets their metadata live, in history, in sync and in the
// conversation list, and a download URL from the API; a non-member gets the answer a guessed
// id gets. A send naming ids that are not the sender's finished uploads (or malformed lists) is
// INVALID and stores nothing; a resend is still a duplicate; a message deleted for everyone
// stops making its attachments readable to the other members. Search hits carry them as history
// does. In a text channel (issue 18) whoever may view the channel downloads them, by the same
// permission resolution as the broker's; a server member without view permission and an
// outsider get 404.
#include <gtest/gtest.h>
#include <png.h>

#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/community.h"
#include "protocol/ops.h"
#include "support/attachment_api.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

// A `width` x `height` grey RGB PNG.
std::string Png(int width, int height) {
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3, 0x80);
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr));
  std::string out(size, '\0');
  EXPECT_TRUE(png_image_write_to_memory(&image, &out[0], &size, 0, pixels.data(), 0, nullptr));
  out.resize(size);
  return out;
}

class AttachmentsTest : public ChatFixture {
 protected:
  void SetUp() override {
    ChatFixture::SetUp();
    if (!server_) return;
    dir_ = std::make_unique<TempDir>("mqchat-attach");
    api_ = StartAttachmentApi(server_->store_config(), *dir_);
    ASSERT_TRUE(api_);
  }

  // Signs `user` up through the API: their API access token.
  std::string Join(const std::string& user) { return JoinApi(*api_, user); }
  // Declares an upload of `data` (sending none of it): its id.
  std::string Declare(const std::string& token, const std::string& name, size_t size) {
    return DeclareUpload(*api_, token, name, size);
  }
  // Uploads `data` in one chunk and finishes it: the attachment's id.
  std::string Upload(const std::string& token, const std::string& name, const std::string& data) {
    return UploadFile(*api_, token, name, data);
  }
  ApiReply Attachment(const std::string& token, const std::string& id) {
    return api_->Call("GET", "/v1/attachments/" + id, token);
  }
  static ChatResponse SendWith(ChatTestClient& c, int64_t conv, const std::string& text,
                               const json& attachments, const std::string& id) {
    return c.Request(Op::kSend, conv,
                     {{"client_msg_id", id}, {"text", text}, {"attachments", attachments}});
  }
  static int64_t SeqOf(const ChatResponse& r) {
    return r.ok() ? (*r.body)["seq"].get<int64_t>() : 0;
  }
  // The messages of `conv` in a sync from nothing.
  static json Synced(ChatTestClient& c, int64_t conv) {
    auto sync = c.Request(Op::kSync, 0, {{"cursors", json::object()}});
    EXPECT_TRUE(sync.ok()) << sync.Describe();
    if (!sync.ok()) return json();
    for (const auto& entry : (*sync.body)["conversations"]) {
      if (JsonId(entry["conversation_id"]) == conv) return entry["messages"];
    }
    return json();
  }

  // alice (owner) and bob in a group; carol signed up but not in it.
  void SetUpGroup() {
    alice_token_ = Join("alice");
    bob_token_ = Join("bob");
    carol_token_ = Join("carol");
    alice_ = Login("alice", "phone");
    bob_ = Login("bob", "phone");
    group_ = alice_->CreateGroup("team", {"bob"});
    ASSERT_GT(group_, 0);
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ApiProcess> api_;
  std::string alice_token_, bob_token_, carol_token_;
  std::unique_ptr<ChatTestClient> alice_, bob_;
  int64_t group_ = 0;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(AttachmentsTest, RecipientSeesThemEverywhereAndMembersAloneDownload) {
  REQUIRE_SERVERS();
  SetUpGroup();
  const std::string png = Png(64, 40);
  const std::string picture = Upload(alice_token_, "beach.png", png);
  const std::string notes = Upload(alice_token_, "notes.txt", "plain words\n");
  EXPECT_EQ(Attachment(bob_token_, picture).status, 404) << "not sent yet";

  // A message of attachments only.
  auto sent = SendWith(*alice_, group_, "", {picture, notes}, "m1");
  ASSERT_EQ(SeqOf(sent), 1) << sent.Describe();
  const json expected = json::array(
      {{{"id", picture}, {"name", "beach.png"}, {"content_type", "image/png"},
        {"size", png.size()}, {"width", 64}, {"height", 40}, {"thumbnail", true}},
       {{"id", notes}, {"name", "notes.txt"}, {"content_type", "text/plain"},
        {"size", 12}, {"width", 0}, {"height", 0}, {"thumbnail", false}}});
  auto live = bob_->WaitMessages(group_, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0]["text"], "");
  EXPECT_EQ(live[0]["attachments"], expected) << live[0].dump();

  auto history = bob_->Request(Op::kHistory, group_, json::object());
  ASSERT_TRUE(history.ok()) << history.Describe();
  ASSERT_EQ((*history.body)["messages"].size(), 1u);
  EXPECT_EQ((*history.body)["messages"][0]["attachments"], expected);
  auto tablet = Login("bob", "tablet");
  const json synced = Synced(*tablet, group_);
  ASSERT_EQ(synced.size(), 1u) << synced.dump();
  EXPECT_EQ(synced[0]["attachments"], expected);
  auto list = bob_->Request(Op::kConversations, 0, json::object());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list.body)["conversations"][0]["last_message"]["attachments"], expected);

  // A plain message carries no field.
  ASSERT_EQ(SeqOf(alice_->Send(group_, "words", "m2")), 2);
  auto plain = bob_->WaitMessages(group_, 1);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_FALSE(plain[0].contains("attachments"));
  // A resend is the original's duplicate.
  auto again = SendWith(*alice_, group_, "", {picture, notes}, "m1");
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["duplicate"], true);
  EXPECT_EQ((*again.body)["seq"], 1);

  // bob, a member, gets URLs and the bytes; carol, who is not, gets what a guessed id gets.
  auto for_bob = Attachment(bob_token_, picture);
  ASSERT_EQ(for_bob.status, 200) << for_bob.body;
  auto bytes = api_->Get(for_bob.json["url"]);
  ASSERT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, png);
  auto for_carol = Attachment(carol_token_, picture);
  auto guessed = Attachment(carol_token_, std::string(32, 'a'));
  EXPECT_EQ(for_carol.status, 404) << for_carol.body;
  EXPECT_EQ(for_carol.status, guessed.status);
  EXPECT_EQ(for_carol.body, guessed.body) << "no sign that the id exists";
}

TEST_P(AttachmentsTest, BadListsAndOthersOrUnfinishedUploadsAreInvalidAndStoreNothing) {
  REQUIRE_SERVERS();
  SetUpGroup();
  const std::string mine = Upload(alice_token_, "a.txt", "mine\n");
  const std::string bobs = Upload(bob_token_, "b.txt", "bob's\n");
  const std::string unfinished = Declare(alice_token_, "c.txt", 100);
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(Upload(alice_token_, "f.txt", "file\n"));

  const std::vector<std::pair<std::string, json>> attacks = {
      {"non-string id", json::array({123})},
      {"not an array", json(mine)},
      {"eleven ids", json(eleven)},
      {"an id twice", json::array({mine, mine})},
      {"another's upload", json::array({mine, bobs})},
      {"an unfinished upload", json::array({unfinished})},
      {"a guessed id", json::array({std::string(32, 'e')})},
      {"not an id", json::array({"../../etc/passwd"})},
  };
  int n = 0;
  for (const auto& [what, list] : attacks) {
    auto r = SendWith(*alice_, group_, "look", list, "x" + std::to_string(++n));
    EXPECT_EQ(r.error_code(), "INVALID") << what << ": " << r.Describe();
  }
  // Nothing was stored: the next message takes seq 1, and bob's file stays his.
  ASSERT_EQ(SeqOf(SendWith(*alice_, group_, "ok", {mine}, "ok")), 1);
  EXPECT_EQ(Attachment(alice_token_, bobs).status, 404);
  EXPECT_EQ(Attachment(bob_token_, mine).status, 200);
  // Ten is the limit, and text may be empty only with attachments.
  eleven.pop_back();
  ASSERT_EQ(SeqOf(SendWith(*alice_, group_, "", eleven, "ten")), 2);
  auto empty = alice_->Request(Op::kSend, group_, {{"client_msg_id", "e"}, {"text", ""}});
  EXPECT_EQ(empty.error_code(), "EMPTY_TEXT");
}

TEST_P(AttachmentsTest, DeletingTheMessageEndsOtherMembersAccess) {
  REQUIRE_SERVERS();
  SetUpGroup();
  const std::string picture = Upload(alice_token_, "p.png", Png(8, 8));
  ASSERT_EQ(SeqOf(SendWith(*alice_, group_, "see", {picture}, "m1")), 1);
  ASSERT_EQ(Attachment(bob_token_, picture).status, 200);
  auto deleted = alice_->Request(Op::kDelete, group_, {{"client_msg_id", "d1"}, {"seq", 1}});
  ASSERT_TRUE(deleted.ok()) << deleted.Describe();
  EXPECT_EQ(Attachment(bob_token_, picture).status, 404);
  auto history = bob_->Request(Op::kHistory, group_, json::object());
  ASSERT_TRUE(history.ok());
  const json& tombstone = (*history.body)["messages"][0];
  EXPECT_EQ(tombstone["deleted"], true);
  EXPECT_FALSE(tombstone.contains("attachments")) << tombstone.dump();
  EXPECT_EQ(Attachment(alice_token_, picture).status, 200) << "the uploader until the sweep";
}

TEST_P(AttachmentsTest, SearchHitsCarryTheirAttachments) {
  REQUIRE_SERVERS();
  SetUpGroup();
  const std::string png = Png(48, 32);
  const std::string picture = Upload(alice_token_, "beach.png", png);
  ASSERT_EQ(SeqOf(SendWith(*alice_, group_, "sunset at the beach", {picture}, "m1")), 1);
  ASSERT_EQ(SeqOf(alice_->Send(group_, "beach volleyball later", "m2")), 2);
  json results;
  WaitFor(
      [&] {  // the indexer runs after the ack
        auto r = bob_->Request(Op::kSearch, 0, {{"query", "beach"}});
        EXPECT_TRUE(r.ok()) << r.Describe();
        if (r.ok()) results = (*r.body)["results"];
        return results.is_array() && results.size() == 2;
      },
      std::chrono::milliseconds(15000), "both messages indexed");
  ASSERT_EQ(results.size(), 2u) << results.dump();
  // Newest first: the plain message has no field, the picture's carries it as history does.
  EXPECT_FALSE(results[0]["message"].contains("attachments")) << results[0].dump();
  const json expected = json::array(
      {{{"id", picture}, {"name", "beach.png"}, {"content_type", "image/png"},
        {"size", png.size()}, {"width", 48}, {"height", 32}, {"thumbnail", true}}});
  EXPECT_EQ(results[1]["message"]["attachments"], expected) << results[1].dump();
  auto history = bob_->Request(Op::kHistory, group_, json::object());
  ASSERT_TRUE(history.ok()) << history.Describe();
  EXPECT_EQ((*history.body)["messages"][0]["attachments"], results[1]["message"]["attachments"]);
}

TEST_P(AttachmentsTest, ChannelReadersDownloadAndOthersGetWhatAGuessGets) {
  REQUIRE_SERVERS();
  SetUpGroup();  // alice, bob (both connected); carol signed up
  const std::string dave_token = Join("dave");
  auto carol = Login("carol", "phone");
  int next = 0;
  auto op = [&next](ChatTestClient& c, protocol::CommunityOp o, json body) {
    const std::string req_id = "c" + std::to_string(++next);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CommunityRequestTopic(o), body.dump(), req_id);
  };
  // alice's server; bob and carol join. "staff": @everyone denied view, the role "staff"
  // (bob's) allowed it; carol is a member without view permission, dave an outsider.
  auto made = op(*alice_, protocol::CommunityOp::kServerCreate, {{"name", "Guild"}});
  ASSERT_TRUE(made.ok()) << made.Describe();
  const std::string server = (*made.body)["server"]["server_id"];
  const std::string everyone = (*made.body)["server"]["everyone_role_id"];
  auto invite = op(*alice_, protocol::CommunityOp::kInviteCreate, {{"server_id", server}});
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  for (ChatTestClient* c : {bob_.get(), carol.get()}) {
    auto joined = op(*c, protocol::CommunityOp::kInviteJoin,
                     {{"code", (*invite.body)["invite"]["code"]}});
    ASSERT_TRUE(joined.ok()) << joined.Describe();
  }
  auto staff = op(*alice_, protocol::CommunityOp::kChannelCreate,
                  {{"server_id", server}, {"name", "staff"}});
  ASSERT_TRUE(staff.ok()) << staff.Describe();
  const std::string staff_id = (*staff.body)["channel"]["channel_id"];
  auto role = op(*alice_, protocol::CommunityOp::kRoleCreate,
                 {{"server_id", server}, {"name", "staff"}, {"permissions", 0}});
  ASSERT_TRUE(role.ok()) << role.Describe();
  const std::string role_id = (*role.body)["role"]["role_id"];
  ASSERT_TRUE(op(*alice_, protocol::CommunityOp::kOverrideSet,
                 {{"channel_id", staff_id}, {"role_id", everyone}, {"deny", 1}})
                  .ok());
  ASSERT_TRUE(op(*alice_, protocol::CommunityOp::kOverrideSet,
                 {{"channel_id", staff_id}, {"role_id", role_id}, {"allow", 1}})
                  .ok());
  ASSERT_TRUE(
      op(*alice_, protocol::CommunityOp::kRoleAssign, {{"role_id", role_id}, {"user", "bob"}})
          .ok());

  const std::string picture = Upload(alice_token_, "plan.png", Png(16, 16));
  const int64_t channel = std::stoll(staff_id);
  ASSERT_EQ(SeqOf(SendWith(*alice_, channel, "the plan", {picture}, "s1")), 1);
  auto for_bob = Attachment(bob_token_, picture);
  ASSERT_EQ(for_bob.status, 200) << for_bob.body;
  auto bytes = api_->Get(for_bob.json["url"]);
  EXPECT_EQ(bytes.status, 200);
  const auto guessed = Attachment(dave_token, std::string(32, 'a'));
  for (const std::string& token : {carol_token_, dave_token}) {
    auto refused = Attachment(token, picture);
    EXPECT_EQ(refused.status, 404) << refused.body;
    EXPECT_EQ(refused.body, guessed.body) << "no sign that the id exists";
  }
  // bob's view taken away: his URL stops working and he is refused too.
  ASSERT_TRUE(
      op(*alice_, protocol::CommunityOp::kRoleUnassign, {{"role_id", role_id}, {"user", "bob"}})
          .ok());
  EXPECT_EQ(Attachment(bob_token_, picture).status, 404);
  EXPECT_EQ(api_->Get(for_bob.json["url"]).status, 403);
}

MQCHAT_INSTANTIATE_FOR_STORES(AttachmentsTest);

}  // namespace
}  // namespace mqchat::test
