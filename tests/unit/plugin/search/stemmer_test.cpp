// The search stemmer (issue 17): a word and its common English inflections share one stem.
#include "search/stemmer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mqchat::search {
namespace {

// Every word of each group has the stem of the group's first word.
void ExpectSameStem(const std::vector<std::string>& words) {
  const std::string stem = StemWord(words.front());
  for (const auto& w : words) EXPECT_EQ(StemWord(w), stem) << w << " vs " << words.front();
}

TEST(SearchStemmerTest, PluralsAndInflectionsMeet) {
  ExpectSameStem({"meet", "meets", "meeting", "meetings"});
  ExpectSameStem({"plan", "plans", "planned", "planning"});
  ExpectSameStem({"party", "parties"});
  ExpectSameStem({"try", "tries", "tried", "trying"});
  ExpectSameStem({"use", "uses", "used", "using"});
  ExpectSameStem({"make", "makes", "making"});
  ExpectSameStem({"match", "matches", "matched", "matching"});
  ExpectSameStem({"box", "boxes"});
  ExpectSameStem({"class", "classes"});
  ExpectSameStem({"need", "needs", "needed", "needing"});
  ExpectSameStem({"agree", "agrees", "agreed", "agreeing"});
  ExpectSameStem({"run", "runs", "running"});
  ExpectSameStem({"call", "calls", "called", "calling"});
  ExpectSameStem({"lunch", "lunches"});
  ExpectSameStem({"day", "days"});
}

TEST(SearchStemmerTest, ShortAndUnsuffixedWordsStay) {
  for (const char* w : {"bus", "has", "its", "is", "status", "analysis", "bring", "thing", "red",
                        "bed", "the", "be", "go", "sing"}) {
    EXPECT_EQ(StemWord(w), w);
  }
}

TEST(SearchStemmerTest, WordsOtherThanAsciiLettersAreLeftAlone) {
  EXPECT_EQ(StemWord("mp3s"), "mp3s");
  EXPECT_EQ(StemWord("2024"), "2024");
  EXPECT_EQ(StemWord("cafés"), "cafés");
  EXPECT_EQ(StemWord("встречи"), "встречи");
}

TEST(SearchStemmerTest, DifferentWordsKeepDifferentStems) {
  EXPECT_NE(StemWord("meeting"), StemWord("meat"));
  EXPECT_NE(StemWord("lunch"), StemWord("launch"));
  EXPECT_NE(StemWord("meet"), StemWord("mate"));
}

}  // namespace
}  // namespace mqchat::search
