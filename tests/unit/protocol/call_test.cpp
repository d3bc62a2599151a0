// The call ops' topics and requests (protocol/call.h): what parses, what is refused and how.
#include "protocol/call.h"

#include <gtest/gtest.h>

namespace mqchat::protocol {
namespace {

TEST(CallProtocolTest, TopicsNameTheCallOps) {
  auto t = CallOpOfTopic("mqchat/v1/c/12/call_invite");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->op, CallOp::kInvite);
  EXPECT_EQ(t->conversation_id, 12);
  EXPECT_FALSE(t->error);
  auto ice = CallOpOfTopic("mqchat/v1/req/ice_servers");
  ASSERT_TRUE(ice);
  EXPECT_EQ(ice->op, CallOp::kIceServers);
  auto bad = CallOpOfTopic("mqchat/v1/c/012/call_accept");
  ASSERT_TRUE(bad);
  ASSERT_TRUE(bad->error);
  EXPECT_EQ(bad->error->code, ErrorCode::kBadRequest);
  EXPECT_FALSE(CallOpOfTopic("mqchat/v1/c/12/send"));
  EXPECT_FALSE(CallOpOfTopic("mqchat/v1/req/call_invite"));  // a conversation op
  EXPECT_FALSE(CallOpOfTopic("mqchat/v1/c/12/ice_servers"));
  EXPECT_FALSE(CallOpOfTopic("mqchat/v1/c/12/call_invite/x"));
  EXPECT_EQ(CallRequestTopic(CallOp::kSignal, 7), "mqchat/v1/c/7/call_signal");
  EXPECT_EQ(CallRequestTopic(CallOp::kIceServers), "mqchat/v1/req/ice_servers");
}

TEST(CallProtocolTest, SignalParses) {
  auto p = ParseCallRequest(CallOp::kSignal,
                            R"({"req_id":"r1","call_id":"ab12","to":"bob/phone","signal":"candidate",)"
                            R"("candidate":"candidate:1 1 udp 1 1.2.3.4 9 typ host","sdp_mid":"0","sdp_mline_index":0})");
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(p.req_id, "r1");
  EXPECT_EQ(p.request.signal, SignalKind::kCandidate);
  EXPECT_EQ(p.request.to, "bob/phone");
  EXPECT_EQ(p.request.sdp_mid, "0");
  EXPECT_EQ(p.request.sdp_mline_index, 0);
  // It round-trips through the SDK's encoder.
  auto again = ParseCallRequest(CallOp::kSignal, EncodeCallRequest(p.request).dump());
  ASSERT_FALSE(again.error);
  EXPECT_EQ(again.request.candidate, p.request.candidate);
}

TEST(CallProtocolTest, RefusalsAreClear) {
  struct Case {
    CallOp op;
    std::string payload;
    ErrorCode code;
    std::string message;
  } cases[] = {
      {CallOp::kAccept, "{}", ErrorCode::kBadRequest, "call_id is required"},
      {CallOp::kAccept, R"({"call_id":"XYZ"})", ErrorCode::kBadRequest,
       "call_id must be 1..32 characters of [0-9a-f]"},
      {CallOp::kInvite, R"({"video":"yes"})", ErrorCode::kBadRequest,
       "video must be true or false"},
      {CallOp::kSignal, R"({"call_id":"a","signal":"hello","to":"b/c"})", ErrorCode::kBadRequest,
       "signal must be offer, answer, candidate or media"},
      {CallOp::kSignal, R"({"call_id":"a","signal":"offer","to":"nobody","sdp":"v=0"})",
       ErrorCode::kBadRequest, "to must be a client id, <user>/<device>"},
      {CallOp::kSignal, R"({"call_id":"a","signal":"media"})", ErrorCode::kBadRequest,
       "media needs audio or video"},
      {CallOp::kHangup, "[1]", ErrorCode::kBadRequest, "payload must be a JSON object"},
  };
  for (const auto& c : cases) {
    auto p = ParseCallRequest(c.op, c.payload);
    ASSERT_TRUE(p.error) << c.payload;
    EXPECT_EQ(p.error->code, c.code) << c.payload;
    EXPECT_EQ(p.error->message, c.message) << c.payload;
  }
}

TEST(CallProtocolTest, OversizeSdpIsNamed) {
  nlohmann::json req = {{"call_id", "a"}, {"to", "b/c"}, {"signal", "offer"},
                        {"sdp", std::string(kMaxSdpBytes + 1, 'x')}};
  auto p = ParseCallRequest(CallOp::kSignal, req.dump());
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(p.error->message, "sdp has 65537 bytes; the limit is 65536");
  req["sdp"] = std::string(kMaxSdpBytes, 'x');
  EXPECT_FALSE(ParseCallRequest(CallOp::kSignal, req.dump()).error);
  auto huge = ParseCallRequest(CallOp::kSignal, std::string(kMaxCallRequestBytes + 1, ' '));
  ASSERT_TRUE(huge.error);
  EXPECT_EQ(huge.error->code, ErrorCode::kTooLarge);
}

TEST(CallProtocolTest, EventsDecode) {
  auto e = CallEventBase(call_events::kRinging, 12, "ab");
  e[call_fields::kCaller] = "alice";
  auto d = DecodeCallEvent(e);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->event, "ringing");
  EXPECT_EQ(d->conversation_id, 12);
  EXPECT_EQ(d->call_id, "ab");
  EXPECT_EQ(d->fields["caller"], "alice");
  EXPECT_FALSE(DecodeCallEvent({{"type", "message"}}));
}

}  // namespace
}  // namespace mqchat::protocol
