// RequestTracker without a broker: responses are matched to their request by req_id, error
// responses become Statuses, requests time out, FailAll settles everything in flight (the
// engine calls it when the connection goes), and what matches nothing goes to on_unmatched.
#include "src/request_tracker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine_fakes.h"

namespace mqchat::sdk {
namespace {

using test::ErrorResponse;
using test::FakeTransport;
using test::OkResponse;
using test::OnLoop;

protocol::Request Typing(int64_t conversation_id) {
  protocol::Request r;
  r.op = protocol::Op::kTyping;
  r.conversation_id = conversation_id;
  r.body = protocol::TypingRequest{true};
  return r;
}

// One settled outcome per request, by index; nullopt while pending.
struct Outcomes {
  std::vector<std::optional<Result<protocol::Response>>> got;
  RequestTracker::ResponseHandler Handler(size_t index) {
    if (got.size() <= index) got.resize(index + 1);
    return [this, index](Result<protocol::Response> r) {
      EXPECT_FALSE(got[index].has_value()) << "request " << index << " settled twice";
      got[index] = std::move(r);
    };
  }
};

class RequestTrackerTest : public ::testing::Test {
 protected:
  void Make(std::chrono::milliseconds timeout) {
    OnLoop(loop_, [&] {
      tracker_ = std::make_unique<RequestTracker>(
          loop_, transport_, timeout, EngineLog(),
          [this](const protocol::Response& r) { unmatched_.push_back(r.req_id); });
    });
  }
  void TearDown() override {
    OnLoop(loop_, [&] { tracker_.reset(); });
    loop_.Stop();
  }

  EventLoop loop_;
  FakeTransport transport_;
  std::unique_ptr<RequestTracker> tracker_;
  std::vector<std::string> unmatched_;
  Outcomes outcomes_;
};

TEST_F(RequestTrackerTest, ResponseSettlesTheRequestWithItsReqIdOnly) {
  Make(std::chrono::hours(1));
  std::string first, second;
  OnLoop(loop_, [&] {
    first = *tracker_->Start(Typing(1), outcomes_.Handler(0));
    second = *tracker_->Start(Typing(2), outcomes_.Handler(1));
  });
  ASSERT_NE(first, second);
  ASSERT_EQ(transport_.published.size(), 2u);
  EXPECT_EQ(transport_.published[1].req_id, second);
  EXPECT_EQ(transport_.published[1].conversation_id, 2);

  OnLoop(loop_, [&] { tracker_->OnResponse(OkResponse("typing", second)); });
  EXPECT_FALSE(outcomes_.got[0].has_value());
  ASSERT_TRUE(outcomes_.got[1].has_value());
  ASSERT_TRUE(outcomes_.got[1]->ok());
  EXPECT_EQ((*outcomes_.got[1])->req_id, second);
  EXPECT_EQ(tracker_->in_flight(), 1u);

  // A second answer to the same request matches nothing any more.
  OnLoop(loop_, [&] { tracker_->OnResponse(OkResponse("typing", second)); });
  EXPECT_EQ(unmatched_, std::vector<std::string>{second});
}

TEST_F(RequestTrackerTest, ErrorResponseBecomesItsStatus) {
  Make(std::chrono::hours(1));
  OnLoop(loop_, [&] {
    const std::string id = *tracker_->Start(Typing(1), outcomes_.Handler(0));
    const std::string busy = *tracker_->Start(Typing(1), outcomes_.Handler(1));
    tracker_->OnResponse(ErrorResponse("typing", id, "NOT_MEMBER"));
    tracker_->OnResponse(ErrorResponse("typing", busy, "UNAVAILABLE"));
  });
  ASSERT_TRUE(outcomes_.got[0].has_value());
  EXPECT_EQ(outcomes_.got[0]->status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(outcomes_.got[1].has_value());
  EXPECT_TRUE(outcomes_.got[1]->status().IsRetryable());
}

TEST_F(RequestTrackerTest, RequestWithoutResponseTimesOutAsUnavailable) {
  Make(std::chrono::milliseconds(20));
  std::promise<Status> timed_out;
  std::string id;
  OnLoop(loop_, [&] {
    id = *tracker_->Start(Typing(1),
                          [&](Result<protocol::Response> r) { timed_out.set_value(r.status()); });
  });
  auto f = timed_out.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const Status s = f.get();
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_NE(s.message().find("no response to typing within 20 ms"), std::string::npos)
      << s.ToString();
  // A response after the timeout settles nothing.
  OnLoop(loop_, [&] {
    EXPECT_EQ(tracker_->in_flight(), 0u);
    tracker_->OnResponse(OkResponse("typing", id));
  });
  EXPECT_EQ(unmatched_, std::vector<std::string>{id});
}

TEST_F(RequestTrackerTest, FailAllSettlesEveryRequestInFlightOnce) {
  Make(std::chrono::hours(1));
  std::vector<std::string> ids;
  OnLoop(loop_, [&] {
    for (size_t i = 0; i < 3; ++i) ids.push_back(*tracker_->Start(Typing(1), outcomes_.Handler(i)));
    tracker_->FailAll(Status::Unavailable("connection lost"));
    EXPECT_EQ(tracker_->in_flight(), 0u);
  });
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(outcomes_.got[i].has_value()) << i;
    EXPECT_EQ(outcomes_.got[i]->status().message(), "connection lost");
  }
  // Late answers to the failed requests match nothing.
  OnLoop(loop_, [&] { tracker_->OnResponse(OkResponse("typing", ids[0])); });
  EXPECT_EQ(unmatched_, std::vector<std::string>{ids[0]});
}

TEST_F(RequestTrackerTest, FailedPublishIsNotTracked) {
  Make(std::chrono::milliseconds(10));
  transport_.down = true;
  bool called = false;
  OnLoop(loop_, [&] {
    auto started = tracker_->Start(Typing(1), [&](Result<protocol::Response>) { called = true; });
    EXPECT_EQ(started.status().code(), Code::kUnavailable);
    EXPECT_EQ(tracker_->in_flight(), 0u);
  });
  EXPECT_FALSE(called);
}

TEST_F(RequestTrackerTest, MalformedResponseIsDropped) {
  Make(std::chrono::hours(1));
  OnLoop(loop_, [&] {
    (void)tracker_->Start(Typing(1), outcomes_.Handler(0));
    tracker_->OnResponse("{not json");
    tracker_->OnResponse(R"({"ok":true})");  // no op
  });
  EXPECT_FALSE(outcomes_.got[0].has_value());
  EXPECT_TRUE(unmatched_.empty());
  EXPECT_EQ(tracker_->in_flight(), 1u);
}

}  // namespace
}  // namespace mqchat::sdk
