// clang-format off
#include <mosquitto_broker.h>  // must precede mosquitto_plugin.h on 2.0.11
#include <mosquitto_plugin.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
// clang-format on

#include "broker/mosquitto_broker_api.h"

namespace mqchat {
namespace {

int ToMosqLogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return MOSQ_LOG_DEBUG;
    case LogLevel::kInfo: return MOSQ_LOG_INFO;
    case LogLevel::kNotice: return MOSQ_LOG_NOTICE;
    case LogLevel::kWarning: return MOSQ_LOG_WARNING;
    case LogLevel::kError: return MOSQ_LOG_ERR;
  }
  return MOSQ_LOG_INFO;
}

}  // namespace

void MosquittoBrokerApi::Log(LogLevel level, const std::string& message) {
  broker_thread_.Check("BrokerApi::Log");
  mosquitto_log_printf(ToMosqLogLevel(level), "%s", message.c_str());
}

Status MosquittoBrokerApi::Publish(const OutgoingMessage& message) {
  broker_thread_.Check("BrokerApi::Publish");
  if (mosquitto_pub_topic_check(message.topic.c_str()) != MOSQ_ERR_SUCCESS) {
    return Status::InvalidArgument("invalid publish topic");
  }
  mosquitto_property* props = nullptr;
  int rc = MOSQ_ERR_SUCCESS;
  if (!message.correlation_data.empty()) {
    rc = mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA,
                                       message.correlation_data.data(),
                                       static_cast<uint16_t>(message.correlation_data.size()));
  }
  for (const auto& [name, value] : message.user_properties) {
    if (rc != MOSQ_ERR_SUCCESS) break;
    rc = mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, name.c_str(),
                                            value.c_str());
  }
  if (rc == MOSQ_ERR_SUCCESS && message.message_expiry_s > 0) {
    rc = mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
                                      message.message_expiry_s);
  }
  if (rc == MOSQ_ERR_SUCCESS) {
    // Content is JSON text: say so to v5 clients.
    rc = mosquitto_property_add_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    mosquitto_property_free_all(&props);
    return Status::Internal("building publish properties failed");
  }
  const char* target = message.target_client_id.empty() ? nullptr
                                                        : message.target_client_id.c_str();
  rc = mosquitto_broker_publish_copy(target, message.topic.c_str(),
                                     static_cast<int>(message.payload.size()),
                                     message.payload.data(), message.qos, message.retain, props);
  if (rc != MOSQ_ERR_SUCCESS) {
    mosquitto_property_free_all(&props);  // still ours on failure
    return Status::Internal("mosquitto_broker_publish_copy failed: " + std::to_string(rc));
  }
  return Status::Ok();
}

void MosquittoBrokerApi::KickUser(const std::string& username) {
  broker_thread_.Check("BrokerApi::KickUser");
  mosquitto_kick_client_by_username(username.c_str(), false);
}

void MosquittoBrokerApi::KickClient(const std::string& client_id) {
  broker_thread_.Check("BrokerApi::KickClient");
  mosquitto_kick_client_by_clientid(client_id.c_str(), false);
}

}  // namespace mqchat
