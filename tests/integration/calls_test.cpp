// Calls (issue 27; docs/PROTOCOL.md section 8) over a real broker with the plugin, on SQLite and
// PostgreSQL (membership comes from the store): ringing every device of the callee, the first
// device to accept takes the call, decline, cancel, hang up, busy, the ring timeout, signalling
// relayed in order to the one target device, refusals (non-member, unknown call, oversize SDP,
// signals over the rate), a device dropped mid-call leaving it, group calls, and the ICE
// servers with TURN REST API credentials. Calls are held by one broker (single-broker only).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "call/ice_servers.h"
#include "support/calls_fixture.h"

namespace mqchat::test {
namespace {

TEST_P(CallsTest, FirstDeviceToAcceptTakesTheCallAndTheOtherStopsRinging) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  ASSERT_FALSE(id.empty());
  auto accept = CallWith(*bob_phone_, CallOp::kAccept, conv_, id);
  ASSERT_TRUE(accept.ok()) << accept.Describe();
  const json& parts = (*accept.body)["participants"];
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0]["user"], "alice");
  EXPECT_EQ(parts[0]["device"], "laptop");
  EXPECT_FALSE((*accept.body)["ice_servers"].empty());
  auto stop = WaitCall(*bob_desk_, "ring_ended", id);
  ASSERT_TRUE(stop);
  EXPECT_EQ((*stop)["reason"], "answered_elsewhere");
  auto joined = WaitCall(*alice_, "joined", id);
  ASSERT_TRUE(joined);
  EXPECT_EQ((*joined)["user"], "bob");
  EXPECT_EQ((*joined)["device"], "phone");
  ASSERT_TRUE(WaitCall(*bob_phone_, "joined", id));
  EXPECT_FALSE(HasCall(*bob_phone_, "ring_ended"));  // published before "joined", had it come
  // The desk is too late: the call is taken.
  auto late = CallWith(*bob_desk_, CallOp::kAccept, conv_, id);
  EXPECT_EQ(late.error_code(), "INVALID") << late.Describe();
}

TEST_P(CallsTest, SignallingReachesOnlyTheTargetDeviceInOrder) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  Answer(id);
  auto offer = CallWith(*alice_, CallOp::kSignal, conv_, id,
                        {{"to", "bob/phone"}, {"signal", "offer"}, {"sdp", "v=0 offer"}});
  ASSERT_TRUE(offer.ok()) << offer.Describe();
  for (int i = 0; i < 3; ++i) {
    auto cand = CallWith(*alice_, CallOp::kSignal, conv_, id,
                         {{"to", "bob/phone"},
                          {"signal", "candidate"},
                          {"candidate", "candidate:" + std::to_string(i) + " 1 udp 1 127.0.0.1 9 typ host"},
                          {"sdp_mid", "0"},
                          {"sdp_mline_index", 0}});
    ASSERT_TRUE(cand.ok()) << cand.Describe();
  }
  auto got = WaitCall(*bob_phone_, "signal", id);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["signal"], "offer");
  EXPECT_EQ((*got)["sdp"], "v=0 offer");
  EXPECT_EQ((*got)["from"], "alice/laptop");
  int64_t last = (*got)["sig_seq"].get<int64_t>();
  for (int i = 0; i < 3; ++i) {
    auto c = WaitCall(*bob_phone_, "signal", id);
    ASSERT_TRUE(c);
    EXPECT_EQ((*c)["signal"], "candidate");
    EXPECT_EQ((*c)["candidate"], "candidate:" + std::to_string(i) + " 1 udp 1 127.0.0.1 9 typ host");
    EXPECT_EQ((*c)["sig_seq"].get<int64_t>(), last + 1);
    last = (*c)["sig_seq"].get<int64_t>();
  }
  auto answer = CallWith(*bob_phone_, CallOp::kSignal, conv_, id,
                         {{"to", "alice/laptop"}, {"signal", "answer"}, {"sdp", "v=0 answer"}});
  ASSERT_TRUE(answer.ok()) << answer.Describe();
  auto ans = WaitCall(*alice_, "signal", id);
  ASSERT_TRUE(ans);
  EXPECT_EQ((*ans)["sdp"], "v=0 answer");
  auto mute = CallWith(*bob_phone_, CallOp::kSignal, conv_, id, {{"signal", "media"}, {"audio", false}});
  ASSERT_TRUE(mute.ok()) << mute.Describe();
  auto m = WaitCall(*alice_, "signal", id);
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["signal"], "media");
  EXPECT_EQ((*m)["audio"], false);
  // The desk, not in the call, got none of it; a signal to it is refused.
  EXPECT_FALSE(HasCall(*bob_desk_, "signal"));
  auto stray = CallWith(*alice_, CallOp::kSignal, conv_, id,
                        {{"to", "bob/desk"}, {"signal", "offer"}, {"sdp", "v=0"}});
  EXPECT_EQ(stray.error_code(), "INVALID") << stray.Describe();
}

