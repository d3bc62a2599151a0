// Search (issue 17) over a real broker, on SQLite and PostgreSQL: English words found by their
// stem, a two-syllable Korean query inside longer runs, Japanese, the filters (conversation,
// sender, dates), paging with the cursor, highlighted snippets, privacy (another user's
// conversation; a member removed finds nothing of it, as history shows them nothing), an edit
// and a deletion reflected, and the errors. Messages are indexed in the background after their
// ack, so every first search polls with a deadline until the indexer has caught up.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/chat_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

constexpr std::chrono::milliseconds kIndexDeadline{15000};

class SearchTest : public ChatFixture {};

ChatResponse Search(ChatTestClient& c, json body) {
  return c.Request(Op::kSearch, 0, std::move(body));
}

// The results of a search that succeeded (an empty array and a test failure otherwise).
json Results(const ChatResponse& r) {
  if (!r.ok()) {
    ADD_FAILURE() << r.Describe();
    return json::array();
  }
  return (*r.body)["results"];
}

std::vector<std::string> Texts(const json& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(r["message"]["text"]);
  return out;
}

// Searches until `done` holds for the results (the indexer runs after the ack), within the
// deadline; returns the last results.
json SearchUntil(ChatTestClient& c, const json& body, const std::function<bool(const json&)>& done,
                 const std::string& what) {
  json last = json::array();
  WaitFor(
      [&] {
        last = Results(Search(c, body));
        return done(last);
      },
      kIndexDeadline, what);
  return last;
}

json SearchUntilCount(ChatTestClient& c, const json& body, size_t count) {
  return SearchUntil(
      c, body, [count](const json& r) { return r.size() == count; },
      "search " + body.dump() + " to find " + std::to_string(count));
}

