// Client::Search's request and result (client-sdk/src/search_result.h): the options become the
// protocol's request, the response the plugin writes decodes into the public SearchPage (a body
// that does not decode is kInternal naming the op), and HighlightByteRanges turns code point
// highlights into the UTF-8 byte ranges an app marks, clamped when out of range.
#include "src/search_result.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "protocol/responses.h"
#include "protocol/search.h"

namespace mqchat::sdk {
namespace {

protocol::Response Received(const nlohmann::json& result) {
  auto r = protocol::DecodeResponse(protocol::OkResponse(protocol::Op::kSearch, "r1", result));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : protocol::Response{};
}

TEST(SearchResultTest, OptionsBecomeTheRequest) {
  SearchOptions o;
  o.conversation_id = 42;
  o.sender = "bob";
  o.from_ms = 10;
  o.to_ms = 20;
  o.limit = 5;
  o.cursor = "123";
  const protocol::SearchRequest r = ToSearchRequest("점심", o);
  EXPECT_EQ(r.query, "점심");
  EXPECT_EQ(r.conversation_id, 42);
  EXPECT_EQ(r.sender, "bob");
  EXPECT_EQ(r.from_ms, 10);
  EXPECT_EQ(r.to_ms, 20);
  EXPECT_EQ(r.limit, 5);
  EXPECT_EQ(r.cursor, "123");
}

TEST(SearchResultTest, ThePageDecodesIntoPublicTypes) {
  protocol::WireSearchPage wire;
  protocol::WireSearchResult hit;
  hit.message = {77, 3, 9001, "bob", "c-3", "내일 점심 메뉴", 1700000000000};
  hit.conversation_kind = "group";
  hit.conversation_name = "팀";
  hit.snippet = "내일 점심 메뉴";
  hit.highlights = {{3, 5}};
  wire.results.push_back(hit);
  wire.has_more = true;
  wire.next_cursor = protocol::FormatSearchCursor(9001);
  auto page = DecodeSearchResult(Received(protocol::EncodeSearchPage(wire)));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->results.size(), 1u);
  const SearchResult& r = page->results[0];
  EXPECT_EQ(r.message.conversation_id, 77);
  EXPECT_EQ(r.message.seq, 3);
  EXPECT_EQ(r.message.text, "내일 점심 메뉴");
  EXPECT_EQ(r.conversation_kind, ConversationKind::kGroup);
  EXPECT_EQ(r.conversation_name, "팀");
  ASSERT_EQ(r.highlights.size(), 1u);
  EXPECT_EQ(r.highlights[0].begin, 3);
  EXPECT_EQ(r.highlights[0].end, 5);
  EXPECT_TRUE(page->has_more);
  EXPECT_EQ(page->next_cursor, "9001");
}

// Issue 18: a text channel's hit is a channel (not a direct conversation, as it was decoded
// before), with its server; a server that does not name the server still gives a channel.
TEST(SearchResultTest, AChannelHitIsAChannelOfItsServer) {
  protocol::WireSearchPage wire;
  protocol::WireSearchResult hit;
  hit.message = {40, 1, 9002, "bob", "c-1", "budget meeting", 1700000000000};
  hit.conversation_kind = "channel";
  hit.conversation_name = "general";
  hit.server_id = 12;
  hit.server_name = "Club";
  hit.snippet = "budget meeting";
  wire.results.push_back(hit);
  hit.server_id = 0;
  hit.server_name.clear();
  wire.results.push_back(hit);
  auto page = DecodeSearchResult(Received(protocol::EncodeSearchPage(wire)));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->results.size(), 2u);
  EXPECT_EQ(page->results[0].conversation_kind, ConversationKind::kChannel);
  EXPECT_EQ(page->results[0].conversation_name, "general");
  EXPECT_EQ(page->results[0].server_id, 12);
  EXPECT_EQ(page->results[0].server_name, "Club");
  EXPECT_EQ(page->results[0].message.conversation_id, 40);
  EXPECT_EQ(page->results[1].conversation_kind, ConversationKind::kChannel);
  EXPECT_EQ(page->results[1].server_id, 0);
}

TEST(SearchResultTest, AMalformedBodyIsInternal) {
  auto page = DecodeSearchResult(Received({{"results", "nope"}, {"has_more", false}}));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), Code::kInternal);
  EXPECT_NE(page.status().message().find("malformed search response"), std::string::npos);
}

TEST(SearchResultTest, HighlightsBecomeByteRangesOfCodePoints) {
  const std::string snippet = "내일 점심 🍜 lunch";  // Hangul: 3 bytes; the emoji: 4
  const auto ranges = HighlightByteRanges(snippet, {{3, 5}, {8, 13}});
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(snippet.substr(ranges[0].first, ranges[0].second - ranges[0].first), "점심");
  EXPECT_EQ(snippet.substr(ranges[1].first, ranges[1].second - ranges[1].first), "lunch");
  // Out of range or empty: clamped or dropped, never past the end.
  const auto clamped = HighlightByteRanges(snippet, {{12, 99}, {5, 5}, {-3, 1}});
  ASSERT_EQ(clamped.size(), 2u);
  EXPECT_EQ(snippet.substr(clamped[0].first, clamped[0].second - clamped[0].first), "h");
  EXPECT_EQ(snippet.substr(clamped[1].first, clamped[1].second - clamped[1].first), "내");
}

}  // namespace
}  // namespace mqchat::sdk
