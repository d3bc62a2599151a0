#include "protocol/text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mqchat::protocol {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(Utf8Test, AcceptsValidSequencesOfEveryLength) {
  const std::pair<std::string, size_t> valid[] = {
      {"", 0},
      {"a", 1},
      {"hello, world", 12},
      {Bytes({0x7F}), 1},                    // largest 1-byte
      {Bytes({0xC2, 0x80}), 1},              // U+0080, smallest 2-byte
      {"\xC3\xA9", 1},                       // é
      {Bytes({0xDF, 0xBF}), 1},              // U+07FF
      {Bytes({0xE0, 0xA0, 0x80}), 1},        // U+0800, smallest 3-byte
      {"\xE2\x82\xAC", 1},                   // €
      {Bytes({0xED, 0x9F, 0xBF}), 1},        // U+D7FF, just below surrogates
      {Bytes({0xEE, 0x80, 0x80}), 1},        // U+E000, just above surrogates
      {Bytes({0xEF, 0xBF, 0xBF}), 1},        // U+FFFF
      {Bytes({0xF0, 0x90, 0x80, 0x80}), 1},  // U+10000, smallest 4-byte
      {"\xF0\x9F\x98\x80", 1},               // 😀
      {Bytes({0xF4, 0x8F, 0xBF, 0xBF}), 1},  // U+10FFFF, the largest
      {"a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z", 5},
      {"ASCII run longer than eight bytes \xC3\xA9 then more ASCII text", 56},
  };
  for (const auto& [text, code_points] : valid) {
    Utf8Scan scan = ScanUtf8(text);
    EXPECT_TRUE(scan.valid) << "refused " << ::testing::PrintToString(text);
    EXPECT_EQ(scan.code_points, code_points) << ::testing::PrintToString(text);
    EXPECT_EQ(CountCodePoints(text), code_points);
    EXPECT_TRUE(IsValidUtf8(text));
  }
}

TEST(Utf8Test, RefusesEveryIllFormedClass) {
  const std::pair<const char*, std::string> invalid[] = {
      {"stray continuation", Bytes({0x80})},
      {"stray continuation after ASCII", Bytes({'a', 'b', 0xBF})},
      {"overlong 2-byte C0", Bytes({0xC0, 0x80})},
      {"overlong 2-byte C1", Bytes({0xC1, 0xBF})},
      {"overlong 3-byte", Bytes({0xE0, 0x80, 0x80})},
      {"overlong 3-byte upper", Bytes({0xE0, 0x9F, 0xBF})},
      {"overlong 4-byte", Bytes({0xF0, 0x80, 0x80, 0x80})},
      {"overlong 4-byte upper", Bytes({0xF0, 0x8F, 0xBF, 0xBF})},
      {"surrogate U+D800", Bytes({0xED, 0xA0, 0x80})},
      {"surrogate U+DFFF", Bytes({0xED, 0xBF, 0xBF})},
      {"surrogate pair as CESU-8", Bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})},
      {"above U+10FFFF", Bytes({0xF4, 0x90, 0x80, 0x80})},
      {"F5 lead", Bytes({0xF5, 0x80, 0x80, 0x80})},
      {"FF byte", Bytes({0xFF})},
      {"FE byte", Bytes({0xFE})},
      {"5-byte form", Bytes({0xF8, 0x88, 0x80, 0x80, 0x80})},
      {"truncated 2-byte", Bytes({0xC3})},
      {"truncated 3-byte", Bytes({0xE2, 0x82})},
      {"truncated 4-byte", Bytes({0xF0, 0x9F, 0x98})},
      {"truncated then ASCII", Bytes({0xE2, 0x82, 'a'})},
      {"lead then lead", Bytes({0xC3, 0xC3, 0xA9})},
      {"missing continuation at 4th byte", Bytes({0xF0, 0x9F, 0x98, 0x20})},
  };
  for (const auto& [what, text] : invalid) {
    EXPECT_FALSE(IsValidUtf8(text)) << what;
    auto error = ValidateMessageText(text, 100);
    ASSERT_TRUE(error.has_value()) << what;
    EXPECT_EQ(error->code, ErrorCode::kInvalidUtf8) << what;
  }
}

