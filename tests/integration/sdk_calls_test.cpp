// The SDK's calls (issue 27; mqchat/call.h) over a real broker with the plugin: an incoming call
// reaches OnCall as kRinging, the app declines it and the caller hears so; an SDK caller and an
// SDK callee signal an offer, an answer and a candidate to each other and hang up.
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

struct CallPeer {
  ~CallPeer() { client.reset(); }
  std::unique_ptr<Client> client;
  mutable std::mutex mu;
  std::vector<CallEvent> events;
  // The first event of `kind` seen so far, if any.
  std::optional<CallEvent> Find(CallEvent::Kind kind) const {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& e : events) {
      if (e.kind == kind) return e;
    }
    return std::nullopt;
  }
};

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "no result in time";
  return f.get();
}

class SdkCallsTest : public ChatFixture {
 protected:
  std::unique_ptr<CallPeer> Connect(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("sdk")
                       .CachePath(dir_.File(user + ".db"))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    auto peer = std::make_unique<CallPeer>();
    peer->client = std::move(*client);
    CallPeer* p = peer.get();
    p->client->OnCall([p](const CallEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->events.push_back(e);
    });
    EXPECT_TRUE(p->client->Connect().ok());
    EXPECT_TRUE(WaitFor([p] { return p->client->state() == ConnectionState::kOnline; }, kWait,
                        user + " online"));
    return peer;
  }
  TempDir dir_{"mqchat-sdk-calls"};
};

TEST_P(SdkCallsTest, IncomingCallIsDeclined) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  auto call = Get(alice->client->StartCall(conv->id, true));
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  EXPECT_EQ(call->conversation_id, conv->id);
  ASSERT_TRUE(WaitFor([&] { return bob->Find(CallEvent::Kind::kRinging).has_value(); }, kWait,
                      "bob rings"));
  auto ring = *bob->Find(CallEvent::Kind::kRinging);
  EXPECT_EQ(ring.call_id, call->call_id);
  EXPECT_EQ(ring.caller, "alice");
  EXPECT_TRUE(ring.video);
  ASSERT_TRUE(Get(bob->client->DeclineCall(conv->id, ring.call_id)).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->Find(CallEvent::Kind::kEnded).has_value(); }, kWait,
                      "alice hears the end"));
  EXPECT_EQ(alice->Find(CallEvent::Kind::kEnded)->reason, "declined");
}

TEST_P(SdkCallsTest, OfferAnswerAndCandidateBetweenTwoApps) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok());
  auto call = Get(alice->client->StartCall(conv->id, false));
  ASSERT_TRUE(call.ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Find(CallEvent::Kind::kRinging).has_value(); }, kWait,
                      "bob rings"));
  auto session = Get(bob->client->AcceptCall(conv->id, call->call_id));
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_EQ(session->participants.size(), 1u);
  EXPECT_EQ(session->participants[0].user, "alice");
  // The newcomer offers to those already in the call.
  CallSignal offer;
  offer.kind = CallSignal::Kind::kOffer;
  offer.to = "alice/sdk";
  offer.sdp = "v=0 bob's offer";
  ASSERT_TRUE(Get(bob->client->SendCallSignal(conv->id, call->call_id, offer)).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->Find(CallEvent::Kind::kSignal).has_value(); }, kWait,
                      "alice gets the offer"));
  auto got = *alice->Find(CallEvent::Kind::kSignal);
  EXPECT_EQ(got.from, "bob/sdk");
  EXPECT_EQ(got.signal.kind, CallSignal::Kind::kOffer);
  EXPECT_EQ(got.signal.sdp, "v=0 bob's offer");
  CallSignal cand;
  cand.kind = CallSignal::Kind::kCandidate;
  cand.to = "bob/sdk";
  cand.candidate = "candidate:1 1 udp 1 127.0.0.1 9 typ host";
  cand.sdp_mid = "0";
  cand.sdp_mline_index = 0;
  ASSERT_TRUE(Get(alice->client->SendCallSignal(conv->id, call->call_id, cand)).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Find(CallEvent::Kind::kSignal).has_value(); }, kWait,
                      "bob gets the candidate"));
  auto c = *bob->Find(CallEvent::Kind::kSignal);
  EXPECT_EQ(c.signal.kind, CallSignal::Kind::kCandidate);
  EXPECT_EQ(c.signal.candidate, cand.candidate);
  EXPECT_EQ(c.signal.sdp_mid, "0");
  EXPECT_EQ(c.signal.sdp_mline_index, 0);
  // Oversize SDP: refused with TOO_LARGE's status.
  offer.sdp = std::string(65537, 'x');
  Status big = Get(bob->client->SendCallSignal(conv->id, call->call_id, offer));
  EXPECT_FALSE(big.ok());
  EXPECT_NE(big.message().find("sdp has 65537 bytes"), std::string::npos) << big.ToString();
  ASSERT_TRUE(Get(bob->client->HangUp(conv->id, call->call_id)).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->Find(CallEvent::Kind::kEnded).has_value(); }, kWait,
                      "alice hears the end"));
  EXPECT_EQ(alice->Find(CallEvent::Kind::kEnded)->reason, "completed");
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkCallsTest);

}  // namespace
}  // namespace mqchat::test
