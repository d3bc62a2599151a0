// The search matcher (issue 17): which texts a query matches, and the snippet's highlights.
#include "search/matcher.h"

#include "search/char_class.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mqchat::search {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// The highlighted parts of a match, as text.
std::vector<std::string> Marked(const Match& m) {
  std::vector<std::string> out;
  const DecodedText d = DecodeUtf8(m.snippet);
  for (const auto& [b, e] : m.highlights) {
    out.emplace_back(m.snippet.substr(d.offsets[b], d.offsets[e] - d.offsets[b]));
  }
  return out;
}

TEST(SearchMatcherTest, AQueryWithoutTermsIsNoQuery) {
  EXPECT_FALSE(ParseQuery("").has_value());
  EXPECT_FALSE(ParseQuery("  ?! 🎉 ").has_value());
  auto q = ParseQuery("Meetings TODAY meeting");
  ASSERT_TRUE(q.has_value());
  EXPECT_THAT(q->terms, ElementsAre("meet", "today"));
}

TEST(SearchMatcherTest, EveryTermIsRequiredInAnyOrderAndForm) {
  auto q = *ParseQuery("planning meetings");
  EXPECT_TRUE(MatchText(q, "We planned two MEETINGS.").has_value());
  EXPECT_TRUE(MatchText(q, "meet to plan").has_value());
  EXPECT_FALSE(MatchText(q, "we planned nothing").has_value());
}

TEST(SearchMatcherTest, HighlightsTheMatchedWordsAsWritten) {
  auto m = MatchText(*ParseQuery("meeting"), "The Meetings moved; meet at 3!");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->snippet, "The Meetings moved; meet at 3!");
  EXPECT_THAT(m->highlights, ElementsAre(Pair(4, 12), Pair(20, 24)));
  EXPECT_THAT(Marked(*m), ElementsAre("Meetings", "meet"));
}

TEST(SearchMatcherTest, TwoSyllableKoreanQueryFindsItInsideLongerRuns) {
  auto q = *ParseQuery("회의");
  auto m = MatchText(q, "내일 회의는 10시에 시작합니다");
  ASSERT_TRUE(m.has_value());
  EXPECT_THAT(Marked(*m), ElementsAre("회의"));
  EXPECT_TRUE(MatchText(*ParseQuery("점심"), "오늘점심메뉴는?").has_value());
  EXPECT_FALSE(MatchText(q, "의회 일정").has_value());
}

TEST(SearchMatcherTest, LongerCjkQueryNeedsItsCharactersTogether) {
  auto q = *ParseQuery("회의실");
  EXPECT_TRUE(MatchText(q, "3층 회의실에서 봐요").has_value());
  // Both bigrams are there (회의, 의실) but not as one run: no match.
  EXPECT_FALSE(MatchText(q, "회의 전에 의실 확인").has_value());
}

TEST(SearchMatcherTest, JapaneseQueries) {
  auto m = MatchText(*ParseQuery("東京"), "明日は東京タワーに行きます");
  ASSERT_TRUE(m.has_value());
  EXPECT_THAT(Marked(*m), ElementsAre("東京"));
  // 京都 is inside 東京都: found, as bigrams cannot tell words apart.
  EXPECT_TRUE(MatchText(*ParseQuery("京都"), "東京都庁").has_value());
}

TEST(SearchMatcherTest, SnippetIsCutAroundTheFirstMatch) {
  const std::string text = std::string(100, 'x') + " lunch " + std::string(200, 'y');
  auto m = MatchText(*ParseQuery("lunch"), text);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->snippet.rfind("\xE2\x80\xA6", 0), 0u);  // starts with an ellipsis
  EXPECT_THAT(Marked(*m), ElementsAre("lunch"));
  ASSERT_EQ(m->highlights.size(), 1u);
  EXPECT_EQ(m->highlights[0].first, 1 + kSnippetLead);
}

TEST(SearchMatcherTest, LineBreaksReadAsSpaces) {
  auto m = MatchText(*ParseQuery("b"), "a\nb");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->snippet, "a b");
}

}  // namespace
}  // namespace mqchat::search
