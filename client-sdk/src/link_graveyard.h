// LinkGraveyard: MQTT links the engine is done with (failed, lost or given up on), kept until
// Paho is done with them. Destroying a Paho client while Paho still works on it (a CONNECT in
// progress, say) crashes inside Paho, so a retired link is destroyed only once it is quiescent
// (MqttLink::Quiescent), checked on a timer, or after a long deadline. Engine thread only.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "engine_log.h"
#include "event_loop.h"
#include "mqtt_link.h"

namespace mqchat::sdk {

class LinkGraveyard {
 public:
  // Links still busy `max_age` after they were retired are destroyed anyway.
  LinkGraveyard(EventLoop& loop, std::chrono::milliseconds max_age, EngineLog log);
  ~LinkGraveyard();  // cancels the sweep timer; call Drain() first to wait for the links
  LinkGraveyard(const LinkGraveyard&) = delete;
  LinkGraveyard& operator=(const LinkGraveyard&) = delete;

  // Takes a link out of service: sends DISCONNECT if it is connected (without waiting) and
  // keeps it until it is quiescent. A null link is ignored.
  void Retire(std::unique_ptr<MqttLink> link);
  // At shutdown: waits (bounded) for the retired links to become quiescent, then destroys them.
  // Blocks the engine thread for up to a few seconds; nothing else runs on it any more.
  void Drain();

 private:
  struct RetiredLink {
    std::unique_ptr<MqttLink> link;
    EventLoop::Clock::time_point since;
  };
  // Destroys the quiescent retired links (and those past max_age); `grace` as in
  // MqttLink::Quiescent. Returns true once the graveyard is empty.
  bool Sweep(std::chrono::milliseconds grace);
  void ScheduleSweep();

  EventLoop& loop_;
  const std::chrono::milliseconds max_age_;
  EngineLog log_;
  std::vector<RetiredLink> links_;
  EventLoop::TimerId sweep_timer_ = 0;
};

}  // namespace mqchat::sdk
