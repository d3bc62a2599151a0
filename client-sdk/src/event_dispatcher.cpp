#include "event_dispatcher.h"

#include <exception>
#include <string>
#include <utility>

namespace mqchat::sdk {

EventDispatcher::EventDispatcher(size_t queue_capacity, Log log)
    : capacity_(queue_capacity == 0 ? 1 : queue_capacity),
      log_(std::move(log)),
      thread_([this] { Loop(); }) {}

EventDispatcher::~EventDispatcher() { Stop(); }

#define MQCHAT_SET_HANDLER(method, member, type)                                   \
  void EventDispatcher::method(std::function<void(const type&)> h) {               \
    MutexLock lock(handlers_mu_);                                                  \
    member = std::move(h);                                                         \
  }                                                                                \
  std::function<void(const type&)> EventDispatcher::HandlerFor(const type&) {      \
    MutexLock lock(handlers_mu_);                                                  \
    return member;                                                                 \
  }
MQCHAT_SET_HANDLER(SetMessageHandler, on_message_, Message)
MQCHAT_SET_HANDLER(SetConversationHandler, on_conversation_, ConversationEvent)
MQCHAT_SET_HANDLER(SetReadHandler, on_read_, ReadEvent)
MQCHAT_SET_HANDLER(SetTypingHandler, on_typing_, TypingEvent)
MQCHAT_SET_HANDLER(SetPresenceHandler, on_presence_, PresenceEvent)
MQCHAT_SET_HANDLER(SetConnectionHandler, on_connection_, ConnectionEvent)
MQCHAT_SET_HANDLER(SetPrivacyHandler, on_privacy_, PrivacySettings)
MQCHAT_SET_HANDLER(SetMessageUpdateHandler, on_message_update_, MessageUpdate)
MQCHAT_SET_HANDLER(SetProfileHandler, on_profile_, Profile)
#undef MQCHAT_SET_HANDLER

void EventDispatcher::Emit(Event event) {
  {
    MutexLock lock(mu_);
    if (stopping_) return;
    work_.emplace_back(std::move(event));
  }
  work_cv_.NotifyOne();
}

void EventDispatcher::Run(std::function<void()> fn) {
  {
    MutexLock lock(mu_);
    if (stopping_) return;
    work_.emplace_back(std::move(fn));
  }
  work_cv_.NotifyOne();
}

std::optional<Event> EventDispatcher::Next(std::chrono::milliseconds timeout) {
  MutexLock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (next_.empty()) {
    if (!next_cv_.WaitUntil(mu_, deadline) && next_.empty()) return std::nullopt;
  }
  Event e = std::move(next_.front());
  next_.pop_front();
  return e;
}

void EventDispatcher::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  work_cv_.NotifyOne();
  if (thread_.joinable()) thread_.join();
}

bool EventDispatcher::Deliver(const Event& event) {
  return std::visit(
      [this](const auto& e) {
        auto handler = HandlerFor(e);
        if (!handler) return false;
        handler(e);
        return true;
      },
      event);
}

void EventDispatcher::Loop() {
  MutexLock lock(mu_);
  while (true) {
    while (!stopping_ && work_.empty()) work_cv_.Wait(mu_);
    if (work_.empty()) break;  // stopping, and everything queued has run
    Work work = std::move(work_.front());
    work_.pop_front();
    lock.Unlock();
    bool handled = true;
    try {
      if (auto* fn = std::get_if<std::function<void()>>(&work)) {
        (*fn)();
      } else {
        handled = Deliver(std::get<Event>(work));
      }
    } catch (const std::exception& e) {
      if (log_) log_(std::string("mqchat: an event handler threw: ") + e.what());
    } catch (...) {
      if (log_) log_("mqchat: an event handler threw");
    }
    lock.Lock();
    if (!handled) {
      if (next_.size() >= capacity_) {
        next_.pop_front();
        if (++dropped_ % 1000 == 1 && log_) {
          log_("mqchat: NextEvent queue full; dropped " + std::to_string(dropped_) + " events");
        }
      }
      next_.push_back(std::move(std::get<Event>(work)));
      next_cv_.NotifyAll();
    }
  }
}

}  // namespace mqchat::sdk
