// MosquittoBrokerApi: BrokerApi over mosquitto's plugin functions. Broker thread only, which
// builds with thread checks (util/thread_checker.h) verify on every call.
#pragma once

#include "broker/broker_api.h"
#include "util/thread_checker.h"

namespace mqchat {

class MosquittoBrokerApi final : public BrokerApi {
 public:
  void Log(LogLevel level, const std::string& message) override;
  Status Publish(const OutgoingMessage& message) override;
  void KickUser(const std::string& username) override;
  void KickClient(const std::string& client_id) override;

 private:
  // Created with the plugin's instance at init, which runs on the broker thread.
  ThreadChecker broker_thread_;
};

}  // namespace mqchat
