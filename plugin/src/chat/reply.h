// ReplyTo and the response publishers: where and how a request's JSON response is sent.
// Publishing: broker thread only. ReplyTo itself is a plain value, safe to carry across threads.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "broker/broker_api.h"
#include "metrics/request_counters.h"
#include "mqchat/status.h"
#include "protocol/errors.h"
#include "protocol/requests.h"

namespace mqchat::chat {

struct ReplyTo {
  std::string client_id;         // responses go to the requesting client only
  std::string topic;             // its response topic (validated) or its reply topic
  std::string correlation_data;  // MQTT 5, echoed
  std::string req_id;            // JSON, echoed
  std::string op_name;           // "send", ... ("unknown" if the op could not be parsed)
  metrics::CountedOp op{};       // the parsed op, which the reply is counted under (metrics)
};

// Error code for a failed store or worker call. `context` picks the meaning of
// kResourceExhausted: a full group from the store, or a full queue from a worker.
enum class FailureSource { kStore, kQueue };
protocol::ErrorCode ErrorCodeFor(const Status& status, FailureSource source);

// Builds the payloads (any thread).
std::string OkPayload(const ReplyTo& to, nlohmann::json fields);
// `retry_after_ms` > 0: the error's retry_after_ms (RATE_LIMITED).
std::string ErrorPayload(const ReplyTo& to, protocol::ErrorCode code, const std::string& message,
                         int64_t retry_after_ms = 0);

// Publishes a built payload to the requester (broker thread).
void PublishReply(BrokerApi& broker, const ReplyTo& to, std::string payload);

}  // namespace mqchat::chat