TEST_P(CallsTest, HangupEndsTheCallForBoth) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  Answer(id);
  auto hangup = CallWith(*bob_phone_, CallOp::kHangup, conv_, id);
  ASSERT_TRUE(hangup.ok()) << hangup.Describe();
  auto left = WaitCall(*alice_, "left", id);
  ASSERT_TRUE(left);
  EXPECT_EQ((*left)["reason"], "hangup");
  for (ChatTestClient* c : {alice_.get(), bob_phone_.get()}) {
    auto ended = WaitCall(*c, "ended", id);
    ASSERT_TRUE(ended);
    EXPECT_EQ((*ended)["reason"], "completed");
    EXPECT_EQ((*ended)["started_by"], "alice");
    EXPECT_EQ((*ended)["participants"], json({"alice", "bob"}));
  }
  // Over: the id is refused, and a new call may start.
  EXPECT_EQ(CallWith(*alice_, CallOp::kHangup, conv_, id).error_code(), "INVALID");
  EXPECT_TRUE(Call(*alice_, CallOp::kInvite, conv_).ok());
}

TEST_P(CallsTest, DeclineStopsEveryDeviceAndEndsTheCall) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  auto decline = CallWith(*bob_desk_, CallOp::kDecline, conv_, id);
  ASSERT_TRUE(decline.ok()) << decline.Describe();
  for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
    auto stop = WaitCall(*bob, "ring_ended", id);
    ASSERT_TRUE(stop);
    EXPECT_EQ((*stop)["reason"], "declined");
  }
  ASSERT_TRUE(WaitCall(*alice_, "declined", id));
  auto ended = WaitCall(*alice_, "ended", id);
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "declined");
  EXPECT_EQ((*ended)["duration_ms"], 0);
}

TEST_P(CallsTest, CallerCancelsBeforeAnswer) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  auto cancel = CallWith(*alice_, CallOp::kHangup, conv_, id);
  ASSERT_TRUE(cancel.ok()) << cancel.Describe();
  for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
    auto stop = WaitCall(*bob, "ring_ended", id);
    ASSERT_TRUE(stop);
    EXPECT_EQ((*stop)["reason"], "cancelled");
  }
  auto ended = WaitCall(*alice_, "ended", id);
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "cancelled");
  EXPECT_EQ(CallWith(*bob_phone_, CallOp::kAccept, conv_, id).error_code(), "INVALID");
}

TEST_P(CallsTest, CalleeInAnotherCallIsBusy) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  auto carol = Login("carol", "phone");
  const int64_t carol_bob = carol->OpenDirect("bob");
  auto first = Call(*carol, CallOp::kInvite, carol_bob);
  ASSERT_TRUE(first.ok()) << first.Describe();
  ASSERT_TRUE(WaitCall(*bob_desk_, "ringing", CallId(first)));
  ASSERT_TRUE(CallWith(*bob_desk_, CallOp::kAccept, carol_bob, CallId(first)).ok());
  auto invite = Call(*alice_, CallOp::kInvite, conv_);
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  auto busy = WaitCall(*alice_, "busy", CallId(invite));
  ASSERT_TRUE(busy);
  EXPECT_EQ((*busy)["user"], "bob");
  auto ended = WaitCall(*alice_, "ended", CallId(invite));
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "busy");
  // bob was not rung for alice's call.
  bob_phone_->PendingEvents();
  EXPECT_FALSE(WaitCall(*bob_phone_, "ringing", CallId(invite), std::chrono::milliseconds(0)));
}

