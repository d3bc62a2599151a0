// RecordingBrokerApi: a BrokerApi that records what the plugin asks of the broker (publishes,
// kicks, log lines) for tests to inspect. Single-threaded, like the broker thread it stands in
// for.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "broker/broker_api.h"

namespace mqchat::test {

class RecordingBrokerApi final : public BrokerApi {
 public:
  void Log(LogLevel level, const std::string& message) override {
    logs.emplace_back(level, message);
  }
  Status Publish(const OutgoingMessage& message) override {
    published.push_back(message);
    return Status::Ok();
  }
  void KickUser(const std::string& username) override { kicked.push_back(username); }
  void KickClient(const std::string& client_id) override { kicked_clients.push_back(client_id); }

  // Publishes so far, and forgets them.
  std::vector<OutgoingMessage> TakePublished() { return std::exchange(published, {}); }

  std::vector<std::pair<LogLevel, std::string>> logs;
  std::vector<OutgoingMessage> published;
  std::vector<std::string> kicked;
  std::vector<std::string> kicked_clients;
};

}  // namespace mqchat::test
