// The plugin's metrics (issue 19; docs/OPERATIONS.md "Metrics" lists them): one set per
// process, since a broker loads the plugin once. Modules update them where the event happens;
// the metrics listener (metrics_server.h) renders Registry(). Names follow Prometheus'
// conventions (units in the name, _total for counters); labels are small fixed sets, never a
// user or conversation.
#pragma once

#include "metrics/registry.h"
#include "metrics/request_counters.h"

namespace mqchat::metrics {

struct Instruments {
  CounterFamily& requests;          // mqchat_requests_total{op,outcome}: outcome "ok" or the code
  RequestCounters& replies;         // the same family's children, resolved once (count here)
  Counter& messages_stored;         // mqchat_messages_stored_total: new log entries acked
  Counter& duplicates;              // mqchat_duplicate_sends_total: resends answered from the store
  Histogram& batch_size;            // mqchat_store_batch_size: sends per writer transaction
  Histogram& commit_seconds;        // mqchat_store_commit_duration_seconds
  Histogram& send_ack_seconds;      // mqchat_send_ack_duration_seconds: request in to ack built
  Counter& store_errors;            // mqchat_store_errors_total{kind="send"}: failed send batches
  Counter& store_request_errors;    // {kind="request"}: other store calls answered with an error
  Counter& store_reconnects;        // mqchat_store_reconnects_total: lost PostgreSQL sessions back
  CounterFamily& auth;              // mqchat_auth_attempts_total{outcome}
  Gauge& connected_devices;         // mqchat_connected_devices
  Gauge& connected_users;           // mqchat_connected_users
  CounterFamily& push_jobs;         // mqchat_push_jobs_total{outcome}
  Histogram& push_gateway_seconds;  // mqchat_push_gateway_duration_seconds
  Counter& presence_publishes;      // mqchat_presence_publishes_total: retained presence published
  Counter& routed_sent;             // mqchat_bus_routed_messages_total{direction="sent"}
  Counter& routed_received;         // {direction="received"}: inbox payloads over the Redis bus
  Counter& bus_reconnects;          // mqchat_bus_reconnects_total: Redis back after a loss
};
// mqchat_bus_connected (1/0) is a sampled gauge the plugin registers only with shared presence
// (app/plugin.cpp), so a broker without Redis never looks "down".

Registry& GlobalRegistry();
Instruments& Get();

}  // namespace mqchat::metrics