TEST(Utf8Test, ReportsOffsetOfFirstError) {
  Utf8Scan scan = ScanUtf8("0123456789abcdef\xC3\xA9xyz\x80tail");
  EXPECT_FALSE(scan.valid);
  EXPECT_EQ(scan.error_offset, 21u);
  EXPECT_EQ(scan.code_points, 20u);
}

TEST(Utf8Test, NulIsValidUtf8ButFlagged) {
  std::string with_nul("abcdefghij\0klmnop", 17);
  Utf8Scan scan = ScanUtf8(with_nul);
  EXPECT_TRUE(scan.valid);
  EXPECT_TRUE(scan.has_nul);
  EXPECT_EQ(scan.nul_offset, 10u);
  EXPECT_EQ(scan.code_points, 17u);
}

TEST(MessageTextTest, RefusesNulEmptyAndTooLong) {
  auto nul = ValidateMessageText(std::string("hi\0there", 8), 100);
  ASSERT_TRUE(nul.has_value());
  EXPECT_EQ(nul->code, ErrorCode::kInvalidUtf8);
  EXPECT_EQ(nul->message, "text contains NUL");

  auto empty = ValidateMessageText("", 100);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->code, ErrorCode::kEmptyText);

  auto long_text = ValidateMessageText("abcdef", 5);
  ASSERT_TRUE(long_text.has_value());
  EXPECT_EQ(long_text->code, ErrorCode::kTooLong);
  EXPECT_EQ(long_text->message, "text has 6 characters; the limit is 5");

  EXPECT_FALSE(ValidateMessageText("abcde", 5).has_value());
  EXPECT_FALSE(ValidateMessageText(" ", 5).has_value());  // only zero bytes count as empty
}

TEST(MessageTextTest, LimitCountsCodePointsNotBytes) {
  std::string emoji;
  for (int i = 0; i < 100000; ++i) emoji += "\xF0\x9F\x98\x80";
  ASSERT_EQ(emoji.size(), 400000u);
  EXPECT_EQ(CountCodePoints(emoji), 100000u);
  EXPECT_FALSE(ValidateMessageText(emoji, 100000).has_value());

  emoji += "\xF0\x9F\x98\x80";
  auto error = ValidateMessageText(emoji, 100000);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::kTooLong);
  EXPECT_EQ(error->message, "text has 100001 characters; the limit is 100000");

  // 100,000 ASCII characters pass, 100,001 do not.
  EXPECT_FALSE(ValidateMessageText(std::string(100000, 'x'), 100000).has_value());
  EXPECT_EQ(ValidateMessageText(std::string(100001, 'x'), 100000)->code, ErrorCode::kTooLong);
}

TEST(MessageTextTest, InvalidUtf8WinsOverLength) {
  std::string text(200, 'a');
  text += "\xED\xA0\x80";
  auto error = ValidateMessageText(text, 10);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, ErrorCode::kInvalidUtf8);
  EXPECT_EQ(error->message, "text is not valid UTF-8 (at byte 200)");
}

TEST(MessageTextTest, LargeTextIsFast) {
  std::string mixed;
  while (mixed.size() < 400000) mixed += "plain ascii words \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 ";
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(ScanUtf8(mixed).valid);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // 8 MB scanned; even an unoptimized build does this well under a second.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST(MessageTextTest, ConversationNames) {
  EXPECT_FALSE(ValidateConversationName("name", "Team").has_value());
  EXPECT_FALSE(ValidateConversationName("name", std::string(200, 'x')).has_value());
  std::string emoji_name;
  for (int i = 0; i < 200; ++i) emoji_name += "\xF0\x9F\x98\x80";
  EXPECT_FALSE(ValidateConversationName("name", emoji_name).has_value());
  EXPECT_EQ(ValidateConversationName("name", emoji_name + "x")->code, ErrorCode::kBadRequest);
  EXPECT_EQ(ValidateConversationName("name", "")->code, ErrorCode::kBadRequest);
  EXPECT_EQ(ValidateConversationName("name", "\xC0\x80")->code, ErrorCode::kInvalidUtf8);
  EXPECT_EQ(ValidateConversationName("name", std::string("a\0b", 3))->code,
            ErrorCode::kInvalidUtf8);
}

}  // namespace
}  // namespace mqchat::protocol