TEST_P(CallsTest, NonMemberIsRefusedAndChangesNothing) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  auto carol = Login("carol", "phone");
  EXPECT_EQ(Call(*carol, CallOp::kInvite, conv_).error_code(), "NOT_MEMBER");
  const std::string id = Ring();
  for (CallOp op : {CallOp::kAccept, CallOp::kJoin, CallOp::kDecline, CallOp::kHangup}) {
    auto r = CallWith(*carol, op, conv_, id);
    EXPECT_EQ(r.error_code(), "NOT_MEMBER") << r.Describe();
  }
  auto sig = CallWith(*carol, CallOp::kSignal, conv_, id,
                      {{"to", "alice/laptop"}, {"signal", "offer"}, {"sdp", "v=0"}});
  EXPECT_EQ(sig.error_code(), "NOT_MEMBER") << sig.Describe();
  // An id that does not exist, and one that is not an id.
  EXPECT_EQ(CallWith(*bob_phone_, CallOp::kAccept, conv_, "0123456789abcdef").error_code(),
            "INVALID");
  EXPECT_EQ(CallWith(*bob_phone_, CallOp::kAccept, conv_, "NOT-AN-ID").error_code(),
            "BAD_REQUEST");
  // The call is untouched: bob still takes it.
  Answer(id);
}

TEST_P(CallsTest, OversizeSdpIsRefusedWithAClearError) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  Answer(id);
  auto big = CallWith(*alice_, CallOp::kSignal, conv_, id,
                      {{"to", "bob/phone"}, {"signal", "offer"},
                       {"sdp", std::string(protocol::kMaxSdpBytes + 1, 'a')}});
  EXPECT_EQ(big.error_code(), "TOO_LARGE") << big.Describe();
  ASSERT_TRUE(big.body);
  EXPECT_EQ((*big.body)["error"]["message"], "sdp has 65537 bytes; the limit is 65536");
  // At the limit it goes through, and it is the first signal bob receives.
  auto fits = CallWith(*alice_, CallOp::kSignal, conv_, id,
                       {{"to", "bob/phone"}, {"signal", "offer"},
                        {"sdp", std::string(protocol::kMaxSdpBytes, 'b')}});
  ASSERT_TRUE(fits.ok()) << fits.Describe();
  auto got = WaitCall(*bob_phone_, "signal", id);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["sdp"].get<std::string>().size(), protocol::kMaxSdpBytes);
  EXPECT_EQ((*got)["sig_seq"], 1);
}

TEST_P(CallsTest, DeviceDroppedMidCallLeavesIt) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  RawDevice tablet;
  ASSERT_TRUE(tablet.Connect(server_->port(), "bob/tablet", "bob", Token("bob")));
  // bob is being rung, so any device of his may take the call, one that connected since too.
  json accept = {{"call_id", id}};
  ASSERT_TRUE(tablet.Publish(protocol::CallRequestTopic(CallOp::kAccept, conv_), accept.dump()));
  auto joined = WaitCall(*alice_, "joined", id);
  ASSERT_TRUE(joined);
  EXPECT_EQ((*joined)["device"], "tablet");
  tablet.Drop();  // no DISCONNECT: the connection is lost
  auto left = WaitCall(*alice_, "left", id);
  ASSERT_TRUE(left);
  EXPECT_EQ((*left)["device"], "tablet");
  EXPECT_EQ((*left)["reason"], "dropped");
  auto ended = WaitCall(*alice_, "ended", id);
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "completed");
  EXPECT_TRUE(Call(*alice_, CallOp::kInvite, conv_).ok());  // alice is free again
}

