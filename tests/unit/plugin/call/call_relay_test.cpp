// The envelopes calls cross brokers in (call/call_relay.h), and the home a call id names.
#include "call/call_relay.h"

#include <gtest/gtest.h>

namespace mqchat::call {
namespace {

TEST(CallRelayTest, CallIdsNameTheirHome) {
  const std::string id = MakeCallId(2, 0x123456789abcdefULL);
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.substr(0, 3), "002");
  EXPECT_EQ(HomeOfCall(id), 2);
  EXPECT_EQ(HomeOfCall(MakeCallId(1023, 7)), 1023);
  EXPECT_EQ(HomeOfCall("ab"), -1);       // too short to name one
  EXPECT_EQ(HomeOfCall("zz12345"), -1);  // not hex
}

TEST(CallRelayTest, RequestEnvelopeRoundTrips) {
  RelayEnvelope e;
  e.kind = RelayEnvelope::Kind::kRequest;
  e.from = 2;
  e.user = "bob";
  e.device = "phone";
  e.conversation_id = 7170981234567168001;
  e.op = 1;
  e.body = R"({"call_id":"0019f2c"})";
  e.client_id = "bob/phone";
  e.topic = "mqchat/v1/u/bob/d/phone/reply";
  e.correlation_data = std::string("\x00\xff\x10", 3);  // binary survives
  e.req_id = "r1";
  e.op_name = "call_accept";
  auto back = DecodeEnvelope(EncodeEnvelope(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, RelayEnvelope::Kind::kRequest);
  EXPECT_EQ(back->from, 2);
  EXPECT_EQ(back->user, "bob");
  EXPECT_EQ(back->device, "phone");
  EXPECT_EQ(back->conversation_id, 7170981234567168001);
  EXPECT_EQ(back->op, 1);
  EXPECT_EQ(back->body, e.body);
  EXPECT_EQ(back->client_id, "bob/phone");
  EXPECT_EQ(back->topic, e.topic);
  EXPECT_EQ(back->correlation_data, e.correlation_data);
  EXPECT_EQ(back->req_id, "r1");
  EXPECT_EQ(back->op_name, "call_accept");
}

TEST(CallRelayTest, DeliveryEnvelopesRoundTripAndGarbageIsRefused) {
  RelayEnvelope e;
  e.kind = RelayEnvelope::Kind::kToUser;
  e.user = "bob";
  e.except_client_id = "bob/phone";
  e.body = R"({"type":"call"})";
  auto back = DecodeEnvelope(EncodeEnvelope(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, RelayEnvelope::Kind::kToUser);
  EXPECT_EQ(back->except_client_id, "bob/phone");
  EXPECT_EQ(back->body, e.body);
  EXPECT_FALSE(DecodeEnvelope("not json"));
  EXPECT_FALSE(DecodeEnvelope(R"({"k":9})"));
  EXPECT_FALSE(DecodeEnvelope(R"({"k":1,"corr":"zz"})"));
  EXPECT_FALSE(DecodeEnvelope(R"({"k":0,"from":"two"})"));
}

}  // namespace
}  // namespace mqchat::call
