// The message events of issue 16 over a real broker with the plugin, on SQLite and PostgreSQL:
// edit, delete for everyone, react/unreact and replies take seqs like messages, are delivered
// live and caught up by sync in order exactly once, are refused with clear codes, are
// idempotent by client_msg_id, leave deleted text nowhere in the database, and `history` shows
// messages as they are now. Reactions through two brokers sharing PostgreSQL aggregate.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "sqlite/sqlite_helpers.h"
#include "store/pg/pg_handles.h"
#include "support/chat_fixture.h"
#include "support/shared_brokers.h"

namespace mqchat::test {
namespace {

using protocol::Op;
using nlohmann::json;

const std::string kThumbs = "\xF0\x9F\x91\x8D";  // U+1F44D

class EventsTest : public ChatFixture {
 protected:
  // Opens alice's direct conversation with bob (alice logged in).
  void SetUpConversation() {
    Register({"alice", "bob"});
    alice_ = Login("alice", "phone");
    conv_ = alice_->OpenDirect("bob");
    ASSERT_GT(conv_, 0);
  }
  ChatResponse Edit(ChatTestClient& c, int64_t seq, const std::string& text,
                    const std::string& id) {
    return c.Request(Op::kEdit, conv_, {{"client_msg_id", id}, {"seq", seq}, {"text", text}});
  }
  ChatResponse Delete(ChatTestClient& c, int64_t seq, const std::string& id) {
    return c.Request(Op::kDelete, conv_, {{"client_msg_id", id}, {"seq", seq}});
  }
  ChatResponse React(ChatTestClient& c, int64_t seq, const std::string& emoji,
                     const std::string& id, bool remove = false) {
    return c.Request(Op::kReact, conv_,
                     {{"client_msg_id", id}, {"seq", seq}, {"emoji", emoji}, {"remove", remove}});
  }
  static int64_t SeqOf(const ChatResponse& r) { return r.ok() ? (*r.body)["seq"].get<int64_t>() : 0; }

  // Rows of `messages` (and push previews) whose text contains `needle`, read straight from
  // the store's database, outside the broker.
  int64_t RowsContaining(const std::string& needle) {
    const std::string sql = "SELECT (SELECT count(*) FROM messages WHERE body LIKE '%" + needle +
                            "%') + (SELECT count(*) FROM push_jobs WHERE preview_text LIKE '%" +
                            needle + "%')";
    const store::StoreConfig& cfg = server_->store_config();
    if (cfg.backend == store::Backend::kSqlite) {
      auto db = OpenSqlite(cfg.sqlite_path);
      EXPECT_TRUE(db.ok());
      auto stmt = PrepareSqlite(db->get(), sql);
      EXPECT_TRUE(stmt.ok());
      auto row = StepSqlite(stmt->get());
      EXPECT_TRUE(row.ok() && *row);
      return ColumnInt64(stmt->get(), 0);
    }
    auto conn = store::ConnectPg(cfg.pg_conninfo);
    EXPECT_TRUE(conn.ok());
    auto res = store::ExecPgSql(conn->get(), sql.c_str());
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    auto count = store::PgInt64(res->get(), 0, 0);
    return count.ok() ? *count : -1;
  }

