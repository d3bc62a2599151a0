// The search request's parsing (its INVALID and BAD_REQUEST cases) and the response body's
// encoding and decoding (protocol/search.h).
#include "protocol/search.h"

#include <gtest/gtest.h>

#include "protocol/requests.h"

namespace mqchat::protocol {
namespace {

ParsedRequest ParseSearch(const std::string& payload) {
  return ParseRequest(RequestTopic(Op::kSearch), payload, RequestLimits{});
}

std::optional<ErrorCode> CodeOf(const std::string& payload) {
  ParsedRequest p = ParseSearch(payload);
  if (!p.error) return std::nullopt;
  return p.error->code;
}

TEST(SearchRequestTest, ReadsEveryField) {
  ParsedRequest p = ParseSearch(
      R"({"query":"회의 notes","conversation_id":"42","sender":"bob","from_ms":5,"to_ms":9,)"
      R"("limit":7,"cursor":"123"})");
  ASSERT_FALSE(p.error) << p.error->message;
  const auto& b = std::get<SearchRequest>(p.request.body);
  EXPECT_EQ(b.query, "회의 notes");
  EXPECT_EQ(b.conversation_id, 42);
  EXPECT_EQ(b.sender, "bob");
  EXPECT_EQ(b.from_ms, 5);
  EXPECT_EQ(b.to_ms, 9);
  EXPECT_EQ(b.limit, 7);
  EXPECT_EQ(b.cursor, "123");
  const auto& d = std::get<SearchRequest>(ParseSearch(R"({"query":"x"})").request.body);
  EXPECT_EQ(d.limit, kDefaultSearchLimit);
  EXPECT_EQ(d.conversation_id, 0);
}

TEST(SearchRequestTest, EmptyLongQueriesAndBadCursorsAreInvalid) {
  EXPECT_EQ(CodeOf(R"({"query":""})"), ErrorCode::kInvalid);
  EXPECT_EQ(CodeOf(R"({"query":" \t\n"})"), ErrorCode::kInvalid);
  EXPECT_EQ(CodeOf(R"({"query":")" + std::string(201, 'a') + "\"}"), ErrorCode::kInvalid);
  EXPECT_EQ(CodeOf(R"({"query":")" + std::string(200, 'a') + "\"}"), std::nullopt);
  // 200 Hangul syllables are 200 characters (600 bytes): allowed.
  std::string hangul;
  for (int i = 0; i < 200; ++i) hangul += "회";
  EXPECT_EQ(CodeOf(R"({"query":")" + hangul + "\"}"), std::nullopt);
  EXPECT_EQ(CodeOf(R"({"query":"a","cursor":"abc"})"), ErrorCode::kInvalid);
  EXPECT_EQ(CodeOf(R"({"query":"a","cursor":""})"), ErrorCode::kInvalid);
  EXPECT_EQ(CodeOf(R"({"query":"a","cursor":"-5"})"), ErrorCode::kInvalid);
  EXPECT_EQ(CodeOf(R"({"query":"a","from_ms":9,"to_ms":9})"), ErrorCode::kInvalid);
}

TEST(SearchRequestTest, MistypedFieldsAreBadRequests) {
  EXPECT_EQ(CodeOf(R"({})"), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(R"({"query":5})"), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(R"({"query":"a","limit":0})"), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(R"({"query":"a","limit":51})"), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(R"({"query":"a","sender":"no/slash"})"), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(R"({"query":"a","conversation_id":"0"})"), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf(R"({"query":"a","cursor":7})"), ErrorCode::kBadRequest);
}

TEST(SearchResponseTest, EncodesAndDecodesAPage) {
  WireSearchPage page;
  WireSearchResult r;
  r.message.conversation_id = 9;
  r.message.seq = 3;
  r.message.message_id = 77;
  r.message.sender = "bob";
  r.message.client_msg_id = "c";
  r.message.text = "내일 회의는 10시";
  r.message.sent_at_ms = 1000;
  r.conversation_kind = "group";
  r.conversation_name = "team";
  r.snippet = r.message.text;
  r.highlights = {{3, 5}};
  page.results.push_back(r);
  page.has_more = true;
  page.next_cursor = FormatSearchCursor(77);
  const nlohmann::json body = EncodeSearchPage(page);
  EXPECT_EQ(body["results"][0]["conversation"]["conversation_id"], "9");
  EXPECT_EQ(body["results"][0]["highlights"], nlohmann::json::parse("[[3,5]]"));
  EXPECT_EQ(body["next_cursor"], "77");
  auto decoded = DecodeSearchPage(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->results.size(), 1u);
  EXPECT_EQ(decoded->results[0].snippet, r.snippet);
  EXPECT_EQ(decoded->results[0].highlights, r.highlights);
  EXPECT_EQ(decoded->results[0].message.seq, 3);
  EXPECT_EQ(decoded->results[0].conversation_name, "team");
  EXPECT_EQ(decoded->next_cursor, "77");
  EXPECT_EQ(ParseSearchCursor(decoded->next_cursor), 77);
  // A last page has no cursor; bad highlights do not decode.
  page.has_more = false;
  EXPECT_FALSE(EncodeSearchPage(page).contains("next_cursor"));
  nlohmann::json bad = body;
  bad["results"][0]["highlights"] = nlohmann::json::parse("[[5,3]]");
  EXPECT_FALSE(DecodeSearchPage(bad).ok());
}

// A text channel's result (issue 18) names its server; other kinds do not carry the fields, and
// a result without them (a server before them) still decodes.
TEST(SearchResponseTest, AChannelResultNamesItsServer) {
  WireSearchPage page;
  WireSearchResult r;
  r.message = {40, 1, 77, "bob", "c", "budget meeting", 1000};
  r.conversation_kind = std::string(values::kKindChannel);
  r.conversation_name = "general";
  r.server_id = 12;
  r.server_name = "Club";
  r.snippet = r.message.text;
  page.results.push_back(r);
  r.conversation_kind = "group";
  r.conversation_name = "team";
  r.server_id = 0;
  r.server_name.clear();
  page.results.push_back(r);
  const nlohmann::json body = EncodeSearchPage(page);
  EXPECT_EQ(body["results"][0]["conversation"],
            nlohmann::json::parse(R"({"conversation_id":"40","kind":"channel","name":"general",
                                      "server_id":"12","server_name":"Club"})"));
  EXPECT_FALSE(body["results"][1]["conversation"].contains("server_id"));
  auto decoded = DecodeSearchPage(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->results[0].conversation_kind, "channel");
  EXPECT_EQ(decoded->results[0].server_id, 12);
  EXPECT_EQ(decoded->results[0].server_name, "Club");
  EXPECT_EQ(decoded->results[1].server_id, 0);
  nlohmann::json old = body;
  old["results"][0]["conversation"].erase("server_id");
  old["results"][0]["conversation"].erase("server_name");
  auto before = DecodeSearchPage(old);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->results[0].server_id, 0);
  nlohmann::json forged = body;
  forged["results"][0]["conversation"]["server_id"] = "twelve";
  EXPECT_FALSE(DecodeSearchPage(forged).ok());
}

}  // namespace
}  // namespace mqchat::protocol
