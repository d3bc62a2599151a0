// EngineLog: the app's optional log sink (ClientOptions::log), shared by the engine's parts so
// each can write "mqchat: ..." lines without checking for a missing logger. Copyable; calls the
// sink on whatever thread logs (the sink is the app's and must be thread-safe, as before).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace mqchat::sdk {

class EngineLog {
 public:
  EngineLog() = default;
  explicit EngineLog(std::function<void(std::string_view)> sink) : sink_(std::move(sink)) {}
  void operator()(const std::string& line) const {
    if (sink_) sink_(line);
  }

 private:
  std::function<void(std::string_view)> sink_;
};

}  // namespace mqchat::sdk
