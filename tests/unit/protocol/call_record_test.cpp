// A call's record in the log (protocol/call_record.h) and the call entry on the wire
// (protocol/wire.h): written once, read back the same, live events included; a malformed record
// leaves the entry without one rather than failing it.
#include "protocol/call_record.h"

#include <gtest/gtest.h>

#include "protocol/wire.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

CallRecord Sample() {
  CallRecord r;
  r.call_id = "9f2c";
  r.outcome = call_outcomes::kAnswered;
  r.video = true;
  r.duration_ms = 180000;
  r.participants = {"alice", "bob"};
  return r;
}

TEST(CallRecordTest, RoundTripsThroughTheStoredBody) {
  const std::string body = EncodeCallRecord(Sample()).dump();
  auto back = ParseCallRecord(body);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->call_id, "9f2c");
  EXPECT_EQ(back->outcome, "answered");
  EXPECT_TRUE(back->video);
  EXPECT_EQ(back->duration_ms, 180000);
  EXPECT_EQ(back->participants, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_FALSE(back->MissedBy("bob"));
  EXPECT_TRUE(back->MissedBy("carol"));
  EXPECT_TRUE(back->declined.empty());
  CallRecord declined;
  declined.call_id = "1";
  declined.outcome = call_outcomes::kDeclined;
  declined.participants = {"alice"};
  declined.declined = {"bob"};
  auto d = DecodeCallRecord(EncodeCallRecord(declined));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->declined, (std::vector<std::string>{"bob"}));
  EXPECT_FALSE(d->MissedBy("bob"));
  EXPECT_TRUE(d->MissedBy("carol"));
  EXPECT_EQ(CallEntryKey("9f2c"), "call/9f2c");
  EXPECT_EQ(CallOutcomeOf("completed"), "answered");
  EXPECT_EQ(CallOutcomeOf("missed"), "missed");
}

TEST(CallRecordTest, RefusesWhatIsNotARecord) {
  EXPECT_FALSE(ParseCallRecord(""));  // an erased body (account deletion)
  EXPECT_FALSE(ParseCallRecord("not json"));
  EXPECT_FALSE(DecodeCallRecord(json{{"call_id", "1"}, {"outcome", "missed"}}));
  EXPECT_FALSE(DecodeCallRecord(
      json{{"call_id", "1"}, {"outcome", "missed"}, {"duration_ms", 0}, {"participants", {1}}}));
}

TEST(CallRecordTest, CallEntryOnTheWire) {
  WireMessage m;
  m.conversation_id = 12;
  m.seq = 7;
  m.message_id = 99;
  m.sender = "alice";
  m.client_msg_id = CallEntryKey("9f2c");
  m.sent_at_ms = 1700000000000;
  m.kind = "call";
  m.call = Sample();
  json live = json::parse(MessageEvent(m));
  EXPECT_EQ(live["kind"], "call");
  EXPECT_EQ(live["call"]["outcome"], "answered");
  EXPECT_EQ(live["call"], EncodeMessage(m)["call"]);  // live and history agree
  auto decoded = DecodeMessage(live);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(decoded->call);
  EXPECT_EQ(decoded->call->duration_ms, 180000);
  live["call"] = "garbage";
  decoded = DecodeMessage(live);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->call);
}

}  // namespace
}  // namespace mqchat::protocol
