// The cache's read state follows the server's rule (a stored message moves its sender's
// read_seq up to its seq; read_seq never moves back), whatever order the engine's parts see
// things in: acks arriving after a reconnect (late, or as duplicates), a conversation list
// fetched mid-burst carrying an older read_seq, own messages from another device arriving live
// or by sync, and own messages stored before their conversation is known. Without a broker: the
// real Outbox, RequestTracker and Ingest over an in-memory cache and a fake transport.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine_fakes.h"
#include "protocol/fields.h"
#include "protocol/topics.h"
#include "protocol/wire.h"
#include "src/backoff.h"
#include "src/event_dispatcher.h"
#include "src/ingest.h"
#include "src/local_cache.h"
#include "src/outbox.h"
#include "src/request_tracker.h"

namespace mqchat::sdk {
namespace {

namespace fields = protocol::fields;
using std::chrono::milliseconds;
using test::AckResponse;
using test::FakeTransport;
using test::OnLoop;

constexpr int64_t kConv = 7;

std::string MessageEvent(int64_t seq, const std::string& sender) {
  nlohmann::json e;
  e[std::string(fields::kType)] = std::string(protocol::values::kEventTypeMessage);
  e[std::string(fields::kConversationId)] = kConv;
  e[std::string(fields::kSeq)] = seq;
  e[std::string(fields::kMessageId)] = 100 + seq;
  e[std::string(fields::kSender)] = sender;
  e[std::string(fields::kClientMsgId)] = "other-" + std::to_string(seq);
  e[std::string(fields::kText)] = "text " + std::to_string(seq);
  e[std::string(fields::kSentAtMs)] = 1700000000000 + seq;
  return e.dump();
}

ConversationSummary Summary(int64_t last_seq, int64_t read_seq) {
  ConversationSummary s;
  s.id = kConv;
  s.kind = ConversationKind::kDirect;
  s.last_seq = last_seq;
  s.read_seq = read_seq;
  s.unread = last_seq - read_seq;
  s.members = {"alice", "bob"};
  return s;
}

// The outbox's host as ClientImpl wires it: acks are stored through Ingest.
class IngestHost : public OutboxHost {
 public:
  explicit IngestHost(Ingest& ingest) : ingest_(ingest) {}
  bool SendsAllowed() const override { return allowed; }
  void RunBatch(const std::function<void()>& fn) override { ingest_.RunBatch(fn); }
  void StoreOwnCopy(const protocol::WireMessage& m) override { ingest_.StoreMessage(m, 0); }
  bool allowed = true;

 private:
  Ingest& ingest_;
};

class SdkReadStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.username = "alice";
    options_.device_id = "phone";
    options_.send_window = 100;
    auto cache = LocalCache::Open(":memory:", "alice");
    ASSERT_TRUE(cache.ok()) << cache.status().ToString();
    cache_ = std::move(cache).value();
    OnLoop(loop_, [&] {
      IngestHooks hooks;
      hooks.on_response = [this](const std::string& payload) { tracker_->OnResponse(payload); };
      hooks.on_gap = [] {};
      hooks.on_unknown_conversation = [] {};
      ingest_ = std::make_unique<Ingest>(options_, loop_, *cache_, dispatcher_, EngineLog(),
                                         std::move(hooks));
      host_ = std::make_unique<IngestHost>(*ingest_);
      tracker_ = std::make_unique<RequestTracker>(
          loop_, transport_, std::chrono::hours(1), EngineLog(),
          [this](const protocol::Response& r) { outbox_->OnUnmatchedResponse(r); });
      outbox_ = std::make_unique<Outbox>(options_, loop_, *cache_, *tracker_, *host_, backoff_,
                                         EngineLog());
      outbox_->SetReceiveMaximum(1000);
    });
  }
  void TearDown() override {
    OnLoop(loop_, [&] {
      outbox_.reset();
      tracker_.reset();
      host_.reset();
      ingest_.reset();
    });
    loop_.Stop();
    dispatcher_.Stop();
  }

