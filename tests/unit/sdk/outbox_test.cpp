// Outbox without a broker (a fake transport behind the real RequestTracker, an in-memory
// cache, a fake host): sends go out in outbox order within the window, are resent with the
// same client_msg_id after the connection goes, a message waiting to be retried is overtaken
// by none, a permanent refusal drops the message, and an ack (also one that answers a request
// of an earlier connection) settles it and stores the sender's copy.
#include "src/outbox.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine_fakes.h"
#include "src/backoff.h"
#include "src/local_cache.h"
#include "support/wait_for.h"

namespace mqchat::sdk {
namespace {

using std::chrono::milliseconds;
using test::AckResponse;
using test::ErrorResponse;
using test::FakeTransport;
using test::OnLoop;

class FakeHost : public OutboxHost {
 public:
  bool SendsAllowed() const override { return allowed; }
  void RunBatch(const std::function<void()>& fn) override { fn(); }
  void StoreOwnCopy(const protocol::WireMessage& m) override { stored.push_back(m); }

  bool allowed = true;
  std::vector<protocol::WireMessage> stored;
};

class OutboxTest : public ::testing::Test {
 protected:
  void Make(int send_window) {
    options_.username = "alice";
    options_.send_window = send_window;
    auto cache = LocalCache::Open(":memory:", "alice");
    ASSERT_TRUE(cache.ok()) << cache.status().ToString();
    cache_ = std::move(cache).value();
    OnLoop(loop_, [&] {
      tracker_ = std::make_unique<RequestTracker>(
          loop_, transport_, std::chrono::hours(1), EngineLog(),
          [this](const protocol::Response& r) { outbox_->OnUnmatchedResponse(r); });
      outbox_ = std::make_unique<Outbox>(options_, loop_, *cache_, *tracker_, host_, backoff_,
                                         EngineLog());
      outbox_->SetReceiveMaximum(100);
    });
  }
  void TearDown() override {
    OnLoop(loop_, [&] {
      outbox_.reset();
      tracker_.reset();
    });
    loop_.Stop();
  }
  // Sends `text` to conversation 7; its outcome lands in results_[text].
  void Send(const std::string& text) {
    outbox_->Send(7, text, [this, text](Result<Ack> r) { results_[text] = std::move(r); });
  }
  // The client_msg_ids published so far, read on the engine thread.
  std::vector<std::string> Sent() {
    std::vector<std::string> ids;
    OnLoop(loop_, [&] { ids = transport_.SentIds(); });
    return ids;
  }
  // Answers the latest send of `cmid` with `payload(request)`.
  template <typename Fn>
  void Answer(const std::string& cmid, Fn payload) {
    OnLoop(loop_, [&] {
      const protocol::Request* r = transport_.LastSendOf(cmid);
      ASSERT_NE(r, nullptr) << cmid;
      tracker_->OnResponse(payload(*r));
    });
  }
  std::string TextOf(const std::string& cmid) {
    const protocol::Request* r = transport_.LastSendOf(cmid);
    return r ? std::get<protocol::SendRequest>(r->body).text : "";
  }

  ClientOptions options_;
  Backoff backoff_{milliseconds(30), milliseconds(30)};
  EventLoop loop_;
  FakeTransport transport_;
  FakeHost host_;
  std::unique_ptr<LocalCache> cache_;
  std::unique_ptr<RequestTracker> tracker_;
  std::unique_ptr<Outbox> outbox_;
  std::map<std::string, std::optional<Result<Ack>>> results_;
};

TEST_F(OutboxTest, SendsInOutboxOrderWithinTheWindow) {
  Make(2);
  for (const char* t : {"one", "two", "three"}) Send(t);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);  // the window
  OnLoop(loop_, [&] {
    EXPECT_EQ(TextOf(sent[0]), "one");
    EXPECT_EQ(TextOf(sent[1]), "two");
  });
  EXPECT_EQ(*outbox_->PendingSends(), 3u);  // persisted before anything was sent

