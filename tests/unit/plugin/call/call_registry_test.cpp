// CallRegistry, the calls' state machine (docs/PROTOCOL.md section 8): every transition, what
// each tells whom, and the refusals that change nothing.
#include "call/call_registry.h"

#include <gtest/gtest.h>

namespace mqchat::call {
namespace {

using protocol::ErrorCode;

const DeviceRef kAlice{"alice", "laptop"};
const DeviceRef kBobPhone{"bob", "phone"};
const DeviceRef kBobDesk{"bob", "desk"};
const DeviceRef kCarol{"carol", "phone"};
const DeviceRef kDan{"dan", "phone"};
constexpr int64_t kConv = 12;
constexpr int64_t kGroup = 34;

// The deliveries of event `event`.
std::vector<Delivery> Of(const std::vector<Delivery>& all, const std::string& event) {
  std::vector<Delivery> out;
  for (const auto& d : all) {
    if (d.event.value("event", "") == event) out.push_back(d);
  }
  return out;
}

class CallRegistryTest : public ::testing::Test {
 protected:
  CallRegistry reg_{CallLimits{45000, 4}};

  std::string StartDirect(int64_t now = 0) {
    auto out = reg_.Invite(kAlice, kConv, true, {"alice", "bob"}, false, "c1", now);
    EXPECT_FALSE(out.error);
    return "c1";
  }
};

TEST_F(CallRegistryTest, InviteRingsEveryDeviceOfTheCallee) {
  auto out = reg_.Invite(kAlice, kConv, true, {"alice", "bob"}, true, "c1", 0);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.response["call_id"], "c1");
  auto rings = Of(out.deliveries, "ringing");
  ASSERT_EQ(rings.size(), 1u);
  EXPECT_EQ(rings[0].user, "bob");
  EXPECT_TRUE(rings[0].client_id.empty());  // every device
  EXPECT_EQ(rings[0].event["caller"], "alice");
  EXPECT_EQ(rings[0].event["video"], true);
  EXPECT_EQ(rings[0].event["conversation_id"], "12");
  EXPECT_EQ(reg_.CallOf("alice/laptop"), "c1");
  EXPECT_EQ(reg_.CallIn(kConv), "c1");
}

TEST_F(CallRegistryTest, FirstDeviceToAcceptTakesTheCall) {
  StartDirect();
  auto a = reg_.Accept(kBobPhone, kConv, "c1", 1000);
  ASSERT_FALSE(a.error);
  ASSERT_EQ(a.response["participants"].size(), 1u);
  EXPECT_EQ(a.response["participants"][0]["user"], "alice");
  auto stop = Of(a.deliveries, "ring_ended");
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].user, "bob");
  EXPECT_EQ(stop[0].except_client_id, "bob/phone");
  EXPECT_EQ(stop[0].event["reason"], "answered_elsewhere");
  EXPECT_EQ(Of(a.deliveries, "joined").size(), 2u);  // alice and bob's phone
  auto second = reg_.Accept(kBobDesk, kConv, "c1", 1001);
  ASSERT_TRUE(second.error);
  EXPECT_EQ(second.error->code, ErrorCode::kInvalid);
  EXPECT_EQ(reg_.CallOf("bob/desk"), "");
}

TEST_F(CallRegistryTest, DeclineEndsADirectCall) {
  StartDirect();
  auto d = reg_.Decline(kBobDesk, kConv, "c1", 500);
  ASSERT_FALSE(d.error);
  auto ended = Of(d.deliveries, "ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].client_id, "alice/laptop");
  EXPECT_EQ(ended[0].event["reason"], "declined");
  EXPECT_EQ(ended[0].event["duration_ms"], 0);
  EXPECT_EQ(Of(d.deliveries, "ring_ended")[0].event["reason"], "declined");
  EXPECT_EQ(reg_.size(), 0u);
  EXPECT_EQ(reg_.CallOf("alice/laptop"), "");
}

TEST_F(CallRegistryTest, CallerHangingUpBeforeAnswerCancels) {
  StartDirect();
  auto h = reg_.Hangup(kAlice, kConv, "c1", 100);
  ASSERT_FALSE(h.error);
  auto stop = Of(h.deliveries, "ring_ended");
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].event["reason"], "cancelled");
  auto ended = Of(h.deliveries, "ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].client_id, "alice/laptop");
  EXPECT_EQ(ended[0].event["reason"], "cancelled");
  EXPECT_EQ(reg_.size(), 0u);
}

TEST_F(CallRegistryTest, HangupAfterAnswerCompletesWithDuration) {
  StartDirect(0);
  ASSERT_FALSE(reg_.Accept(kBobPhone, kConv, "c1", 1000).error);
  auto h = reg_.Hangup(kBobPhone, kConv, "c1", 61000);
  ASSERT_FALSE(h.error);
  auto left = Of(h.deliveries, "left");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].client_id, "alice/laptop");
  EXPECT_EQ(left[0].event["reason"], "hangup");
  auto ended = Of(h.deliveries, "ended");
  ASSERT_EQ(ended.size(), 2u);  // alice, and bob's phone that hung up
  EXPECT_EQ(ended[0].event["reason"], "completed");
  EXPECT_EQ(ended[0].event["duration_ms"], 60000);
  EXPECT_EQ(ended[0].event["started_by"], "alice");
  EXPECT_EQ(ended[0].event["participants"], nlohmann::json({"alice", "bob"}));
  EXPECT_EQ(reg_.size(), 0u);
}