  // Sends n messages; returns their client_msg_ids in sending order (all in flight).
  std::vector<std::string> SendBurst(int n) {
    for (int i = 0; i < n; ++i)
      outbox_->Send(kConv, "burst " + std::to_string(i), [](Result<Ack>) {});
    std::vector<std::string> ids;
    OnLoop(loop_, [&] { ids = transport_.SentIds(); });
    EXPECT_EQ(ids.size(), static_cast<size_t>(n));
    return ids;
  }
  // The server's ack of the latest send of `cmid`, as a reply payload.
  std::string AckOf(const std::string& cmid, int64_t seq, bool duplicate = false) {
    std::string payload;
    OnLoop(loop_, [&] {
      const protocol::Request* r = transport_.LastSendOf(cmid);
      ASSERT_NE(r, nullptr) << cmid;
      auto ack = nlohmann::json::parse(AckResponse(*r, seq));
      ack[std::string(fields::kDuplicate)] = duplicate;
      payload = ack.dump();
    });
    return payload;
  }
  // Delivers `payload` on `topic` as Paho would, and waits until the engine applied it.
  void Arrive(const std::string& topic, const std::string& payload) {
    ingest_->Enqueue(topic, payload);
    OnLoop(loop_, [] {});  // the drain was posted before this
  }
  void Reply(const std::string& payload) {
    Arrive(protocol::ReplyTopic("alice", "phone"), payload);
  }
  // The connection drops and comes back: in-flight sends go again; sync fetches the list.
  void Reconnect(const ConversationSummary& list_snapshot) {
    OnLoop(loop_, [&] {
      outbox_->Reset();  // as ClientImpl::OnConnectionDown
      tracker_->FailAll(Status::Unavailable("connection lost"));
      ingest_->ApplyConversationList({list_snapshot});
      outbox_->Pump();
    });
  }
  ConversationSummary Cached() {
    auto list = cache_->Summaries();
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    EXPECT_EQ(list.ok() ? list->size() : 0u, 1u);
    return list.ok() && !list->empty() ? (*list)[0] : ConversationSummary{};
  }

  ClientOptions options_;
  Backoff backoff_{milliseconds(30), milliseconds(30)};
  EventLoop loop_;
  EventDispatcher dispatcher_{100, nullptr};
  FakeTransport transport_;
  std::unique_ptr<LocalCache> cache_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<IngestHost> host_;
  std::unique_ptr<RequestTracker> tracker_;
  std::unique_ptr<Outbox> outbox_;
};

// The reported order: acks up to 3 of a burst of 6, the connection drops, the list fetched on
// reconnect says read_seq 3 while the server goes on storing, then the rest is acked (some as
// late acks of the old connection, one as a duplicate after the resend).
TEST_F(SdkReadStateTest, AckedOwnMessagesAdvanceReadSeqAcrossAReconnect) {
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(0, 0)}); });
  auto ids = SendBurst(6);
  std::vector<std::string> first_acks;
  for (int i = 0; i < 6; ++i) first_acks.push_back(AckOf(ids[i], i + 1));
  for (int i = 0; i < 3; ++i) Reply(first_acks[i]);
  EXPECT_EQ(Cached().read_seq, 3);

  Reconnect(Summary(4, 3));  // answered before the server stored seq 5 and 6
  Reply(first_acks[3]);      // a late ack of the old connection
  Reply(AckOf(ids[4], 5, /*duplicate=*/true));
  Reply(AckOf(ids[5], 6));
  EXPECT_EQ(*outbox_->PendingSends(), 0u);

  ConversationSummary s = Cached();
  EXPECT_EQ(s.last_seq, 6);
  EXPECT_EQ(s.read_seq, 6);
  EXPECT_EQ(s.unread, 0);
}

// A list fetched before the acks were applied must not lower what the acks established.
TEST_F(SdkReadStateTest, AnOlderConversationListNeverLowersReadSeq) {
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(0, 0)}); });
  auto ids = SendBurst(4);
  for (int i = 0; i < 4; ++i) Reply(AckOf(ids[i], i + 1));
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(2, 2)}); });
  ConversationSummary s = Cached();
  EXPECT_EQ(s.read_seq, 4);
  EXPECT_EQ(s.unread, 0);
}

