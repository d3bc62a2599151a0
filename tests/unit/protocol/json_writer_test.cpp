#include "protocol/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "protocol/json_util.h"
#include "protocol/wire.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

// Strings a chat message may hold: every byte JSON must escape, quotes, backslashes, DEL,
// and 2-, 3- and 4-byte UTF-8.
const std::string kHostile = std::string("a\"b\\c/d\b\f\n\r\t") + std::string(1, '\0') +
                             "\x01\x1f\x7f" + "é€😀 end";

TEST(JsonObjectWriterTest, WritesWhatNlohmannWouldParseBack) {
  JsonObjectWriter w;
  std::string out = w.String("text", kHostile)
                        .Int("big", INT64_MAX)
                        .Int("negative", -42)
                        .Bool("yes", true)
                        .Bool("no", false)
                        .String("empty", "")
                        .Finish();
  json parsed = json::parse(out);
  EXPECT_EQ(parsed["text"], kHostile);
  EXPECT_EQ(parsed["big"], INT64_MAX);
  EXPECT_EQ(parsed["negative"], -42);
  EXPECT_EQ(parsed["yes"], true);
  EXPECT_EQ(parsed["no"], false);
  EXPECT_EQ(parsed["empty"], "");
  EXPECT_EQ(parsed.size(), 6u);
  // Escapes are the ones nlohmann's dump uses, byte for byte.
  EXPECT_EQ(out.substr(8, out.find(",\"big\"") - 8), DumpJson(json(kHostile)));
}

TEST(JsonObjectWriterTest, EmptyObjectAndReuse) {
  JsonObjectWriter w;
  EXPECT_EQ(w.Finish(), "{}");
  EXPECT_EQ(w.Int("a", 1).Finish(), "{\"a\":1}");
}

TEST(JsonObjectWriterTest, IllFormedUtf8IsReplacedNotPassedThrough) {
  JsonObjectWriter w;
  std::string out = w.String("t", std::string("ok\xff\xfe") + "x").Finish();
  json parsed = json::parse(out);  // would throw on ill-formed UTF-8
  EXPECT_EQ(parsed["t"], "ok\xEF\xBF\xBD\xEF\xBF\xBDx");
}

TEST(JsonObjectWriterTest, SendAckAndMessageEventMatchTheTreeEncoders) {
  WireAck ack;
  ack.conversation_id = 7170981234567168001;
  ack.seq = 42;
  ack.message_id = 7170981234567168999;
  ack.client_msg_id = kHostile;
  ack.server_time_ms = 1700000000000;
  ack.duplicate = true;
  EXPECT_EQ(json::parse(SendAckResponse("r1", ack)),
            json::parse(OkResponse(Op::kSend, "r1", EncodeAck(ack))));
  EXPECT_EQ(json::parse(SendAckResponse("", ack)),
            json::parse(OkResponse(Op::kSend, "", EncodeAck(ack))));

  WireMessage m;
  m.conversation_id = 123;
  m.seq = 9;
  m.message_id = 456;
  m.sender = "alice";
  m.client_msg_id = "c-1";
  m.text = kHostile + std::string(100000, 'x');
  m.sent_at_ms = 1700000000001;
  json expected = EncodeMessage(m);
  expected["type"] = "message";
  EXPECT_EQ(json::parse(MessageEvent(m)), expected);
}

}  // namespace
}  // namespace mqchat::protocol