  std::unique_ptr<ChatTestClient> alice_;
  int64_t conv_ = 0;
};

TEST_P(EventsTest, AnOfflineDevicesSyncBringsEveryEventInOrderExactlyOnce) {
  MQCHAT_REQUIRE_SERVER();
  SetUpConversation();
  auto bob_live = Login("bob", "tablet");  // online: gets the events live
  ASSERT_EQ(SeqOf(alice_->Send(conv_, "helo", "m1")), 1);
  ASSERT_EQ(SeqOf(alice_->Send(conv_, "oops", "m2")), 2);
  ASSERT_EQ(SeqOf(Edit(*alice_, 1, "hello", "e1")), 3);
  ASSERT_EQ(SeqOf(React(*bob_live, 1, kThumbs, "r1")), 4);
  ASSERT_EQ(SeqOf(Delete(*alice_, 2, "d1")), 5);
  auto reply = alice_->Request(
      Op::kSend, conv_, {{"client_msg_id", "m3"}, {"text", "see above"}, {"reply_to", 1}});
  ASSERT_EQ(SeqOf(reply), 6) << reply.Describe();

  auto live = bob_live->WaitMessages(conv_, 5);  // his own reaction came back in its ack
  ASSERT_EQ(live.size(), 5u);
  EXPECT_EQ(live[2]["kind"], "edit");
  EXPECT_EQ(live[2]["target_seq"], 1);
  EXPECT_EQ(live[2]["text"], "hello");
  EXPECT_EQ(live[3]["kind"], "delete");
  EXPECT_FALSE(live[0].contains("kind")) << "a message is shaped as before";

  // bob's phone was offline throughout: a sync from 0 brings all six, once each, in order.
  auto phone = Login("bob", "phone");
  auto sync = phone->Request(Op::kSync, 0, {{"cursors", json::object()}});
  ASSERT_TRUE(sync.ok()) << sync.Describe();
  const json* entry = nullptr;
  for (const auto& c : (*sync.body)["conversations"]) {
    if (JsonId(c["conversation_id"]) == conv_) entry = &c;
  }
  ASSERT_NE(entry, nullptr);
  const json& msgs = (*entry)["messages"];
  ASSERT_EQ(msgs.size(), 6u);
  for (size_t i = 0; i < msgs.size(); ++i) EXPECT_EQ(msgs[i]["seq"], i + 1);
  EXPECT_EQ(msgs[0]["text"], "hello");  // the message as it is now
  EXPECT_GT(msgs[0]["edited_at_ms"].get<int64_t>(), 0);
  EXPECT_EQ(msgs[1]["text"], "");
  EXPECT_EQ(msgs[1]["deleted"], true);
  EXPECT_EQ(msgs[2]["kind"], "edit");
  EXPECT_EQ(msgs[3]["kind"], "react");
  EXPECT_EQ(msgs[3]["text"], kThumbs);
  EXPECT_EQ(msgs[4]["kind"], "delete");
  EXPECT_EQ(msgs[5]["reply_to"], 1);
  auto again = phone->Request(Op::kSync, 0,
                              {{"cursors", {{std::to_string(conv_), 6}}}});
  ASSERT_TRUE(again.ok());
  for (const auto& c : (*again.body)["conversations"]) {
    EXPECT_NE(JsonId(c["conversation_id"]), conv_) << "nothing after seq 6";
  }
}

TEST_P(EventsTest, HistoryShowsMessagesAsTheyAreNow) {
  MQCHAT_REQUIRE_SERVER();
  SetUpConversation();
  auto bob = Login("bob");
  alice_->Send(conv_, "first", "m1");
  alice_->Send(conv_, "second", "m2");
  ASSERT_TRUE(Edit(*alice_, 1, "first!", "e1").ok());
  ASSERT_TRUE(React(*alice_, 1, kThumbs, "r1").ok());
  ASSERT_TRUE(React(*bob, 1, kThumbs, "r2").ok());
  ASSERT_TRUE(bob->Request(Op::kSend, conv_,
                           {{"client_msg_id", "b1"}, {"text", "re"}, {"reply_to", 2}})
                  .ok());
  ASSERT_TRUE(Delete(*alice_, 2, "d1").ok());
  auto page = bob->Request(Op::kHistory, conv_, {{"limit", 10}});
  ASSERT_TRUE(page.ok()) << page.Describe();
  const json& msgs = (*page.body)["messages"];
  ASSERT_EQ(msgs.size(), 3u) << "messages only: " << msgs.dump();
  EXPECT_EQ(msgs[0]["text"], "first!");
  EXPECT_GT(msgs[0]["edited_at_ms"].get<int64_t>(), 0);
  ASSERT_EQ(msgs[0]["reactions"].size(), 1u);
  EXPECT_EQ(msgs[0]["reactions"][0]["emoji"], kThumbs);
  EXPECT_EQ(msgs[0]["reactions"][0]["count"], 2);
  EXPECT_EQ(msgs[0]["reactions"][0]["mine"], true);
  EXPECT_EQ(msgs[1]["seq"], 2);
  EXPECT_EQ(msgs[1]["deleted"], true);
  EXPECT_EQ(msgs[1]["text"], "");
  EXPECT_EQ(msgs[2]["reply"]["seq"], 2);
  EXPECT_EQ(msgs[2]["reply"]["sender"], "alice");
  EXPECT_EQ(msgs[2]["reply"]["deleted"], true);
  // Reactions and edits are not unread: bob read up to his reply (his own send), nothing more.
  auto list = bob->Request(Op::kConversations, 0, json::object());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list.body)["conversations"][0]["unread"], 0);
}

TEST_P(EventsTest, DeletedTextIsGoneFromTheDatabase) {
  MQCHAT_REQUIRE_SERVER();
  SetUpConversation();
  ASSERT_TRUE(alice_->Send(conv_, "okapi-secret", "m1").ok());
  ASSERT_TRUE(Edit(*alice_, 1, "okapi-secret, edited", "e1").ok());
  ASSERT_GT(RowsContaining("okapi-secret"), 0);
  ASSERT_TRUE(Delete(*alice_, 1, "d1").ok());
  EXPECT_EQ(RowsContaining("okapi-secret"), 0);
}

