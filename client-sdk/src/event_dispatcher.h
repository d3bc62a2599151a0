// EventDispatcher: the SDK callback thread. Runs the app's On* handlers (and Send callbacks) one
// at a time, in the order events were emitted; events without a handler wait in a bounded queue
// for NextEvent(). All methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <variant>

#include "mqchat/events.h"

namespace mqchat::sdk {

class EventDispatcher {
 public:
  using Log = std::function<void(std::string_view)>;

  EventDispatcher(size_t queue_capacity, Log log);
  ~EventDispatcher();  // Stop()
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  void SetMessageHandler(std::function<void(const Message&)> h);
  void SetConversationHandler(std::function<void(const ConversationEvent&)> h);
  void SetReadHandler(std::function<void(const ReadEvent&)> h);
  void SetTypingHandler(std::function<void(const TypingEvent&)> h);
  void SetPresenceHandler(std::function<void(const PresenceEvent&)> h);
  void SetConnectionHandler(std::function<void(const ConnectionEvent&)> h);

  // Queues `event` for its handler (or NextEvent). Dropped after Stop().
  void Emit(Event event);
  // Queues `fn` to run on the callback thread, in order with the events.
  void Run(std::function<void()> fn);
  std::optional<Event> Next(std::chrono::milliseconds timeout);
  // Runs everything already queued, then joins the thread. Idempotent; not on the callback thread.
  void Stop();

 private:
  using Work = std::variant<Event, std::function<void()>>;
  void Loop();
  // Calls the handler for `event`; false if there is none.
  bool Deliver(const Event& event);

  const size_t capacity_;
  Log log_;

  std::mutex handlers_mu_;
  std::function<void(const Message&)> on_message_;  // guarded by handlers_mu_ (and the rest)
  std::function<void(const ConversationEvent&)> on_conversation_;
  std::function<void(const ReadEvent&)> on_read_;
  std::function<void(const TypingEvent&)> on_typing_;
  std::function<void(const PresenceEvent&)> on_presence_;
  std::function<void(const ConnectionEvent&)> on_connection_;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable next_cv_;
  std::deque<Work> work_;    // guarded by mu_
  std::deque<Event> next_;   // guarded by mu_; events nobody handled, for Next()
  size_t dropped_ = 0;       // guarded by mu_
  bool stopping_ = false;    // guarded by mu_
  std::thread thread_;
};

}  // namespace mqchat::sdk
