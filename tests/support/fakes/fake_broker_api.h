// FakeBrokerApi: a BrokerApi that records what the plugin core asks of the broker (publishes,
// kicks, log lines) instead of doing it, for unit tests of the request path. Like the real one,
// broker thread only: the test thread plays the broker thread (it runs BrokerTaskQueue).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "broker/broker_api.h"

namespace mqchat::test {

class FakeBrokerApi final : public BrokerApi {
 public:
  void Log(LogLevel level, const std::string& message) override {
    logs.emplace_back(level, message);
  }
  Status Publish(const OutgoingMessage& message) override {
    publishes.push_back(message);
    return publish_status;
  }
  void KickUser(const std::string& username) override { kicks.push_back(username); }
  void KickClient(const std::string& client_id) override { client_kicks.push_back(client_id); }

  // Every publish to `topic`, in order.
  std::vector<OutgoingMessage> PublishesTo(const std::string& topic) const {
    std::vector<OutgoingMessage> out;
    for (const auto& m : publishes) {
      if (m.topic == topic) out.push_back(m);
    }
    return out;
  }
  void Clear() {
    publishes.clear();
    kicks.clear();
    client_kicks.clear();
    logs.clear();
  }

  std::vector<OutgoingMessage> publishes;
  std::vector<std::string> kicks;
  std::vector<std::string> client_kicks;
  std::vector<std::pair<LogLevel, std::string>> logs;
  Status publish_status = Status::Ok();  // what Publish answers (it records either way)
};

}  // namespace mqchat::test