  Answer(sent[0], [](const protocol::Request& r) { return AckResponse(r, 11); });
  sent = Sent();
  ASSERT_EQ(sent.size(), 3u);
  OnLoop(loop_, [&] { EXPECT_EQ(TextOf(sent[2]), "three"); });
  ASSERT_TRUE(results_["one"].has_value());
  ASSERT_TRUE(results_["one"]->ok());
  EXPECT_EQ((*results_["one"])->seq, 11);
  EXPECT_EQ(*outbox_->PendingSends(), 2u);
  OnLoop(loop_, [&] {
    ASSERT_EQ(host_.stored.size(), 1u);
    EXPECT_EQ(host_.stored[0].text, "one");
    EXPECT_EQ(host_.stored[0].sender, "alice");
    EXPECT_EQ(host_.stored[0].seq, 11);
  });
}

TEST_F(OutboxTest, NothingGoesOutUntilTheHostAllowsIt) {
  Make(4);
  host_.allowed = false;
  Send("one");
  EXPECT_TRUE(Sent().empty());
  OnLoop(loop_, [&] {
    host_.allowed = true;
    outbox_->Pump();
  });
  EXPECT_EQ(Sent().size(), 1u);
}

TEST_F(OutboxTest, SendsInFlightAreResentInOrderWithTheSameIdsAfterTheConnectionGoes) {
  Make(4);
  Send("one");
  Send("two");
  const auto first = Sent();
  ASSERT_EQ(first.size(), 2u);
  OnLoop(loop_, [&] {
    // What the engine does when the link goes: reset the outbox, fail the requests.
    outbox_->Reset();
    tracker_->FailAll(Status::Unavailable("connection lost"));
    outbox_->Pump();
  });
  const auto again = Sent();
  ASSERT_EQ(again.size(), 4u);
  EXPECT_EQ(again[2], first[0]);
  EXPECT_EQ(again[3], first[1]);
  EXPECT_FALSE(results_["one"].has_value());  // a lost connection is not an outcome
}

TEST_F(OutboxTest, ALateAckOfAnEarlierConnectionSettlesTheMessage) {
  Make(4);
  Send("one");
  Send("two");
  const auto first = Sent();
  ASSERT_EQ(first.size(), 2u);
  OnLoop(loop_, [&] {
    host_.allowed = false;  // reconnected, still syncing
    outbox_->Reset();
    tracker_->FailAll(Status::Unavailable("connection lost"));
    // The persistent session delivers the answer to the old connection's request now.
    tracker_->OnResponse(AckResponse(*transport_.LastSendOf(first[0]), 5));
  });
  ASSERT_TRUE(results_["one"].has_value());
  EXPECT_TRUE(results_["one"]->ok());
  EXPECT_EQ(*outbox_->PendingSends(), 1u);
  OnLoop(loop_, [&] {
    host_.allowed = true;
    outbox_->Pump();
  });
  const auto again = Sent();
  ASSERT_EQ(again.size(), 3u);  // only "two" goes again
  EXPECT_EQ(again[2], first[1]);
  // A duplicate of that ack settles nothing twice.
  Answer(first[0], [](const protocol::Request& r) { return AckResponse(r, 5); });
  OnLoop(loop_, [&] { EXPECT_EQ(host_.stored.size(), 1u); });
}

TEST_F(OutboxTest, AMessageWaitingForARetryIsOvertakenByNone) {
  Make(1);
  Send("one");
  Send("two");
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  const std::string one = sent[0];
  Answer(one,
         [](const protocol::Request& r) { return ErrorResponse("send", r.req_id, "UNAVAILABLE"); });
  // After the backoff "one" goes again, with the same id; "two" has waited behind it.
  ASSERT_TRUE(mqchat::test::WaitFor([&] { return Sent().size() >= 2; }, milliseconds(5000),
                                    "the retry of the refused send"));
  sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1], one);
  EXPECT_FALSE(results_["one"].has_value());
  Answer(one, [](const protocol::Request& r) { return AckResponse(r, 1); });
  sent = Sent();
  ASSERT_EQ(sent.size(), 3u);
  OnLoop(loop_, [&] { EXPECT_EQ(TextOf(sent[2]), "two"); });
}