TEST_P(EventsTest, RefusalsHaveClearCodes) {
  MQCHAT_REQUIRE_SERVER();
  SetUpConversation();
  auto bob = Login("bob");
  alice_->Send(conv_, "alice's", "m1");
  EXPECT_EQ(Edit(*bob, 1, "mine now", "x1").error_code(), "NOT_AUTHOR");
  EXPECT_EQ(Delete(*bob, 1, "x2").error_code(), "NOT_AUTHOR");
  EXPECT_EQ(Edit(*alice_, 42, "?", "x3").error_code(), "UNKNOWN_MESSAGE");
  EXPECT_EQ(React(*bob, 1, "ab", "x4").error_code(), "BAD_EMOJI");
  EXPECT_EQ(React(*bob, 1, " ", "x5").error_code(), "BAD_EMOJI");
  EXPECT_EQ(React(*bob, 1, kThumbs, "x6", /*remove=*/true).error_code(), "NO_CHANGE");
  ASSERT_TRUE(Delete(*alice_, 1, "d1").ok());
  EXPECT_EQ(Edit(*alice_, 1, "back", "x7").error_code(), "MESSAGE_DELETED");
  EXPECT_EQ(React(*bob, 1, kThumbs, "x8").error_code(), "MESSAGE_DELETED");
  EXPECT_EQ(SeqOf(alice_->Send(conv_, "next", "m2")), 3) << "refusals take no seq";
}

TEST_P(EventsTest, ResendsOfEveryKindAreIdempotent) {
  MQCHAT_REQUIRE_SERVER();
  SetUpConversation();
  alice_->Send(conv_, "x", "m1");
  const std::vector<std::function<ChatResponse()>> kinds = {
      [&] { return Edit(*alice_, 1, "y", "e1"); },
      [&] { return React(*alice_, 1, kThumbs, "r1"); },
      [&] { return React(*alice_, 1, kThumbs, "r2", /*remove=*/true); },
      [&] { return Delete(*alice_, 1, "d1"); },
  };
  for (size_t i = 0; i < kinds.size(); ++i) {
    auto first = kinds[i]();
    ASSERT_TRUE(first.ok()) << i << " " << first.Describe();
    auto again = kinds[i]();
    ASSERT_TRUE(again.ok()) << i << " " << again.Describe();
    EXPECT_EQ((*again.body)["duplicate"], true) << i;
    EXPECT_EQ((*again.body)["seq"], (*first.body)["seq"]) << i;
    EXPECT_EQ((*again.body)["op"], (*first.body)["op"]) << i;
  }
}

MQCHAT_INSTANTIATE_FOR_STORES(EventsTest);

// Edits outside the window: a one-second window, and edits retried (each a new client_msg_id)
// until the window has passed, bounded by a deadline.
class EditWindowTest : public EventsTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"edit_window_s", "1"}};
  }
};

TEST_P(EditWindowTest, AnEditAfterTheWindowIsRefused) {
  MQCHAT_REQUIRE_SERVER();
  SetUpConversation();
  ASSERT_TRUE(alice_->Send(conv_, "soon old", "m1").ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string code;
  for (int i = 0; code != "EDIT_WINDOW_CLOSED" && std::chrono::steady_clock::now() < deadline;
       ++i) {
    auto r = Edit(*alice_, 1, "edit " + std::to_string(i), "e" + std::to_string(i));
    code = r.ok() ? "" : r.error_code();
    ASSERT_TRUE(code.empty() || code == "EDIT_WINDOW_CLOSED") << r.Describe();
  }
  EXPECT_EQ(code, "EDIT_WINDOW_CLOSED");
}

MQCHAT_INSTANTIATE_FOR_STORES(EditWindowTest);

// Two brokers sharing one PostgreSQL: reactions through either count once each.
class SharedReactionsTest : public SharedBrokersTest {};

TEST_F(SharedReactionsTest, ReactionsThroughTwoBrokersAggregate) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto alice = Login(0, "alice");
  auto bob = Login(1, "bob");
  auto carol = Login(1, "carol");
  const int64_t group = alice->CreateGroup("g", {"bob", "carol"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(alice->Send(group, "react here", "m1").ok());
  auto react = [&](ChatTestClient& c, const std::string& emoji, const std::string& id) {
    return c.Request(Op::kReact, group,
                     {{"client_msg_id", id}, {"seq", 1}, {"emoji", emoji}});
  };
  ASSERT_TRUE(react(*alice, kThumbs, "a1").ok());
  ASSERT_TRUE(react(*bob, kThumbs, "b1").ok());
  ASSERT_TRUE(react(*carol, kThumbs, "c1").ok());
  EXPECT_EQ(react(*bob, kThumbs, "b2").error_code(), "NO_CHANGE");
  ASSERT_TRUE(react(*carol, "\xE2\x9D\xA4", "c2").ok());
  for (auto* reader : {alice.get(), bob.get()}) {
    auto page = reader->Request(Op::kHistory, group, {{"limit", 10}});
    ASSERT_TRUE(page.ok()) << page.Describe();
    const json& reactions = (*page.body)["messages"][0]["reactions"];
    ASSERT_EQ(reactions.size(), 2u) << reactions.dump();
    std::set<std::string> emojis;
    for (const auto& r : reactions) {
      emojis.insert(r["emoji"].get<std::string>());
      if (r["emoji"] == kThumbs) {
        EXPECT_EQ(r["count"], 3);
        EXPECT_EQ(r["mine"], true);
      } else {
        EXPECT_EQ(r["count"], 1);
        EXPECT_EQ(r["mine"], false);
      }
    }
    EXPECT_EQ(emojis.size(), 2u);
  }
}

}  // namespace
}  // namespace mqchat::test
