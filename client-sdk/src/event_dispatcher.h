// EventDispatcher: the SDK callback thread. Runs the app's On* handlers (and Send callbacks) one
// at a time, in the order events were emitted; events without a handler wait in a bounded queue
// for NextEvent(). All methods are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>
#include <variant>

#include "mqchat/events.h"
#include "threads/mutex.h"

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
  void SetPrivacyHandler(std::function<void(const PrivacySettings&)> h);
  void SetMessageUpdateHandler(std::function<void(const MessageUpdate&)> h);
  void SetProfileHandler(std::function<void(const Profile&)> h);

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
  // A copy of the handler for the event's kind (empty if none), so it may be replaced (or the
  // client used) while it runs.
  std::function<void(const Message&)> HandlerFor(const Message&) EXCLUDES(handlers_mu_);
  std::function<void(const ConversationEvent&)> HandlerFor(const ConversationEvent&)
      EXCLUDES(handlers_mu_);
  std::function<void(const ReadEvent&)> HandlerFor(const ReadEvent&) EXCLUDES(handlers_mu_);
  std::function<void(const TypingEvent&)> HandlerFor(const TypingEvent&) EXCLUDES(handlers_mu_);
  std::function<void(const PresenceEvent&)> HandlerFor(const PresenceEvent&)
      EXCLUDES(handlers_mu_);
  std::function<void(const ConnectionEvent&)> HandlerFor(const ConnectionEvent&)
      EXCLUDES(handlers_mu_);
  std::function<void(const PrivacySettings&)> HandlerFor(const PrivacySettings&)
      EXCLUDES(handlers_mu_);
  std::function<void(const MessageUpdate&)> HandlerFor(const MessageUpdate&)
      EXCLUDES(handlers_mu_);
  std::function<void(const Profile&)> HandlerFor(const Profile&) EXCLUDES(handlers_mu_);

  const size_t capacity_;
  Log log_;

  Mutex handlers_mu_;
  std::function<void(const Message&)> on_message_ GUARDED_BY(handlers_mu_);
  std::function<void(const ConversationEvent&)> on_conversation_ GUARDED_BY(handlers_mu_);
  std::function<void(const ReadEvent&)> on_read_ GUARDED_BY(handlers_mu_);
  std::function<void(const TypingEvent&)> on_typing_ GUARDED_BY(handlers_mu_);
  std::function<void(const PresenceEvent&)> on_presence_ GUARDED_BY(handlers_mu_);
  std::function<void(const ConnectionEvent&)> on_connection_ GUARDED_BY(handlers_mu_);
  std::function<void(const PrivacySettings&)> on_privacy_ GUARDED_BY(handlers_mu_);
  std::function<void(const MessageUpdate&)> on_message_update_ GUARDED_BY(handlers_mu_);
  std::function<void(const Profile&)> on_profile_ GUARDED_BY(handlers_mu_);

  Mutex mu_;
  CondVar work_cv_;
  CondVar next_cv_;
  std::deque<Work> work_ GUARDED_BY(mu_);
  std::deque<Event> next_ GUARDED_BY(mu_);  // events nobody handled, for Next()
  size_t dropped_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat::sdk
