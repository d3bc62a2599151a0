// Client::Search (issue 17) through the SDK against a real broker, on SQLite and PostgreSQL:
// Korean two-syllable queries inside longer runs (and a longer query that finds only its own
// word), English stems, Japanese, the conversation, sender and date filters, paging with the
// cursor to the end without repeats, the highlights as the app marks them, the callback form,
// the refusals; a text channel's message found as a channel of its server (issue 18); and a
// broker with plugin_opt_search_index false answering FORBIDDEN while
// sends go on. Messages are indexed after their ack, so a first search polls with a deadline.
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);
constexpr std::chrono::milliseconds kIndexDeadline{20000};

class SdkSearchTest : public ChatFixture {
 protected:
  std::unique_ptr<Client> Connect(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("search")
                       .CachePath(dir_.File(user + ".db"))
                       .RequestTimeout(std::chrono::seconds(30))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    Status s = (*client)->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return std::move(*client);
  }

  static int64_t SendText(Client& c, int64_t conversation, const std::string& text) {
    auto f = c.Send(conversation, text);
    if (f.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "no ack for " << text;
      return 0;
    }
    auto ack = f.get();
    EXPECT_TRUE(ack.ok()) << ack.status().ToString();
    return ack.ok() ? ack->seq : 0;
  }

  static Result<SearchPage> Search(Client& c, const std::string& query, SearchOptions o = {}) {
    auto f = c.Search(query, std::move(o));
    if (f.wait_for(kWait) != std::future_status::ready) {
      return Status::Unavailable("no answer to search " + query);
    }
    return f.get();
  }

  // Searches until the page holds `count` results (the indexer runs after the ack).
  static SearchPage SearchUntil(Client& c, const std::string& query, size_t count,
                                SearchOptions o = {}) {
    SearchPage last;
    WaitFor(
        [&] {
          auto page = Search(c, query, o);
          EXPECT_TRUE(page.ok()) << page.status().ToString();
          if (!page.ok()) return true;
          last = std::move(*page);
          return last.results.size() == count;
        },
        kIndexDeadline, "search '" + query + "' to find " + std::to_string(count));
    return last;
  }

  static std::vector<std::string> Texts(const SearchPage& page) {
    std::vector<std::string> out;
    for (const auto& r : page.results) out.push_back(r.message.text);
    return out;
  }

  // The marked parts of each result's snippet, as an app would style them.
  static std::vector<std::string> Marked(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& [b, e] : HighlightByteRanges(r.snippet, r.highlights)) {
      out.push_back(r.snippet.substr(b, e - b));
    }
    return out;
  }

  TempDir dir_{"mqchat-sdk-search"};
};