TEST_P(CallsTest, GroupCallJoinAndMediaToAll) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol", "dan"});
  alice_ = Login("alice", "laptop");
  auto bob = Login("bob", "phone");
  auto carol = Login("carol", "phone");
  const int64_t group = alice_->CreateGroup("team", {"bob", "carol"});
  ASSERT_GT(group, 0);
  auto invite = Call(*alice_, CallOp::kInvite, group);
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  const std::string id = CallId(invite);
  ASSERT_TRUE(WaitCall(*bob, "ringing", id));
  ASSERT_TRUE(WaitCall(*carol, "ringing", id));
  ASSERT_TRUE(CallWith(*bob, CallOp::kAccept, group, id).ok());
  auto join = CallWith(*carol, CallOp::kJoin, group, id);
  ASSERT_TRUE(join.ok()) << join.Describe();
  EXPECT_EQ((*join.body)["participants"].size(), 2u);
  ASSERT_TRUE(WaitCall(*alice_, "joined", id));
  ASSERT_TRUE(WaitCall(*alice_, "joined", id));
  auto media = CallWith(*carol, CallOp::kSignal, group, id, {{"signal", "media"}, {"video", false}});
  ASSERT_TRUE(media.ok()) << media.Describe();
  for (ChatTestClient* c : {alice_.get(), bob.get()}) {
    auto m = WaitCall(*c, "signal", id);
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["from"], "carol/phone");
    EXPECT_EQ((*m)["video"], false);
  }
  // A group call goes on when its caller leaves.
  ASSERT_TRUE(CallWith(*alice_, CallOp::kHangup, group, id).ok());
  auto left = WaitCall(*bob, "left", id);
  ASSERT_TRUE(left);
  EXPECT_EQ((*left)["user"], "alice");
  // A second call in the same conversation is refused while this one runs.
  auto second = Call(*alice_, CallOp::kInvite, group);
  EXPECT_EQ(second.error_code(), "INVALID") << second.Describe();
}

TEST_P(CallsTest, IceServersCarryTurnRestCredentials) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice"});
  alice_ = Login("alice", "laptop");
  auto r = Call(*alice_, CallOp::kIceServers, 0);
  ASSERT_TRUE(r.ok()) << r.Describe();
  const json& servers = (*r.body)["ice_servers"];
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0]["urls"], json({"stun:stun.example.com:3478"}));
  EXPECT_EQ(servers[1]["urls"],
            json({"turn:127.0.0.1:3478?transport=udp", "turns:turn.example.com:5349"}));
  const std::string username = servers[1]["username"];
  const auto colon = username.find(':');
  ASSERT_NE(colon, std::string::npos);
  EXPECT_EQ(username.substr(colon + 1), "alice");
  const int64_t expiry = std::stoll(username.substr(0, colon));
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_NEAR(static_cast<double>(expiry), static_cast<double>(now_s + 3600), 60);
  EXPECT_EQ(servers[1]["credential"], call::TurnPassword("coturn-static-auth-secret", username));
  EXPECT_EQ((*r.body)["expires_at_ms"], expiry * 1000);
}

MQCHAT_INSTANTIATE_FOR_STORES(CallsTest);

// A short ring timeout and a small signal budget.
class CallLimitsTest : public CallsTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"call_ring_timeout_s", "1"}, {"call_signals_per_minute", "5"}};
  }
};

TEST_P(CallLimitsTest, UnansweredCallTimesOutAsMissed) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  auto invite = Call(*alice_, CallOp::kInvite, conv_);
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  EXPECT_EQ((*invite.body)["ring_timeout_s"], 1);
  const std::string id = CallId(invite);
  for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
    auto stop = WaitCall(*bob, "ring_ended", id, std::chrono::seconds(10));
    ASSERT_TRUE(stop) << "the ring did not time out";
    EXPECT_EQ((*stop)["reason"], "timeout");
  }
  auto ended = WaitCall(*alice_, "ended", id, std::chrono::seconds(10));
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "missed");
  EXPECT_EQ(CallWith(*bob_phone_, CallOp::kAccept, conv_, id).error_code(), "INVALID");
}

TEST_P(CallLimitsTest, SignalFloodIsRateLimited) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  auto invite = Call(*alice_, CallOp::kInvite, conv_);
  const std::string id = CallId(invite);
  ASSERT_TRUE(WaitCall(*bob_phone_, "ringing", id));
  ASSERT_TRUE(CallWith(*bob_phone_, CallOp::kAccept, conv_, id).ok());
  std::string refused;
  int passed = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = CallWith(*alice_, CallOp::kSignal, conv_, id,
                      {{"to", "bob/phone"}, {"signal", "candidate"}, {"candidate", "c" + std::to_string(i)}});
    if (r.ok()) ++passed;
    else refused = r.error_code();
  }
  EXPECT_EQ(passed, 5);
  EXPECT_EQ(refused, "RATE_LIMITED");
}

MQCHAT_INSTANTIATE_FOR_STORES(CallLimitsTest);

}  // namespace
}  // namespace mqchat::test