// RATE_LIMITED: each refused send waits the server's retry_after_ms (not the 30 ms backoff),
// is resent with the same id, and later messages stay behind it: nothing lost or reordered.
TEST_F(OutboxTest, RateLimitedSendsWaitRetryAfterAndKeepTheirOrder) {
  Make(4);
  for (const char* t : {"one", "two", "three"}) Send(t);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 3u);
  const std::vector<std::string> ids = sent;
  const auto refused_at = std::chrono::steady_clock::now();
  auto rate_limited = [](const protocol::Request& r) {
    nlohmann::json body = nlohmann::json::parse(ErrorResponse("send", r.req_id, "RATE_LIMITED"));
    body["error"]["retry_after_ms"] = 300;
    return body.dump();
  };
  // All three are refused (the server refuses every send until the wait is over).
  for (const auto& id : ids) Answer(id, rate_limited);
  ASSERT_TRUE(mqchat::test::WaitFor([&] { return Sent().size() >= 4; }, milliseconds(5000),
                                    "the resend after retry_after_ms"));
  EXPECT_GE(std::chrono::steady_clock::now() - refused_at, milliseconds(300));
  sent = Sent();
  ASSERT_EQ(sent.size(), 4u);  // the window is back to 1: only "one" went again
  EXPECT_EQ(sent[3], ids[0]);
  EXPECT_FALSE(results_["one"].has_value());
  Answer(ids[0], [](const protocol::Request& r) { return AckResponse(r, 1); });
  // "two" and "three" waited behind it; they follow in order, with their ids.
  ASSERT_TRUE(mqchat::test::WaitFor([&] { return Sent().size() >= 6; }, milliseconds(5000),
                                    "the resends of two and three"));
  sent = Sent();
  EXPECT_EQ(sent[4], ids[1]);
  EXPECT_EQ(sent[5], ids[2]);
  Answer(ids[1], [](const protocol::Request& r) { return AckResponse(r, 2); });
  Answer(ids[2], [](const protocol::Request& r) { return AckResponse(r, 3); });
  for (const char* t : {"one", "two", "three"}) {
    ASSERT_TRUE(results_[t].has_value()) << t;
    ASSERT_TRUE(results_[t]->ok()) << t;
  }
  EXPECT_EQ((*results_["three"])->seq, 3);
  EXPECT_EQ(*outbox_->PendingSends(), 0u);
  OnLoop(loop_, [&] {
    ASSERT_EQ(host_.stored.size(), 3u);
    EXPECT_EQ(host_.stored[0].text, "one");
    EXPECT_EQ(host_.stored[2].text, "three");
  });
}

TEST_F(OutboxTest, APermanentRefusalDropsTheMessageAndTheNextOneGoes) {
  Make(1);
  Send("one");
  Send("two");
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  Answer(sent[0],
         [](const protocol::Request& r) { return ErrorResponse("send", r.req_id, "NOT_MEMBER"); });
  ASSERT_TRUE(results_["one"].has_value());
  EXPECT_EQ(results_["one"]->status().code(), Code::kPermissionDenied);
  EXPECT_EQ(*outbox_->PendingSends(), 1u);
  sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  OnLoop(loop_, [&] { EXPECT_EQ(TextOf(sent[1]), "two"); });
}

TEST_F(OutboxTest, LoadsWhatAnEarlierClientLeftAndSendsItFirst) {
  Make(4);
  host_.allowed = false;
  Send("left over");
  OnLoop(loop_, [&] {
    outbox_->FailWaiters(Status::Unavailable("client destroyed"));
    // A new outbox on the same cache, as the next client would have.
    outbox_ =
        std::make_unique<Outbox>(options_, loop_, *cache_, *tracker_, host_, backoff_, EngineLog());
    outbox_->SetReceiveMaximum(100);
    outbox_->Load();
    host_.allowed = true;
  });
  EXPECT_EQ(results_["left over"]->status().message(), "client destroyed");
  Send("new");
  const auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  OnLoop(loop_, [&] {
    EXPECT_EQ(TextOf(sent[0]), "left over");
    EXPECT_EQ(TextOf(sent[1]), "new");
  });
}

