// ValidateEmoji: a reaction is one emoji by the documented simple rule (protocol/emoji.h), and
// the message-event requests parse and re-encode.
#include "protocol/emoji.h"

#include <gtest/gtest.h>

#include "protocol/requests.h"
#include "protocol/topics.h"

namespace mqchat::protocol {
namespace {

TEST(EmojiTest, OneEmojiInTheShapesEmojiTakeIsAccepted) {
  for (const char* ok : {
           "\xF0\x9F\x91\x8D",                                  // thumbs up
           "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",                  // with a skin tone
           "\xE2\x9D\xA4\xEF\xB8\x8F",                          // heart + VS16
           "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",  // family
           "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",                  // flag: FR
           "1\xEF\xB8\x8F\xE2\x83\xA3",                          // keycap 1
           "\xC3\xA9",                                           // a single non-ASCII letter
       }) {
    EXPECT_EQ(ValidateEmoji(ok), std::nullopt) << ok;
  }
}

TEST(EmojiTest, AnythingElseIsBadEmoji) {
  for (const char* bad : {
           "", "a", "ab", " ", "\n", "\xF0\x9F\x91\x8D\xF0\x9F\x91\x8D",  // two emoji
           " \xF0\x9F\x91\x8D",                                          // leading space
           "\xF0\x9F\x87\xAB",                                           // half a flag
           "\xE2\x80\x8D\xF0\x9F\x91\x8D",                               // starts with ZWJ
           "\xCC\x81",                                                   // lone combining mark
           "\xFF",                                                       // not UTF-8
       }) {
    auto error = ValidateEmoji(bad);
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code, ErrorCode::kBadEmoji);
  }
  EXPECT_TRUE(ValidateEmoji(std::string(kMaxEmojiBytes + 1, '\xA9')).has_value());
}

TEST(EmojiTest, EventRequestsRoundTrip) {
  Request react;
  react.op = Op::kReact;
  react.conversation_id = 7;
  react.req_id = "r";
  react.body = ReactRequest{"c-1", 3, "\xF0\x9F\x91\x8D", true};
  ParsedRequest parsed = ParseRequest(RequestTopic(Op::kReact, 7), EncodeRequest(react), {});
  ASSERT_FALSE(parsed.error.has_value()) << parsed.error->message;
  const auto& body = std::get<ReactRequest>(parsed.request.body);
  EXPECT_EQ(body.seq, 3);
  EXPECT_TRUE(body.remove);
  EXPECT_EQ(EncodeRequest(parsed.request), EncodeRequest(react));

  parsed = ParseRequest(RequestTopic(Op::kEdit, 7), R"({"client_msg_id":"e","seq":0,"text":"x"})",
                        {});
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->code, ErrorCode::kBadRequest);  // seq 0 names no message
  parsed = ParseRequest(RequestTopic(Op::kSend, 7),
                        R"({"client_msg_id":"s","text":"x","reply_to":4})", {});
  ASSERT_FALSE(parsed.error.has_value());
  EXPECT_EQ(std::get<SendRequest>(parsed.request.body).reply_to, 4);
}

}  // namespace
}  // namespace mqchat::protocol
