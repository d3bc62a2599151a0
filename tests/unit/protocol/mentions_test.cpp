// Mentions in the protocol library (docs/PROTOCOL.md, "Mentions"): the `mentions` of a send and
// an edit (valid usernames, repeats dropped, at most kMaxMentions), push_settings'
// mention_push, and the wire's `mentions` and `unread_mentions`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/requests.h"
#include "protocol/wire.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

const RequestLimits kLimits;

ParsedRequest Parse(const std::string& topic, const json& payload) {
  return ParseRequest(topic, payload.dump(), kLimits);
}

TEST(MentionsProtocolTest, SendAndEditCarryValidatedDeduplicatedMentions) {
  auto send = Parse("mqchat/v1/c/7/send", {{"client_msg_id", "c"},
                                           {"text", "@bob @carol"},
                                           {"mentions", {"bob", "carol", "bob"}}});
  ASSERT_FALSE(send.error) << send.error->message;
  EXPECT_EQ(std::get<SendRequest>(send.request.body).mentions,
            (std::vector<std::string>{"bob", "carol"}));
  auto edit = Parse("mqchat/v1/c/7/edit",
                    {{"client_msg_id", "e"}, {"seq", 1}, {"text", "x"}, {"mentions", {"dave"}}});
  ASSERT_FALSE(edit.error) << edit.error->message;
  EXPECT_EQ(std::get<EditRequest>(edit.request.body).mentions, (std::vector<std::string>{"dave"}));
  auto none = Parse("mqchat/v1/c/7/send", {{"client_msg_id", "c"}, {"text", "x"}});
  ASSERT_FALSE(none.error);
  EXPECT_TRUE(std::get<SendRequest>(none.request.body).mentions.empty());
}

TEST(MentionsProtocolTest, BadOrTooManyMentionsAreBadRequests) {
  const json base = {{"client_msg_id", "c"}, {"text", "x"}};
  for (const json& mentions : {json("bob"), json({"a/b"}), json({5}), json({""})}) {
    json payload = base;
    payload["mentions"] = mentions;
    auto parsed = Parse("mqchat/v1/c/7/send", payload);
    ASSERT_TRUE(parsed.error) << mentions.dump();
    EXPECT_EQ(parsed.error->code, ErrorCode::kBadRequest) << mentions.dump();
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < kMaxMentions; ++i) names.push_back("u" + std::to_string(i));
  json at_limit = base;
  at_limit["mentions"] = names;
  EXPECT_FALSE(Parse("mqchat/v1/c/7/send", at_limit).error);
  names.push_back("one_more");
  json over = base;
  over["mentions"] = names;
  auto parsed = Parse("mqchat/v1/c/7/send", over);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->code, ErrorCode::kBadRequest);
}

TEST(MentionsProtocolTest, PushSettingsTakesPreviewOrMentionPushOrBoth) {
  auto only = Parse("mqchat/v1/req/push_settings", {{"mention_push", false}});
  ASSERT_FALSE(only.error) << only.error->message;
  const auto& body = std::get<PushSettingsRequest>(only.request.body);
  EXPECT_FALSE(body.has_preview);
  ASSERT_TRUE(body.mention_push.has_value());
  EXPECT_FALSE(*body.mention_push);
  EXPECT_EQ(EncodeRequest(only.request), R"({"mention_push":false})");
  auto both = Parse("mqchat/v1/req/push_settings", {{"preview", false}, {"mention_push", true}});
  ASSERT_FALSE(both.error);
  EXPECT_TRUE(std::get<PushSettingsRequest>(both.request.body).has_preview);
  EXPECT_FALSE(std::get<PushSettingsRequest>(both.request.body).preview);
  auto bad = Parse("mqchat/v1/req/push_settings", {{"mention_push", 1}});
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->code, ErrorCode::kBadRequest);
  EXPECT_TRUE(Parse("mqchat/v1/req/push_settings", json::object()).error);
}

TEST(MentionsProtocolTest, RequestsWithMentionsRoundTrip) {
  const std::vector<Request> requests = {
      {Op::kSend, 3, "", SendRequest{"s", "@bob", 0, {"bob", "carol"}}},
      {Op::kSend, 3, "", SendRequest{"r", "re @bob", 2, {"bob"}}},
      {Op::kEdit, 3, "", EditRequest{"e", 1, "@carol", {"carol"}}},
  };
  for (const Request& request : requests) {
    const std::string payload = EncodeRequest(request);
    EXPECT_NE(payload.find(R"("mentions":[)"), std::string::npos) << payload;
    ParsedRequest parsed =
        ParseRequest(RequestTopic(request.op, request.conversation_id), payload, kLimits);
    ASSERT_FALSE(parsed.error) << payload;
    EXPECT_EQ(EncodeRequest(parsed.request), payload);
  }
}

TEST(MentionsProtocolTest, MessagesAndSummariesCarryMentionsOnTheWire) {
  WireMessage m;
  m.conversation_id = 5;
  m.seq = 2;
  m.message_id = 9;
  m.sender = "alice";
  m.client_msg_id = "c";
  m.text = "@bob";
  m.mentions = {"bob"};
  auto event = DecodeInboxEvent(MessageEvent(m));
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  auto live = DecodeMessage(event->body);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_EQ(live->mentions, m.mentions);
  auto tree = EncodeMessage(m);
  EXPECT_EQ(tree["mentions"], json({"bob"}));
  auto back = DecodeMessage(tree);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->mentions, m.mentions);
  m.mentions.clear();
  EXPECT_FALSE(EncodeMessage(m).contains("mentions")) << "absent when none";
  EXPECT_EQ(MessageEvent(m).find("mentions"), std::string::npos);

  WireSummary s;
  s.conversation_id = 5;
  s.kind = "group";
  s.unread_mentions = 3;
  auto summary = DecodeSummary(EncodeSummary(s));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unread_mentions, 3);
  json old = EncodeSummary(s);
  old.erase("unread_mentions");
  auto from_old = DecodeSummary(old);
  ASSERT_TRUE(from_old.ok());
  EXPECT_EQ(from_old->unread_mentions, 0) << "an older server's summary";
}

TEST(MentionsProtocolTest, MentionNotMemberIsAnInvalidArgumentForTheSdk) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kMentionNotMember), "MENTION_NOT_MEMBER");
  EXPECT_EQ(ParseErrorCode("MENTION_NOT_MEMBER"), ErrorCode::kMentionNotMember);
  Status s = ErrorToStatus({ErrorCode::kMentionNotMember, "dave is not a member"});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace mqchat::protocol
