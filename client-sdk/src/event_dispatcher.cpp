#include "event_dispatcher.h"

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

namespace mqchat::sdk {
namespace {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

EventDispatcher::EventDispatcher(size_t queue_capacity, Log log)
    : capacity_(queue_capacity == 0 ? 1 : queue_capacity),
      log_(std::move(log)),
      thread_([this] { Loop(); }) {}

EventDispatcher::~EventDispatcher() { Stop(); }

#define MQCHAT_SET_HANDLER(method, member, type)              \
  void EventDispatcher::method(std::function<void(const type&)> h) { \
    std::lock_guard<std::mutex> lock(handlers_mu_);           \
    member = std::move(h);                                    \
  }
MQCHAT_SET_HANDLER(SetMessageHandler, on_message_, Message)
MQCHAT_SET_HANDLER(SetConversationHandler, on_conversation_, ConversationEvent)
MQCHAT_SET_HANDLER(SetReadHandler, on_read_, ReadEvent)
MQCHAT_SET_HANDLER(SetTypingHandler, on_typing_, TypingEvent)
MQCHAT_SET_HANDLER(SetPresenceHandler, on_presence_, PresenceEvent)
MQCHAT_SET_HANDLER(SetConnectionHandler, on_connection_, ConnectionEvent)
#undef MQCHAT_SET_HANDLER

void EventDispatcher::Emit(Event event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    work_.emplace_back(std::move(event));
  }
  work_cv_.notify_one();
}

void EventDispatcher::Run(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    work_.emplace_back(std::move(fn));
  }
  work_cv_.notify_one();
}

std::optional<Event> EventDispatcher::Next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!next_cv_.wait_for(lock, timeout, [&] { return !next_.empty(); })) return std::nullopt;
  Event e = std::move(next_.front());
  next_.pop_front();
  return e;
}

void EventDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool EventDispatcher::Deliver(const Event& event) {
  // Copy the handler under the lock so it may be replaced (or the client used) while it runs.
  auto call = [this](const auto& member, const auto& e) {
    std::decay_t<decltype(member)> handler;
    {
      std::lock_guard<std::mutex> lock(handlers_mu_);
      handler = member;
    }
    if (!handler) return false;
    handler(e);
    return true;
  };
  return std::visit(Overloaded{
                        [&](const Message& e) { return call(on_message_, e); },
                        [&](const ConversationEvent& e) { return call(on_conversation_, e); },
                        [&](const ReadEvent& e) { return call(on_read_, e); },
                        [&](const TypingEvent& e) { return call(on_typing_, e); },
                        [&](const PresenceEvent& e) { return call(on_presence_, e); },
                        [&](const ConnectionEvent& e) { return call(on_connection_, e); },
                    },
                    event);
}

void EventDispatcher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return stopping_ || !work_.empty(); });
    if (work_.empty()) break;  // stopping, and everything queued has run
    Work work = std::move(work_.front());
    work_.pop_front();
    lock.unlock();
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
    lock.lock();
    if (!handled) {
      if (next_.size() >= capacity_) {
        next_.pop_front();
        if (++dropped_ % 1000 == 1 && log_) {
          log_("mqchat: NextEvent queue full; dropped " + std::to_string(dropped_) + " events");
        }
      }
      next_.push_back(std::move(std::get<Event>(work)));
      next_cv_.notify_all();
    }
  }
}

}  // namespace mqchat::sdk
