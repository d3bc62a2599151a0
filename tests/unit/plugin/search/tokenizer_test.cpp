// The search tokenizer (issue 17): folding, separators, apostrophes, CJK bigrams, term keys.
#include "search/tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mqchat::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Texts(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(t.text);
  return out;
}

TEST(SearchTokenizerTest, FoldsCaseAndLatinAccents) {
  EXPECT_THAT(Texts("Hello WORLD Café ÉCOLE straße"),
              ElementsAre("hello", "world", "cafe", "ecole", "strasse"));
  EXPECT_THAT(Texts("ΑΘΗΝΑ Москва ＡＢＣ１"), ElementsAre("αθηνα", "москва", "abc1"));
}

TEST(SearchTokenizerTest, PunctuationAndEmojiSeparateAndVanish) {
  EXPECT_THAT(Texts("lunch?! (today), 12:30 — ok… 🍕🎉 pizza👍"),
              ElementsAre("lunch", "today", "12", "30", "ok", "pizza"));
  EXPECT_THAT(Texts("🍕 ... !!! 😀‍"), IsEmpty());
}

TEST(SearchTokenizerTest, ApostrophesInsideWordsAreDropped) {
  EXPECT_THAT(Texts("Don't say 'no' to Bob’s plan"),
              ElementsAre("dont", "say", "no", "to", "bobs", "plan"));
}

TEST(SearchTokenizerTest, CombiningMarksStayInTheWord) {
  // "cafe" + U+0301 (decomposed é) is the same word as the composed one.
  EXPECT_THAT(Texts("cafe\xCC\x81 bar"), ElementsAre("cafe", "bar"));
}

TEST(SearchTokenizerTest, TokensKnowWhereTheyAreInCodePoints) {
  auto tokens = Tokenize("é 점심을 먹자");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].begin, 0u);
  EXPECT_EQ(tokens[0].end, 1u);
  EXPECT_EQ(tokens[1].kind, Token::Kind::kCjk);
  EXPECT_EQ(tokens[1].begin, 2u);
  EXPECT_EQ(tokens[1].end, 5u);
  EXPECT_EQ(tokens[2].begin, 6u);
}

TEST(SearchTokenizerTest, CjkRunsGiveOverlappingBigrams) {
  EXPECT_THAT(DocumentTerms("점심시간"), ElementsAre("시간", "심시", "점심"));
  // A run of one character is indexed as itself.
  EXPECT_THAT(DocumentTerms("회 의"), ElementsAre("의", "회"));
  // Japanese: Kana and Han in one run; the long vowel mark belongs to it.
  EXPECT_THAT(DocumentTerms("東京タワー"),
              ElementsAre("タワ", "ワー", "京タ", "東京"));
  // CJK next to Latin splits into a word and a run.
  EXPECT_THAT(DocumentTerms("MQTT회의"), ElementsAre("mqtt", "회의"));
}

TEST(SearchTokenizerTest, DocumentTermsAreStemmedDistinctAndSorted) {
  EXPECT_THAT(DocumentTerms("Meetings, meeting; MEET the meets"),
              ElementsAre("meet", "the"));
}

TEST(SearchTokenizerTest, IllFormedBytesAreSeparators) {
  EXPECT_THAT(Texts("ab\xFF" "cd\xE2\x82"), ElementsAre("ab", "cd"));
}

TEST(SearchTokenizerTest, TermKeysAreStableAndDistinct) {
  EXPECT_EQ(TermKey("meet"), TermKey(std::string("me") + "et"));
  EXPECT_NE(TermKey("meet"), TermKey("meat"));
  EXPECT_NE(TermKey("점심"), TermKey("심점"));
  // FNV-1a 64 of the empty string: the offset basis.
  EXPECT_EQ(static_cast<uint64_t>(TermKey("")), 14695981039346656037ULL);
}

}  // namespace
}  // namespace mqchat::search
