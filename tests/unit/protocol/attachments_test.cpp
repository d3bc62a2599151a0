// Attachments in the protocol library (docs/PROTOCOL.md, "Attachments"): a send's
// `attachments` (at most kMaxAttachments distinct attachment ids, else INVALID; with them the
// text may be empty) and a message's attachments, encoded alike by the tree encoder and the
// message event writer, and decoded with bounds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/attachments.h"
#include "protocol/errors.h"
#include "protocol/requests.h"
#include "protocol/wire.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

const RequestLimits kLimits;
const std::string kA(32, 'a');
const std::string kB = "0123456789abcdef0123456789abcdef";

ParsedRequest ParseSend(const json& payload) {
  return ParseRequest("mqchat/v1/c/7/send", payload.dump(), kLimits);
}

TEST(AttachmentsProtocolTest, SendCarriesDistinctAttachmentIdsAndMayHaveNoText) {
  auto parsed = ParseSend({{"client_msg_id", "c"}, {"text", ""}, {"attachments", {kA, kB}}});
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(std::get<SendRequest>(parsed.request.body).attachments,
            (std::vector<std::string>{kA, kB}));
  auto plain = ParseSend({{"client_msg_id", "c"}, {"text", ""}});
  ASSERT_TRUE(plain.error);
  EXPECT_EQ(plain.error->code, ErrorCode::kEmptyText) << "no attachments: text is required";
  // The encoder writes what the parser reads.
  Request request;
  request.op = Op::kSend;
  request.conversation_id = 7;
  request.body = std::get<SendRequest>(parsed.request.body);
  auto again = ParseRequest("mqchat/v1/c/7/send", EncodeRequest(request), kLimits);
  ASSERT_FALSE(again.error);
  EXPECT_EQ(std::get<SendRequest>(again.request.body).attachments,
            (std::vector<std::string>{kA, kB}));
}

TEST(AttachmentsProtocolTest, BadListsAreInvalid) {
  std::vector<std::string> eleven;
  for (size_t i = 0; i < kMaxAttachments + 1; ++i) {
    eleven.push_back(std::string(31, 'a') + "0123456789a"[i]);
  }
  for (const json& list : {json(kA), json({5}), json({kA, kA}), json(eleven), json({"A" + kA}),
                           json({kA.substr(1)}), json({"../" + kA.substr(3)})}) {
    auto parsed = ParseSend({{"client_msg_id", "c"}, {"text", "x"}, {"attachments", list}});
    ASSERT_TRUE(parsed.error) << list.dump();
    EXPECT_EQ(parsed.error->code, ErrorCode::kInvalid) << list.dump();
  }
  eleven.pop_back();
  EXPECT_FALSE(ParseSend({{"client_msg_id", "c"}, {"text", "x"}, {"attachments", eleven}}).error);
}

WireMessage MessageWith(std::vector<WireAttachment> attachments) {
  WireMessage m;
  m.conversation_id = 7;
  m.seq = 1;
  m.message_id = 9;
  m.sender = "alice";
  m.client_msg_id = "c";
  m.sent_at_ms = 5;
  m.attachments = std::move(attachments);
  return m;
}

TEST(AttachmentsProtocolTest, MessagesCarryThemInBothEncodingsAndDecodeThem) {
  const WireAttachment picture{kA, "beach \"1\".png", "image/png", 1234, 640, 400, true};
  const WireAttachment notes{kB, "notes.txt", "text/plain", 12, 0, 0, false};
  const WireMessage m = MessageWith({picture, notes});
  const json tree = EncodeMessage(m);
  const json expected = json::array(
      {{{"id", kA}, {"name", "beach \"1\".png"}, {"content_type", "image/png"}, {"size", 1234},
        {"width", 640}, {"height", 400}, {"thumbnail", true}},
       {{"id", kB}, {"name", "notes.txt"}, {"content_type", "text/plain"}, {"size", 12},
        {"width", 0}, {"height", 0}, {"thumbnail", false}}});
  EXPECT_EQ(tree["attachments"], expected);
  const json event = json::parse(MessageEvent(m));
  EXPECT_EQ(event["attachments"], expected);
  auto decoded = DecodeMessage(event);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->attachments, m.attachments);
  EXPECT_FALSE(EncodeMessage(MessageWith({})).contains("attachments")) << "absent when none";
  EXPECT_FALSE(json::parse(MessageEvent(MessageWith({}))).contains("attachments"));
}

TEST(AttachmentsProtocolTest, DecodingIsBounded) {
  json event = EncodeMessage(MessageWith({}));
  const json one = {{"id", kA}, {"name", "n"}, {"content_type", "t"}, {"size", 1}};
  event["attachments"] = json::array();
  for (size_t i = 0; i < kMaxAttachments + 1; ++i) event["attachments"].push_back(one);
  EXPECT_FALSE(DecodeMessage(event).ok()) << "more than kMaxAttachments";
  event["attachments"] = json::array({{{"id", kA}, {"name", "n"}, {"size", -1}}});
  EXPECT_FALSE(DecodeMessage(event).ok()) << "negative size, no type";
  event["attachments"] = "x";
  EXPECT_FALSE(DecodeMessage(event).ok());
  event["attachments"] = json::array({one});
  auto ok = DecodeMessage(event);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->attachments[0].width, 0) << "optional dimensions";
  // The store's column round trip.
  auto column = ParseAttachmentsText(AttachmentsText(ok->attachments));
  ASSERT_TRUE(column.ok());
  EXPECT_EQ(*column, ok->attachments);
  EXPECT_TRUE(ParseAttachmentsText("").value().empty());
  EXPECT_FALSE(ParseAttachmentsText("{").ok());
}

}  // namespace
}  // namespace mqchat::protocol
