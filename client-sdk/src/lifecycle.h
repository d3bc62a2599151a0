// The engine's view of the app's life on a phone (Client::EnterBackground, EnterForeground,
// NetworkChanged, HandlePushPayload; client_lifecycle.cpp): whether the app is in the
// background, the grace timer before the background disconnect, the conversations this device
// said it is typing in, and the push fetches under way. Plain state; engine thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "event_loop.h"
#include "mqchat/push.h"

namespace mqchat::sdk {

// One HandlePushPayload call: fetches the conversation's messages up to notice.last_seq (sync
// requests naming only that conversation) until they are all in the cache or the deadline.
struct PushFetchJob {
  PushNotice notice;
  std::function<void(Result<PushFetch>)> done;  // engine thread, once
  EventLoop::TimerId deadline_timer = 0;
  bool in_flight = false;  // a request is out
  bool finished = false;   // done ran
  int pages = 0;           // requests answered
};

struct LifecycleState {
  bool background = false;
  // The current connection did the foreground work (full sync, privacy, channels); false for
  // one made in the background for a push fetch, and while down.
  bool full_up = false;
  EventLoop::TimerId grace_timer = 0;  // EnterBackground's grace, running
  std::set<int64_t> typing;            // conversations with typing on, from this device
  std::vector<std::shared_ptr<PushFetchJob>> fetches;  // unfinished
};

// Pages one push fetch may take (of up to 100 messages each): a bound on the work one
// notification causes in the few seconds a phone app gets in the background.
inline constexpr int kMaxPushFetchPages = 10;

}  // namespace mqchat::sdk