TEST_F(CallRegistryTest, RingTimeoutMakesAMissedCall) {
  StartDirect(0);
  EXPECT_TRUE(reg_.Tick(44999).empty());
  auto t = reg_.Tick(45000);
  auto stop = Of(t, "ring_ended");
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_EQ(stop[0].event["reason"], "timeout");
  auto ended = Of(t, "ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].event["reason"], "missed");
  EXPECT_EQ(reg_.size(), 0u);
}

TEST_F(CallRegistryTest, AnsweredCallOutlivesTheRingTimeout) {
  StartDirect(0);
  ASSERT_FALSE(reg_.Accept(kBobPhone, kConv, "c1", 1000).error);
  EXPECT_TRUE(reg_.Tick(50000).empty());
  EXPECT_EQ(reg_.size(), 1u);
}

TEST_F(CallRegistryTest, BusyCalleeIsNotRungAndTheCallEnds) {
  ASSERT_FALSE(reg_.Invite(kCarol, 99, true, {"carol", "bob"}, false, "c0", 0).error);
  ASSERT_FALSE(reg_.Accept(kBobDesk, 99, "c0", 1).error);
  auto out = reg_.Invite(kAlice, kConv, true, {"alice", "bob"}, false, "c1", 2);
  ASSERT_FALSE(out.error);
  EXPECT_TRUE(Of(out.deliveries, "ringing").empty());
  auto busy = Of(out.deliveries, "busy");
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_EQ(busy[0].event["user"], "bob");
  auto ended = Of(out.deliveries, "ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].event["reason"], "busy");
  EXPECT_EQ(reg_.CallIn(kConv), "");
  EXPECT_EQ(reg_.size(), 1u);  // carol's call goes on
}

TEST_F(CallRegistryTest, OneLiveCallPerConversationAndPerDevice) {
  StartDirect();
  auto again = reg_.Invite(kAlice, kConv, true, {"alice", "bob"}, false, "c2", 1);
  ASSERT_TRUE(again.error);
  EXPECT_EQ(again.error->code, ErrorCode::kInvalid);
  auto elsewhere = reg_.Invite(kAlice, kGroup, false, {"alice", "carol"}, false, "c3", 1);
  ASSERT_TRUE(elsewhere.error);
  EXPECT_NE(elsewhere.error->message.find("hang up first"), std::string::npos);
  EXPECT_EQ(reg_.size(), 1u);
}

TEST_F(CallRegistryTest, UnknownOrOtherConversationsCallIsRefused) {
  StartDirect();
  for (auto out : {reg_.Accept(kBobPhone, kConv, "ffff", 1), reg_.Accept(kBobPhone, 77, "c1", 1),
                   reg_.Hangup(kCarol, kConv, "c1", 1), reg_.Decline(kCarol, kConv, "c1", 1)}) {
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->code, ErrorCode::kInvalid);
    EXPECT_TRUE(out.deliveries.empty());
  }
  EXPECT_EQ(reg_.size(), 1u);
}

TEST_F(CallRegistryTest, GroupJoinLeaveAndTheLimit) {
  CallRegistry reg{CallLimits{45000, 3}};
  ASSERT_FALSE(
      reg.Invite(kAlice, kGroup, false, {"alice", "bob", "carol", "dan"}, false, "g1", 0).error);
  ASSERT_FALSE(reg.Accept(kBobPhone, kGroup, "g1", 10).error);
  auto join = reg.Join(kCarol, kGroup, "g1", 20);  // rung: joining takes the ring too
  ASSERT_FALSE(join.error);
  EXPECT_EQ(join.response["participants"].size(), 2u);
  auto full = reg.Join(kDan, kGroup, "g1", 30);
  ASSERT_TRUE(full.error);
  EXPECT_EQ(full.error->code, ErrorCode::kGroupFull);
  // A group call goes on while anyone is in it.
  ASSERT_FALSE(reg.Hangup(kAlice, kGroup, "g1", 40).error);
  ASSERT_FALSE(reg.Hangup(kBobPhone, kGroup, "g1", 50).error);
  EXPECT_EQ(reg.size(), 1u);
  ASSERT_FALSE(reg.Join(kDan, kGroup, "g1", 60).error);
  auto last = reg.Hangup(kCarol, kGroup, "g1", 70);
  EXPECT_TRUE(Of(last.deliveries, "ended").empty());
  auto end = reg.Hangup(kDan, kGroup, "g1", 80);
  auto ended = Of(end.deliveries, "ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].event["reason"], "completed");
  EXPECT_EQ(ended[0].event["participants"], nlohmann::json({"alice", "bob", "carol", "dan"}));
  EXPECT_EQ(reg.size(), 0u);
}

TEST_F(CallRegistryTest, JoinIsForGroups) {
  StartDirect();
  auto out = reg_.Join(kBobPhone, kConv, "c1", 1);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, ErrorCode::kInvalid);
}

TEST_F(CallRegistryTest, SignalsGoToOneParticipantInOrder) {
  StartDirect();
  ASSERT_FALSE(reg_.Accept(kBobPhone, kConv, "c1", 1).error);
  protocol::CallRequest offer;
  offer.op = protocol::CallOp::kSignal;
  offer.call_id = "c1";
  offer.signal = protocol::SignalKind::kOffer;
  offer.to = "bob/phone";
  offer.sdp = "v=0";
  auto s1 = reg_.Signal(kAlice, kConv, offer);
  ASSERT_FALSE(s1.error);
  ASSERT_EQ(s1.deliveries.size(), 1u);
  EXPECT_EQ(s1.deliveries[0].client_id, "bob/phone");
  EXPECT_EQ(s1.deliveries[0].event["from"], "alice/laptop");
  EXPECT_EQ(s1.deliveries[0].event["sdp"], "v=0");
  EXPECT_EQ(s1.deliveries[0].event["sig_seq"], 1);
  protocol::CallRequest media;
  media.op = protocol::CallOp::kSignal;
  media.call_id = "c1";
  media.signal = protocol::SignalKind::kMedia;
  media.audio_on = false;
  auto s2 = reg_.Signal(kBobPhone, kConv, media);
  ASSERT_FALSE(s2.error);
  ASSERT_EQ(s2.deliveries.size(), 1u);
  EXPECT_EQ(s2.deliveries[0].client_id, "alice/laptop");
  EXPECT_EQ(s2.deliveries[0].event["sig_seq"], 2);
  EXPECT_EQ(s2.deliveries[0].event["audio"], false);
  // Not to a device outside the call, not from one, not to oneself.
  offer.to = "bob/desk";
  EXPECT_TRUE(reg_.Signal(kAlice, kConv, offer).error);
  offer.to = "alice/laptop";
  EXPECT_TRUE(reg_.Signal(kAlice, kConv, offer).error);
  offer.to = "bob/phone";
  EXPECT_TRUE(reg_.Signal(kBobDesk, kConv, offer).error);
}

TEST_F(CallRegistryTest, DroppedDeviceLeavesItsCall) {
  StartDirect();
  ASSERT_FALSE(reg_.Accept(kBobPhone, kConv, "c1", 1000).error);
  auto gone = reg_.DeviceGone("bob/phone", 2000);
  auto left = Of(gone, "left");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].client_id, "alice/laptop");
  EXPECT_EQ(left[0].event["reason"], "dropped");
  EXPECT_EQ(Of(gone, "ended").size(), 1u);  // alice alone in a direct call: over
  EXPECT_EQ(reg_.size(), 0u);
  EXPECT_TRUE(reg_.DeviceGone("bob/phone", 3000).empty());  // twice: nothing more
}