// The message events ride the outbox like sends: persisted, in order with the sends, each as
// its op's request; a restarted outbox resends them as they were; the ack stores the sender's
// own copy of the event (its kind and target) for the cache to apply. What no server accepts
// is refused at once.
TEST_F(OutboxTest, MessageEventsGoThroughTheOutboxInOrder) {
  Make(4);
  host_.allowed = false;
  auto submit = [&](std::string_view kind, int64_t seq, const std::string& text) {
    outbox_->Submit(7, kind, seq, text, [this, text](Result<Ack> r) { results_[text] = r; });
  };
  Send("one");
  submit(protocol::values::kEventEdit, 1, "one!");
  submit(protocol::values::kEventUnreact, 1, "\xF0\x9F\x91\x8D");
  submit("", 1, "a reply");
  submit(protocol::values::kEventDelete, 1, "");
  submit(protocol::values::kEventReact, 1, "not an emoji");
  submit(protocol::values::kEventEdit, 0, "no target");
  EXPECT_EQ(results_["not an emoji"]->status().code(), Code::kInvalidArgument);
  EXPECT_EQ(results_["no target"]->status().code(), Code::kInvalidArgument);
  EXPECT_EQ(*outbox_->PendingSends(), 5u);
  OnLoop(loop_, [&] {
    // A restarted client's outbox: the entries as they were persisted.
    outbox_ =
        std::make_unique<Outbox>(options_, loop_, *cache_, *tracker_, host_, backoff_, EngineLog());
    outbox_->SetReceiveMaximum(100);
    outbox_->Load();
    host_.allowed = true;
    outbox_->Pump();
  });
  std::vector<protocol::Request> published;
  OnLoop(loop_, [&] { published = transport_.published; });
  ASSERT_EQ(published.size(), 4u);  // the window
  EXPECT_EQ(published[0].op, protocol::Op::kSend);
  ASSERT_EQ(published[1].op, protocol::Op::kEdit);
  EXPECT_EQ(std::get<protocol::EditRequest>(published[1].body).seq, 1);
  EXPECT_EQ(std::get<protocol::EditRequest>(published[1].body).text, "one!");
  ASSERT_EQ(published[2].op, protocol::Op::kReact);
  EXPECT_TRUE(std::get<protocol::ReactRequest>(published[2].body).remove);
  ASSERT_EQ(published[3].op, protocol::Op::kSend);
  EXPECT_EQ(std::get<protocol::SendRequest>(published[3].body).reply_to, 1);

  // The edit's ack stores alice's own copy of the edit event.
  const auto& edit = std::get<protocol::EditRequest>(published[1].body);
  OnLoop(loop_, [&] {
    nlohmann::json ack;
    ack[std::string(protocol::fields::kConversationId)] = 7;
    ack[std::string(protocol::fields::kSeq)] = 2;
    ack[std::string(protocol::fields::kMessageId)] = 1002;
    ack[std::string(protocol::fields::kClientMsgId)] = edit.client_msg_id;
    ack[std::string(protocol::fields::kServerTimeMs)] = 1700000000002;
    ack[std::string(protocol::fields::kDuplicate)] = false;
    tracker_->OnResponse(test::OkResponse("edit", published[1].req_id, ack));
  });
  ASSERT_EQ(host_.stored.size(), 1u);
  EXPECT_EQ(host_.stored[0].kind, protocol::values::kEventEdit);
  EXPECT_EQ(host_.stored[0].target_seq, 1);
  EXPECT_EQ(host_.stored[0].seq, 2);
  EXPECT_EQ(host_.stored[0].text, "one!");
  EXPECT_EQ(host_.stored[0].sender, "alice");
  EXPECT_EQ(*outbox_->PendingSends(), 4u);
}

}  // namespace
}  // namespace mqchat::sdk