TEST_P(SdkSearchTest, KoreanEnglishAndJapaneseWithFiltersAndHighlights) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  ASSERT_TRUE(alice && bob);
  auto group = alice->CreateGroup("팀", {"bob"}).get();
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  auto direct = bob->OpenDirect("alice").get();
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();

  SendText(*alice, group->id, "내일 점심 메뉴는 비빔밥");
  SendText(*alice, group->id, "회의는 10시에 시작합니다");
  SendText(*bob, group->id, "The meetings moved to Friday");
  SendText(*alice, group->id, "점심시간에 만나요");
  SendText(*bob, direct->id, "점심 먹었어? Meeting notes are ready");
  SendText(*alice, group->id, "東京タワーで会いましょう");

  // A two-syllable Korean word inside longer runs, in both conversations, newest first.
  SearchPage lunch = SearchUntil(*alice, "점심", 3);
  EXPECT_EQ(Texts(lunch), (std::vector<std::string>{"점심 먹었어? Meeting notes are ready",
                                                     "점심시간에 만나요", "내일 점심 메뉴는 비빔밥"}));
  for (const auto& r : lunch.results) {
    EXPECT_EQ(Marked(r), (std::vector<std::string>{"점심"})) << r.snippet;
  }
  EXPECT_EQ(lunch.results[0].conversation_kind, ConversationKind::kDirect);
  EXPECT_EQ(lunch.results[1].conversation_kind, ConversationKind::kGroup);
  EXPECT_EQ(lunch.results[1].conversation_name, "팀");
  EXPECT_EQ(lunch.results[1].message.conversation_id, group->id);
  EXPECT_FALSE(lunch.has_more);
  EXPECT_TRUE(lunch.next_cursor.empty());
  // A longer query finds only where its syllables stand together.
  EXPECT_EQ(Texts(SearchUntil(*alice, "점심시간", 1)),
            (std::vector<std::string>{"점심시간에 만나요"}));
  EXPECT_EQ(Texts(SearchUntil(*bob, "회의", 1)),
            (std::vector<std::string>{"회의는 10시에 시작합니다"}));
  // English by the stem, any case; Japanese by pairs of characters.
  SearchPage meeting = SearchUntil(*alice, "MEETING", 2);
  EXPECT_EQ(Marked(meeting.results[0]), (std::vector<std::string>{"Meeting"}));
  EXPECT_EQ(Marked(meeting.results[1]), (std::vector<std::string>{"meetings"}));
  EXPECT_EQ(Texts(SearchUntil(*bob, "東京", 1)),
            (std::vector<std::string>{"東京タワーで会いましょう"}));

  // Filters: one conversation, one sender, dates.
  SearchOptions in_group;
  in_group.conversation_id = group->id;
  EXPECT_EQ(Texts(SearchUntil(*alice, "점심", 2, in_group)),
            (std::vector<std::string>{"점심시간에 만나요", "내일 점심 메뉴는 비빔밥"}));
  SearchOptions by_bob;
  by_bob.sender = "bob";
  EXPECT_EQ(Texts(SearchUntil(*alice, "점심", 1, by_bob)),
            (std::vector<std::string>{"점심 먹었어? Meeting notes are ready"}));
  SearchOptions before_all;
  before_all.to_ms = lunch.results.back().message.sent_at_ms;
  EXPECT_TRUE(SearchUntil(*alice, "점심", 0, before_all).results.empty());
  SearchOptions from_newest;
  from_newest.from_ms = lunch.results.front().message.sent_at_ms;
  auto recent = Search(*alice, "점심", from_newest);
  ASSERT_TRUE(recent.ok()) << recent.status().ToString();
  ASSERT_FALSE(recent->results.empty());
  EXPECT_EQ(recent->results.front().message.text, "점심 먹었어? Meeting notes are ready");
  for (const auto& r : recent->results) EXPECT_GE(r.message.sent_at_ms, from_newest.from_ms);

  // The callback form.
  std::promise<Result<SearchPage>> answered;
  alice->Search("비빔밥", {}, [&](Result<SearchPage> r) { answered.set_value(std::move(r)); });
  auto f = answered.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  auto page = f.get();
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(Texts(*page), (std::vector<std::string>{"내일 점심 메뉴는 비빔밥"}));
}

// Issue 18: a message of a text channel is a kChannel result naming the channel and its server
// (it was decoded as a direct conversation), beside a group's result, which names no server.
TEST_P(SdkSearchTest, AChannelMessageIsFoundAsAChannelOfItsServer) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  ASSERT_TRUE(alice && bob);
  auto server = alice->CreateServer("Guild").get();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto invite = alice->CreateInvite(server->id).get();
  ASSERT_TRUE(invite.ok()) << invite.status().ToString();
  auto joined = bob->JoinServer(invite->code).get();
  ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  auto channels = alice->Channels(server->id).get();
  ASSERT_TRUE(channels.ok() && !channels->empty()) << channels.status().ToString();
  const Channel general = channels->front();
  auto group = alice->CreateGroup("budgeteers", {"bob"}).get();
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_EQ(SendText(*alice, general.id, "the budget for the garden"), 1);
  SendText(*alice, group->id, "budget draft attached");
  // Listing servers after connecting lets the broker load bob's channel access.
  ASSERT_TRUE(bob->Servers().get().ok());

  SearchPage found = SearchUntil(*bob, "budget", 2);
  ASSERT_EQ(found.results.size(), 2u);
  const SearchResult& in_group = found.results[0];  // newest first
  const SearchResult& in_channel = found.results[1];
  EXPECT_EQ(in_channel.message.text, "the budget for the garden");
  EXPECT_EQ(in_channel.message.conversation_id, general.id);
  EXPECT_EQ(in_channel.conversation_kind, ConversationKind::kChannel);
  EXPECT_EQ(in_channel.conversation_name, general.name);
  EXPECT_EQ(in_channel.server_id, server->id);
  EXPECT_EQ(in_channel.server_name, "Guild");
  EXPECT_EQ(Marked(in_channel), (std::vector<std::string>{"budget"}));
  EXPECT_EQ(in_group.conversation_kind, ConversationKind::kGroup);
  EXPECT_EQ(in_group.server_id, 0);
  EXPECT_TRUE(in_group.server_name.empty());
  // In that channel only, the same.
  SearchOptions in_general;
  in_general.conversation_id = general.id;
  SearchPage one = SearchUntil(*bob, "budget", 1, in_general);
  ASSERT_EQ(one.results.size(), 1u);
  EXPECT_EQ(one.results[0].conversation_kind, ConversationKind::kChannel);
  EXPECT_EQ(one.results[0].server_id, server->id);
}

