#include "link_graveyard.h"

#include <string>
#include <thread>
#include <utility>

namespace mqchat::sdk {
namespace {

// How often the graveyard is checked, how long after a link's last Paho callback it is
// destroyed, and how long Drain() waits for them.
constexpr std::chrono::milliseconds kSweepInterval{200};
constexpr std::chrono::milliseconds kRetiredGrace{500};
constexpr std::chrono::milliseconds kShutdownGrace{50};
constexpr std::chrono::milliseconds kShutdownDrain{3000};

}  // namespace

LinkGraveyard::LinkGraveyard(EventLoop& loop, std::chrono::milliseconds max_age, EngineLog log)
    : loop_(loop), max_age_(max_age), log_(std::move(log)) {}

LinkGraveyard::~LinkGraveyard() { loop_.Cancel(sweep_timer_); }

void LinkGraveyard::Retire(std::unique_ptr<MqttLink> link) {
  if (!link) return;
  link->BeginDisconnect();
  links_.push_back(RetiredLink{std::move(link), EventLoop::Clock::now()});
  ScheduleSweep();
}

bool LinkGraveyard::Sweep(std::chrono::milliseconds grace) {
  const auto now = EventLoop::Clock::now();
  for (auto it = links_.begin(); it != links_.end();) {
    MqttLink& link = *it->link;
    // A CONNECT given up on may still succeed: close that connection too.
    if (link.IsConnected()) link.BeginDisconnect();
    if (link.Quiescent(grace)) {
      it = links_.erase(it);
    } else if (now - it->since > max_age_) {
      log_("mqchat: destroying a retired MQTT client that is still busy");
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
  return links_.empty();
}

void LinkGraveyard::ScheduleSweep() {
  if (sweep_timer_ != 0 || links_.empty()) return;
  sweep_timer_ = loop_.PostAfter(kSweepInterval, [this] {
    sweep_timer_ = 0;
    Sweep(kRetiredGrace);
    ScheduleSweep();
  });
}

void LinkGraveyard::Drain() {
  loop_.Cancel(sweep_timer_);
  sweep_timer_ = 0;
  const auto deadline = EventLoop::Clock::now() + kShutdownDrain;
  while (!Sweep(kShutdownGrace)) {
    if (EventLoop::Clock::now() >= deadline) {
      log_("mqchat: destroying " + std::to_string(links_.size()) +
           " retired MQTT client(s) that are still busy");
      links_.clear();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace mqchat::sdk
