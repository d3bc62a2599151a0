// The SDK's two threads: EventLoop (tasks in order, timers, cancel) and EventDispatcher
// (handlers in order, unhandled events for NextEvent, a bounded queue, draining on stop).
#include <future>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "src/event_dispatcher.h"
#include "src/event_loop.h"

namespace mqchat::sdk {
namespace {

using std::chrono::milliseconds;

Message Msg(int64_t seq) {
  Message m;
  m.conversation_id = 1;
  m.seq = seq;
  return m;
}

TEST(SdkEventLoopTest, RunsTasksInOrderAndTimersWhenDue) {
  EventLoop loop;
  std::vector<int> order;  // touched only on the loop thread until `done`
  std::promise<void> done;
  loop.PostAfter(milliseconds(30), [&] {
    order.push_back(3);
    done.set_value();
  });
  loop.PostAfter(milliseconds(10), [&] { order.push_back(2); });
  const auto cancelled = loop.PostAfter(milliseconds(5), [&] { order.push_back(99); });
  loop.Cancel(cancelled);
  loop.Post([&] { order.push_back(1); });
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  loop.Stop();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(loop.Post([] {}));
}

TEST(SdkEventLoopTest, StopRunsQueuedTasksAndDropsTimers) {
  EventLoop loop;
  int ran = 0;
  bool timer_ran = false;
  loop.Post([&] { ++ran; });
  loop.Post([&] { ++ran; });
  loop.PostAfter(std::chrono::hours(1), [&] { timer_ran = true; });
  loop.Stop();
  EXPECT_EQ(ran, 2);
  EXPECT_FALSE(timer_ran);
}

TEST(SdkEventDispatcherTest, HandlersRunInOrderAndTheRestWaitsForNext) {
  EventDispatcher d(100, nullptr);
  std::vector<int64_t> seqs;
  d.SetMessageHandler([&](const Message& m) { seqs.push_back(m.seq); });
  for (int64_t i = 1; i <= 3; ++i) d.Emit(Msg(i));
  d.Emit(ReadEvent{1, "bob", 3});  // no read handler: queued for Next()
  auto next = d.Next(milliseconds(5000));
  ASSERT_TRUE(next.has_value());
  ASSERT_TRUE(std::holds_alternative<ReadEvent>(*next));
  EXPECT_EQ(std::get<ReadEvent>(*next).user, "bob");
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 2, 3}));  // emitted before the read event
  EXPECT_FALSE(d.Next(milliseconds(1)).has_value());
}

TEST(SdkEventDispatcherTest, FullQueueDropsTheOldest) {
  EventDispatcher d(2, nullptr);
  for (int64_t i = 1; i <= 3; ++i) d.Emit(Msg(i));
  std::promise<void> drained;
  d.Run([&] { drained.set_value(); });
  drained.get_future().wait();
  EXPECT_EQ(std::get<Message>(*d.Next(milliseconds(100))).seq, 2);
  EXPECT_EQ(std::get<Message>(*d.Next(milliseconds(100))).seq, 3);
}

TEST(SdkEventDispatcherTest, StopRunsWhatIsQueuedAndSurvivesThrowingHandlers) {
  int calls = 0;
  {
    EventDispatcher d(10, nullptr);
    d.SetMessageHandler([&](const Message&) {
      ++calls;
      throw std::runtime_error("app bug");
    });
    for (int64_t i = 1; i <= 5; ++i) d.Emit(Msg(i));
    d.Stop();
  }
  EXPECT_EQ(calls, 5);
}

}  // namespace
}  // namespace mqchat::sdk