TEST_P(SdkSearchTest, PagesWithTheCursorToTheEnd) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto alice = Connect("alice");
  ASSERT_TRUE(alice);
  auto group = alice->CreateGroup("pages", {"bob"}).get();
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  constexpr int kMessages = 11;
  for (int i = 0; i < kMessages; ++i) {
    SendText(*alice, group->id, "주간 회의 " + std::to_string(i));
    SendText(*alice, group->id, "unrelated " + std::to_string(i));
  }
  SearchOptions all;
  all.limit = 50;
  SearchUntil(*alice, "회의", kMessages, all);

  SearchOptions o;
  o.limit = 4;
  std::vector<int64_t> ids;
  int pages = 0;
  for (;;) {
    auto page = Search(*alice, "회의", o);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    for (const auto& r : page->results) ids.push_back(r.message.message_id);
    if (!page->has_more) break;
    ASSERT_FALSE(page->next_cursor.empty());
    ASSERT_LE(pages, kMessages) << "paging does not end";
    o.cursor = page->next_cursor;
  }
  EXPECT_GE(pages, 3);
  ASSERT_EQ(ids.size(), static_cast<size_t>(kMessages));
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend())) << "newest first across pages";
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), ids.size()) << "no repeats";
}

TEST_P(SdkSearchTest, RefusalsKeepTheServerCode) {
  MQCHAT_REQUIRE_SERVER();
  auto alice = Connect("alice");
  ASSERT_TRUE(alice);
  auto expect = [&](const std::string& query, SearchOptions o, Code code, const std::string& name) {
    auto r = Search(*alice, query, std::move(o));
    ASSERT_FALSE(r.ok()) << query;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(name), std::string::npos) << r.status().ToString();
  };
  expect("   ", {}, Code::kFailedPrecondition, "INVALID");
  expect("!!! 🎉", {}, Code::kFailedPrecondition, "INVALID");
  expect(std::string(201, 'a'), {}, Code::kFailedPrecondition, "INVALID");
  SearchOptions bad_cursor;
  bad_cursor.cursor = "not-a-cursor";
  expect("hello", bad_cursor, Code::kFailedPrecondition, "INVALID");
  SearchOptions elsewhere;
  elsewhere.conversation_id = 987654321;
  expect("hello", elsewhere, Code::kPermissionDenied, "NOT_MEMBER");
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkSearchTest);

// plugin_opt_search_index false: no indexer, and search answers FORBIDDEN ("turned off").
class SdkSearchOffTest : public SdkSearchTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"search_index", "false"}};
  }
};

TEST_P(SdkSearchOffTest, SearchAnswersDisabledAndSendsGoOn) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto alice = Connect("alice");
  ASSERT_TRUE(alice);
  auto direct = alice->OpenDirect("bob").get();
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(SendText(*alice, direct->id, "점심 먹었어?"), 1);
  auto r = Search(*alice, "점심");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().ToString();
  EXPECT_NE(r.status().message().find("FORBIDDEN: search is turned off"), std::string::npos)
      << r.status().ToString();
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkSearchOffTest);

}  // namespace
}  // namespace mqchat::test