// The user's messages from another device (live or by sync) are read; bob's are unread.
TEST_F(SdkReadStateTest, OwnMessagesFromAnyPathAreReadOthersAreUnread) {
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(0, 0)}); });
  const std::string inbox = protocol::InboxTopic("alice");
  Arrive(inbox, MessageEvent(1, "bob"));
  Arrive(inbox, MessageEvent(2, "bob"));
  EXPECT_EQ(Cached().unread, 2);
  Arrive(inbox, MessageEvent(3, "alice"));  // sent from alice's laptop
  EXPECT_EQ(Cached().read_seq, 3);
  EXPECT_EQ(Cached().unread, 0);
  Arrive(inbox, MessageEvent(4, "bob"));
  EXPECT_EQ(Cached().unread, 1);
  // A sync page with alice's message 5 (as Sync stores it).
  OnLoop(loop_, [&] {
    ingest_->RunBatch([&] {
      protocol::WireMessage m;
      m.conversation_id = kConv;
      m.seq = 5;
      m.message_id = 105;
      m.sender = "alice";
      m.client_msg_id = "laptop-5";
      m.text = "from sync";
      m.sent_at_ms = 1700000000005;
      ingest_->StoreMessage(m, 5);
    });
  });
  ConversationSummary s = Cached();
  EXPECT_EQ(s.last_seq, 5);
  EXPECT_EQ(s.read_seq, 5);
  EXPECT_EQ(s.unread, 0);
}

// An own message stored before the conversation row exists (its ack or event came before the
// conversation list) still counts once the row arrives with an older read_seq.
TEST_F(SdkReadStateTest, OwnMessageBeforeTheConversationIsKnownStillCounts) {
  Arrive(protocol::InboxTopic("alice"), MessageEvent(1, "bob"));
  Arrive(protocol::InboxTopic("alice"), MessageEvent(2, "alice"));
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(1, 0)}); });
  ConversationSummary s = Cached();
  EXPECT_EQ(s.last_seq, 2);
  EXPECT_EQ(s.read_seq, 2);
  EXPECT_EQ(s.unread, 0);
}

// A read on another device (a read event of the user) lowers unread and the total; another
// member's read changes nothing of the user's; the total sums every conversation.
TEST_F(SdkReadStateTest, ReadEventsFromOtherDevicesLowerTheTotal) {
  ConversationSummary other = Summary(3, 1);
  other.id = kConv + 1;
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(0, 0), other}); });
  const std::string inbox = protocol::InboxTopic("alice");
  for (int64_t seq = 1; seq <= 4; ++seq) Arrive(inbox, MessageEvent(seq, "bob"));
  auto total = cache_->TotalUnread();
  ASSERT_TRUE(total.ok()) << total.status().ToString();
  EXPECT_EQ(*total, 4 + 2);
  Arrive(inbox, protocol::ReadEvent(kConv, "bob", 4));  // bob's read is not alice's
  EXPECT_EQ(*cache_->TotalUnread(), 6);
  Arrive(inbox, protocol::ReadEvent(kConv, "alice", 3));  // alice read on her laptop
  EXPECT_EQ(*cache_->TotalUnread(), 1 + 2);
  Arrive(inbox, protocol::ReadEvent(kConv, "alice", 2));  // an older one never lowers it
  EXPECT_EQ(*cache_->TotalUnread(), 3);
  auto list = cache_->Summaries();
  ASSERT_TRUE(list.ok());
  int64_t sum = 0;
  for (const auto& s : *list) sum += s.unread;
  EXPECT_EQ(sum, 3) << "the total is the list's unread summed";
}


// A conversation muted in the list, or by a mute event (another device of the user), leaves
// the total; unmuting brings it back, as push's counts.unread.
TEST_F(SdkReadStateTest, MutesFromTheListAndFromOtherDevicesLeaveTheTotal) {
  ConversationSummary muted = Summary(3, 1);
  muted.id = kConv + 1;
  muted.muted_until_ms = -1;
  OnLoop(loop_, [&] { ingest_->ApplyConversationList({Summary(4, 0), muted}); });
  EXPECT_EQ(*cache_->TotalUnread(), 4);
  const std::string inbox = protocol::InboxTopic("alice");
  Arrive(inbox, protocol::MuteEvent(kConv + 1, 0));
  EXPECT_EQ(*cache_->TotalUnread(), 4 + 2);
  Arrive(inbox, protocol::MuteEvent(kConv, 4102444800000));  // until 2100
  EXPECT_EQ(*cache_->TotalUnread(), 2);
}
}  // namespace
}  // namespace mqchat::sdk
