// Search in text channels (issues 17 and 18; docs/PROTOCOL.md "search"), over a real broker on
// SQLite and PostgreSQL: a server member finds the messages of the channels they may view now,
// over all their conversations and in one channel (marked `"kind":"channel"` with the
// channel's name and its server's id and name); a private channel (view denied to @everyone), a
// channel whose view was just taken from the member by an override, and every channel for an
// outsider are not searched (NOT_MEMBER when named); an edit is found by its new text only and a
// deleted message is not found. Messages are indexed after their ack, so a first search polls
// with a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/guild_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::CommunityOp;
using protocol::Op;

constexpr std::chrono::milliseconds kIndexDeadline{15000};

class ChannelSearchTest : public GuildFixture {
 protected:
  static ChatResponse Search(ChatTestClient& c, json body) {
    return c.Request(Op::kSearch, 0, std::move(body));
  }
  static json Results(const ChatResponse& r) {
    if (!r.ok()) {
      ADD_FAILURE() << r.Describe();
      return json::array();
    }
    return (*r.body)["results"];
  }
  static std::set<std::string> Texts(const json& results) {
    std::set<std::string> out;
    for (const auto& r : results) out.insert(r["message"]["text"].get<std::string>());
    return out;
  }
  // Searches until the results' texts are `want` (the indexer runs after the ack); returns
  // the last results.
  static json SearchUntil(ChatTestClient& c, const json& body, const std::set<std::string>& want) {
    json last = json::array();
    WaitFor(
        [&] {
          last = Results(Search(c, body));
          return Texts(last) == want;
        },
        kIndexDeadline, c.user() + " searching " + body.dump());
    return last;
  }
};

TEST_P(ChannelSearchTest, MembersFindWhatTheyMayViewNow) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "eve"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto eve = Login("eve");  // in no server
  Guild(*olga, {bob.get()});
  const int64_t staff = MakeChannel(*olga, "staff");
  HideFromEveryone(*olga, staff);
  const int64_t random = MakeChannel(*olga, "random");
  ASSERT_TRUE(olga->Send(general_, "the quarterly budget meeting", "g1").ok());
  ASSERT_TRUE(olga->Send(staff, "budget cuts for staff only", "s1").ok());
  Barrier(*bob);  // his access, reloaded after the channels were made
  auto party = bob->Send(random, "budget for the party", "r1");
  ASSERT_TRUE(party.ok()) << party.Describe();

  // The owner views all three: once she finds them, all are indexed.
  SearchUntil(
      *olga, {{"query", "budget"}},
      {"the quarterly budget meeting", "budget cuts for staff only", "budget for the party"});
  Barrier(*bob);
  json found = Results(Search(*bob, {{"query", "budget"}}));
  ASSERT_EQ(Texts(found),
            (std::set<std::string>{"the quarterly budget meeting", "budget for the party"}));
  for (const auto& r : found) {
    EXPECT_EQ(r["conversation"]["kind"], "channel") << r.dump();
    const int64_t id = JsonId(r["conversation"]["conversation_id"]);
    EXPECT_EQ(r["conversation"]["name"], id == general_ ? "general" : "random") << r.dump();
    EXPECT_EQ(r["conversation"]["server_id"], server_id_) << r.dump();  // where to open it
    EXPECT_EQ(r["conversation"]["server_name"], "Guild") << r.dump();
    EXPECT_EQ(JsonId(r["message"]["conversation_id"]), id);
  }
  // In one channel; the private one is refused as a conversation he is not in.
  json in_general =
      Results(Search(*bob, {{"query", "budget"}, {"conversation_id", std::to_string(general_)}}));
  EXPECT_EQ(Texts(in_general), (std::set<std::string>{"the quarterly budget meeting"}));
  EXPECT_EQ(
      Search(*bob, {{"query", "budget"}, {"conversation_id", std::to_string(staff)}}).error_code(),
      "NOT_MEMBER");
  // The outsider finds nothing and may not name a channel.
  EXPECT_TRUE(Results(Search(*eve, {{"query", "budget"}})).empty());
  EXPECT_EQ(Search(*eve, {{"query", "budget"}, {"conversation_id", std::to_string(general_)}})
                .error_code(),
            "NOT_MEMBER");

  // View taken from bob in random by a member override: at once, nothing of it.
  auto denied =
      Op(*olga, CommunityOp::kOverrideSet,
         {{"channel_id", std::to_string(random)}, {"user", "bob"}, {"deny", kViewChannel}});
  ASSERT_TRUE(denied.ok()) << denied.Describe();
  Barrier(*bob);
  EXPECT_EQ(Texts(Results(Search(*bob, {{"query", "budget"}}))),
            (std::set<std::string>{"the quarterly budget meeting"}));
  EXPECT_EQ(
      Search(*bob, {{"query", "party"}, {"conversation_id", std::to_string(random)}}).error_code(),
      "NOT_MEMBER");
}

TEST_P(ChannelSearchTest, EditsAndDeletionsAreReflected) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  Guild(*olga, {bob.get()});
  ASSERT_TRUE(olga->Send(general_, "lunch at noon", "m1").ok());       // seq 1
  ASSERT_TRUE(olga->Send(general_, "lunch is cancelled", "m2").ok());  // seq 2
  Barrier(*bob);
  SearchUntil(*bob, {{"query", "lunch"}}, {"lunch at noon", "lunch is cancelled"});

  // A deleted message is not found, at once (the query skips deleted messages).
  auto del = olga->Request(Op::kDelete, general_, {{"client_msg_id", "x1"}, {"seq", 2}});
  ASSERT_TRUE(del.ok()) << del.Describe();
  EXPECT_EQ(Texts(Results(Search(*bob, {{"query", "lunch"}}))),
            (std::set<std::string>{"lunch at noon"}));
  EXPECT_TRUE(Results(Search(*bob, {{"query", "cancelled"}})).empty());

  // An edit: found by its new text, not by the old one, once the indexer has it.
  auto edit = olga->Request(Op::kEdit, general_,
                            {{"client_msg_id", "e1"}, {"seq", 1}, {"text", "dinner at eight"}});
  ASSERT_TRUE(edit.ok()) << edit.Describe();
  SearchUntil(*bob, {{"query", "dinner"}}, {"dinner at eight"});
  SearchUntil(*bob, {{"query", "lunch"}}, {});
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelSearchTest);

}  // namespace
}  // namespace mqchat::test
