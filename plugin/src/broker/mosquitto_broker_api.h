// MosquittoBrokerApi: BrokerApi over mosquitto's plugin functions. Broker thread only.
#pragma once

#include "broker/broker_api.h"

namespace mqchat {

class MosquittoBrokerApi final : public BrokerApi {
 public:
  void Log(LogLevel level, const std::string& message) override;
  Status Publish(const OutgoingMessage& message) override;
  void KickUser(const std::string& username) override;
};

}  // namespace mqchat