TEST_F(CallRegistryTest, RungDeviceDroppingKeepsTheRing) {
  StartDirect();
  EXPECT_TRUE(reg_.DeviceGone("bob/phone", 10).empty());
  EXPECT_FALSE(reg_.Accept(kBobDesk, kConv, "c1", 20).error);
}

// What the conversation's log records of each ended call (CallOps appends it).
TEST_F(CallRegistryTest, EndedCallsAreRecordedOnceWithTheirOutcome) {
  StartDirect(0);
  EXPECT_TRUE(reg_.TakeEnded().empty());  // still ringing
  ASSERT_FALSE(reg_.Accept(kBobPhone, kConv, "c1", 1000).error);
  ASSERT_FALSE(reg_.Hangup(kAlice, kConv, "c1", 61000).error);
  auto ended = reg_.TakeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].conversation_id, kConv);
  EXPECT_EQ(ended[0].caller, "alice");
  EXPECT_EQ(ended[0].record.call_id, "c1");
  EXPECT_EQ(ended[0].record.outcome, "answered");
  EXPECT_EQ(ended[0].record.duration_ms, 60000);
  EXPECT_EQ(ended[0].record.participants, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE(reg_.TakeEnded().empty());  // taken once

  reg_.Invite(kAlice, kConv, true, {"alice", "bob"}, true, "c2", 70000);
  ASSERT_FALSE(reg_.Decline(kBobDesk, kConv, "c2", 71000).error);
  ended = reg_.TakeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].record.outcome, "declined");
  EXPECT_TRUE(ended[0].record.video);
  EXPECT_EQ(ended[0].record.duration_ms, 0);
  EXPECT_EQ(ended[0].record.declined, (std::vector<std::string>{"bob"}));
  EXPECT_FALSE(ended[0].record.MissedBy("bob"));  // he saw it

  reg_.Invite(kAlice, kConv, true, {"alice", "bob"}, false, "c3", 80000);
  reg_.Tick(80000 + 45000);
  ended = reg_.TakeEnded();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].record.outcome, "missed");
  EXPECT_EQ(ended[0].record.participants, (std::vector<std::string>{"alice"}));
}

}  // namespace
}  // namespace mqchat::call
