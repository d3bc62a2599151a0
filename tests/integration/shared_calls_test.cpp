// A call across two brokers sharing one PostgreSQL and one Redis (issue 27; call/call_relay.h):
// alice calls from broker 1, bob's two devices are on broker 2. The invite rings both of them;
// the first to accept takes the call and the other stops ringing; signals go both ways to the
// one target device; a hang-up through broker 2 ends the call for both, and its entry reaches
// bob's devices. A device that drops on broker 2 leaves the call homed on broker 1.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/calls_fixture.h"
#include "support/shared_brokers.h"

namespace mqchat::test {
namespace {

constexpr int kBroker1 = 0;
constexpr int kBroker2 = 1;

class SharedCallsTest : public SharedBrokersTest, protected CallHelpers {
 protected:
  void SetUp() override {
    SharedBrokersTest::SetUp();
    if (!ready()) return;
    alice_ = Login(kBroker1, "alice", "laptop");
    bob_phone_ = Login(kBroker2, "bob", "phone");
    bob_desk_ = Login(kBroker2, "bob", "desk");
    conv_ = alice_->OpenDirect("bob");
    ASSERT_GT(conv_, 0);
    // Broker 1 routes to bob once it knows his devices are on broker 2: his presence says so.
    SubscribePresence(*alice_, "bob", std::chrono::seconds(10));
    ASSERT_TRUE(WaitPresence(*alice_, "bob", true, std::chrono::seconds(10)));
  }

  // alice (broker 1) rings bob (broker 2): both his devices ring. Returns the call id.
  std::string Ring() {
    auto invite = Call(*alice_, CallOp::kInvite, conv_);
    EXPECT_TRUE(invite.ok()) << invite.Describe();
    const std::string id = CallId(invite);
    for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
      EXPECT_TRUE(WaitCall(*bob, "ringing", id)) << bob->mqtt().client_id() << " did not ring";
    }
    return id;
  }

  int64_t conv_ = 0;
  std::unique_ptr<ChatTestClient> alice_, bob_phone_, bob_desk_;
};

TEST_F(SharedCallsTest, CallAcrossBrokersRingsAcceptsSignalsAndHangsUp) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  const std::string id = Ring();
  ASSERT_FALSE(id.empty());
  // bob's phone takes it through broker 2; the answer comes back there.
  auto accept = CallWith(*bob_phone_, CallOp::kAccept, conv_, id);
  ASSERT_TRUE(accept.ok()) << accept.Describe();
  ASSERT_EQ((*accept.body)["participants"].size(), 1u);
  EXPECT_EQ((*accept.body)["participants"][0]["user"], "alice");
  auto stop = WaitCall(*bob_desk_, "ring_ended", id);
  ASSERT_TRUE(stop) << "bob's desk (broker 2) kept ringing";
  EXPECT_EQ((*stop)["reason"], "answered_elsewhere");
  auto joined = WaitCall(*alice_, "joined", id);
  ASSERT_TRUE(joined);
  EXPECT_EQ((*joined)["device"], "phone");
  ASSERT_TRUE(WaitCall(*bob_phone_, "joined", id));
  // The desk was too late, through the same broker.
  EXPECT_EQ(CallWith(*bob_desk_, CallOp::kAccept, conv_, id).error_code(), "INVALID");

  // Signals both ways, to the one device, in order.
  auto offer = CallWith(*alice_, CallOp::kSignal, conv_, id,
                        {{"to", "bob/phone"}, {"signal", "offer"}, {"sdp", "v=0 offer"}});
  ASSERT_TRUE(offer.ok()) << offer.Describe();
  auto got = WaitCall(*bob_phone_, "signal", id);
  ASSERT_TRUE(got) << "the offer did not cross to broker 2";
  EXPECT_EQ((*got)["sdp"], "v=0 offer");
  EXPECT_EQ((*got)["from"], "alice/laptop");
  auto answer = CallWith(*bob_phone_, CallOp::kSignal, conv_, id,
                         {{"to", "alice/laptop"}, {"signal", "answer"}, {"sdp", "v=0 answer"}});
  ASSERT_TRUE(answer.ok()) << answer.Describe();
  EXPECT_EQ((*answer.body)["sig_seq"], (*got)["sig_seq"].get<int64_t>() + 1);
  auto ans = WaitCall(*alice_, "signal", id);
  ASSERT_TRUE(ans) << "the answer did not cross to broker 1";
  EXPECT_EQ((*ans)["sdp"], "v=0 answer");
  EXPECT_EQ((*ans)["from"], "bob/phone");
  EXPECT_FALSE(HasCall(*bob_desk_, "signal"));

  // bob hangs up through broker 2: over for both.
  ASSERT_TRUE(CallWith(*bob_phone_, CallOp::kHangup, conv_, id).ok());
  for (ChatTestClient* c : {alice_.get(), bob_phone_.get()}) {
    auto ended = WaitCall(*c, "ended", id);
    ASSERT_TRUE(ended) << c->mqtt().client_id() << " did not hear the end";
    EXPECT_EQ((*ended)["reason"], "completed");
  }
  // Its entry, stored by broker 1, reaches bob's devices on broker 2.
  for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
    auto entry = bob->WaitMessages(conv_, 1);
    ASSERT_EQ(entry.size(), 1u);
    EXPECT_EQ(entry[0].value("kind", ""), "call");
    EXPECT_EQ(entry[0]["call"]["outcome"], "answered");
  }
}

TEST_F(SharedCallsTest, DeviceDroppedOnTheOtherBrokerLeavesTheCall) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  const std::string id = Ring();
  ASSERT_TRUE(CallWith(*bob_phone_, CallOp::kAccept, conv_, id).ok());
  ASSERT_TRUE(WaitCall(*alice_, "joined", id));
  bob_phone_.reset();  // disconnects from broker 2
  auto left = WaitCall(*alice_, "left", id);
  ASSERT_TRUE(left) << "broker 1 never heard that bob's phone left";
  EXPECT_EQ((*left)["device"], "phone");
  auto ended = WaitCall(*alice_, "ended", id);
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "completed");
  // alice may call again at once: the call is gone on its home.
  EXPECT_TRUE(Call(*alice_, CallOp::kInvite, conv_).ok());
}

}  // namespace
}  // namespace mqchat::test