// The highlighted parts of a result's snippet (offsets are code points).
std::vector<std::string> Marked(const json& result) {
  const std::string snippet = result["snippet"];
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < snippet.size(); ++i) {
    if ((static_cast<unsigned char>(snippet[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(snippet.size());
  std::vector<std::string> out;
  for (const auto& h : result["highlights"]) {
    const size_t b = h[0], e = h[1];
    out.push_back(snippet.substr(starts[b], starts[e] - starts[b]));
  }
  return out;
}

TEST_P(SearchTest, FindsStemsKoreanAndJapaneseWithHighlights) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t group = alice->CreateGroup("team", {"bob"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(alice->Send(group, "The Meetings are planned for Monday.", "m1").ok());
  ASSERT_TRUE(alice->Send(group, "점심 먹었어요? 회의는 3시에 시작합니다", "m2").ok());
  ASSERT_TRUE(alice->Send(group, "明日は東京タワーに行きます", "m3").ok());
  ASSERT_TRUE(alice->Send(group, "lunch talk 🍕 later", "m4").ok());

  // "meeting plan": both words by their stems, as written in the text.
  json found = SearchUntilCount(*alice, {{"query", "meeting plan"}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["text"], "The Meetings are planned for Monday.");
  EXPECT_EQ(found[0]["message"]["seq"], 1);
  EXPECT_EQ(found[0]["conversation"]["conversation_id"], std::to_string(group));
  EXPECT_EQ(found[0]["conversation"]["kind"], "group");
  EXPECT_EQ(found[0]["conversation"]["name"], "team");
  EXPECT_EQ(Marked(found[0]), (std::vector<std::string>{"Meetings", "planned"}));

  // Two-syllable Korean queries inside longer runs (회의는, 점심).
  found = SearchUntilCount(*alice, {{"query", "회의"}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["seq"], 2);
  EXPECT_EQ(Marked(found[0]), (std::vector<std::string>{"회의"}));
  EXPECT_EQ(Texts(Results(Search(*alice, {{"query", "점심"}}))).size(), 1u);
  // A longer query needs its characters together: 회의실 is not in the text.
  EXPECT_TRUE(Results(Search(*alice, {{"query", "회의실"}})).empty());

  // Japanese: 東京 inside 東京タワー.
  found = SearchUntilCount(*alice, {{"query", "東京"}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["seq"], 3);
  EXPECT_EQ(Marked(found[0]), (std::vector<std::string>{"東京"}));

  // Case, punctuation and emoji do not matter.
  found = Results(Search(*alice, {{"query", "LUNCH!! 🍕"}}));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["seq"], 4);
  // bob, a member, finds the same.
  auto bob = Login("bob");
  EXPECT_EQ(Results(Search(*bob, {{"query", "monday"}})).size(), 1u);
}

TEST_P(SearchTest, FiltersAndPagesNewestFirst) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t group = alice->CreateGroup("team", {"bob"});
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(group, 0);
  ASSERT_GT(dm, 0);
  std::vector<int64_t> sent_at;
  for (int i = 1; i <= 25; ++i) {
    auto& from = i % 5 == 0 ? *bob : *alice;
    auto r = from.Send(group, "status report " + std::to_string(i), "g" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.Describe();
    sent_at.push_back((*r.body)["server_time_ms"]);
  }
  ASSERT_TRUE(alice->Send(dm, "a private status report", "d1").ok());
  SearchUntilCount(*alice, {{"query", "reports"}, {"limit", 50}}, 26);

  // Paging through the group, 10 at a time, newest first, each message once.
  json body = {{"query", "status"}, {"conversation_id", std::to_string(group)}, {"limit", 10}};
  std::vector<int64_t> seqs;
  for (int page = 0; page < 3; ++page) {
    auto r = Search(*alice, body);
    ASSERT_TRUE(r.ok()) << r.Describe();
    const json& b = *r.body;
    for (const auto& result : b["results"]) seqs.push_back(result["message"]["seq"]);
    EXPECT_EQ(b["has_more"].get<bool>(), page < 2) << b.dump();
    if (!b["has_more"].get<bool>()) break;
    body["cursor"] = b["next_cursor"];
  }
  ASSERT_EQ(seqs.size(), 25u);
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], 25 - static_cast<int64_t>(i));

  // Only bob's messages.
  json bobs = Results(Search(*alice, {{"query", "report"}, {"sender", "bob"}}));
  ASSERT_EQ(bobs.size(), 5u);
  for (const auto& r : bobs) EXPECT_EQ(r["message"]["sender"], "bob");
  // Only the direct conversation.
  json direct = Results(Search(*alice, {{"query", "report"}, {"conversation_id", std::to_string(dm)}}));
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0]["conversation"]["kind"], "direct");
  // Dates: sent at or after the 21st message's time, before the 24th's.
  json dated = Results(Search(*alice, {{"query", "report"},
                                       {"conversation_id", std::to_string(group)},
                                       {"from_ms", sent_at[20]},
                                       {"to_ms", sent_at[23] + 1},
                                       {"limit", 50}}));
  for (const auto& r : dated) {
    EXPECT_GE(r["message"]["sent_at_ms"].get<int64_t>(), sent_at[20]);
    EXPECT_LE(r["message"]["sent_at_ms"].get<int64_t>(), sent_at[23]);
  }
  std::set<int64_t> dated_seqs;
  for (const auto& r : dated) dated_seqs.insert(r["message"]["seq"].get<int64_t>());
  for (int64_t seq : {21, 22, 23, 24}) EXPECT_TRUE(dated_seqs.count(seq)) << seq;
}

TEST_P(SearchTest, OnlyWhatTheCallerMayRead) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto carol = Login("carol");
  const int64_t group = alice->CreateGroup("plans", {"bob"});
  ASSERT_GT(group, 0);
  ASSERT_TRUE(alice->Send(group, "secret plan before", "s1").ok());
  SearchUntilCount(*bob, {{"query", "secret"}}, 1);

  // carol is not a member: nothing, and NOT_MEMBER when she names the conversation.
  EXPECT_TRUE(Results(Search(*carol, {{"query", "secret"}})).empty());
  auto named = Search(*carol, {{"query", "secret"}, {"conversation_id", std::to_string(group)}});
  EXPECT_EQ(named.error_code(), "NOT_MEMBER") << named.Describe();

  // bob is removed; what is sent afterwards is never his to find (nor, as with history,
  // anything else of the conversation).
  ASSERT_TRUE(
      alice->Request(Op::kRemoveMember, group, {{"user", "bob"}}).ok());
  ASSERT_TRUE(alice->Send(group, "secret plan after", "s2").ok());
  SearchUntilCount(*alice, {{"query", "secret"}}, 2);
  EXPECT_TRUE(Results(Search(*bob, {{"query", "secret"}})).empty());
  EXPECT_TRUE(Results(Search(*bob, {{"query", "after"}})).empty());
  named = Search(*bob, {{"query", "secret"}, {"conversation_id", std::to_string(group)}});
  EXPECT_EQ(named.error_code(), "NOT_MEMBER") << named.Describe();
}

TEST_P(SearchTest, EditsAndDeletionsAreReflected) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  ASSERT_TRUE(alice->Send(dm, "quarterly numbers draft", "q1").ok());
  SearchUntilCount(*alice, {{"query", "quarterly"}}, 1);

  auto edit = alice->Request(
      Op::kEdit, dm, {{"client_msg_id", "e1"}, {"seq", 1}, {"text", "annual summary final"}});
  ASSERT_TRUE(edit.ok()) << edit.Describe();
  json found = SearchUntilCount(*alice, {{"query", "annual"}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["text"], "annual summary final");
  EXPECT_EQ(found[0]["message"]["seq"], 1);
  EXPECT_GT(found[0]["message"]["edited_at_ms"].get<int64_t>(), 0);
  EXPECT_TRUE(Results(Search(*alice, {{"query", "quarterly"}})).empty());

  auto del = alice->Request(Op::kDelete, dm, {{"client_msg_id", "x1"}, {"seq", 1}});
  ASSERT_TRUE(del.ok()) << del.Describe();
  // Not found at once (the query skips deleted messages), and its postings go too.
  EXPECT_TRUE(Results(Search(*alice, {{"query", "annual"}})).empty());
  // A later message is still found: the index went on past the deletion.
  ASSERT_TRUE(alice->Send(dm, "annual party", "q2").ok());
  found = SearchUntilCount(*alice, {{"query", "annual"}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["text"], "annual party");
}

TEST_P(SearchTest, BadQueriesAndCursorsAreInvalid) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice"});
  auto alice = Login("alice");
  auto code = [&](json body) { return Search(*alice, std::move(body)).error_code(); };
  EXPECT_EQ(code({{"query", ""}}), "INVALID");
  EXPECT_EQ(code({{"query", "   "}}), "INVALID");
  EXPECT_EQ(code({{"query", "?! 🎉"}}), "INVALID");  // no word in it
  EXPECT_EQ(code({{"query", std::string(201, 'a')}}), "INVALID");
  EXPECT_EQ(code({{"query", "ok"}, {"cursor", "not-a-cursor"}}), "INVALID");
  EXPECT_EQ(code({{"query", "ok"}, {"from_ms", 10}, {"to_ms", 5}}), "INVALID");
  EXPECT_EQ(code(json::object()), "BAD_REQUEST");
  EXPECT_EQ(code({{"query", "ok"}, {"limit", 51}}), "BAD_REQUEST");
  auto r = Search(*alice, {{"query", "nothing here"}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  EXPECT_TRUE((*r.body)["results"].empty());
  EXPECT_FALSE((*r.body)["has_more"].get<bool>());
}

MQCHAT_INSTANTIATE_FOR_STORES(SearchTest);

}  // namespace
}  // namespace mqchat::test
