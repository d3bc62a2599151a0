#include "metrics/instruments.h"

namespace mqchat::metrics {

namespace {

// Latency buckets from 100 µs to 10 s, roughly 2.5x apart.
std::vector<double> SecondsBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

Instruments Make(Registry& r) {
  CounterFamily& requests = r.AddCounterFamily(
      "mqchat_requests_total", "Requests answered, by op and outcome.", {"op", "outcome"});
  // Families of fixed children, made here so that they render (as 0) before the first event
  // and so that counting never looks a child up.
  CounterFamily& store_errors = r.AddCounterFamily(
      "mqchat_store_errors_total",
      "Store failures: send batches whose transaction failed (send), other requests the store "
      "failed (request).",
      {"kind"});
  CounterFamily& routed = r.AddCounterFamily(
      "mqchat_bus_routed_messages_total",
      "Inbox deliveries routed over the Redis bus to or from another broker.", {"direction"});
  return Instruments{
      requests,
      *new RequestCounters(requests),  // lives as long as the registry: never destroyed
      r.AddCounter("mqchat_messages_stored_total",
                   "Messages and events stored and acknowledged (resends excluded)."),
      r.AddCounter("mqchat_duplicate_sends_total",
                   "Resent client_msg_ids answered with the stored ack."),
      r.AddHistogram("mqchat_store_batch_size", "Sends per writer transaction.",
                     {1, 2, 4, 8, 16, 32, 64, 128, 256}),
      r.AddHistogram("mqchat_store_commit_duration_seconds",
                     "Time of one writer transaction (a batch of sends).", SecondsBuckets()),
      r.AddHistogram("mqchat_send_ack_duration_seconds",
                     "From a send request's arrival to its ack being ready to publish.",
                     SecondsBuckets()),
      store_errors.With({"send"}),
      store_errors.With({"request"}),
      r.AddCounter("mqchat_store_reconnects_total",
                   "PostgreSQL sessions re-established after a loss (any of the plugin's "
                   "connections)."),
      r.AddCounterFamily("mqchat_auth_attempts_total", "Logins, by outcome (ok, refused, busy).",
                         {"outcome"}),
      r.AddGauge("mqchat_connected_devices", "Devices connected to this broker."),
      r.AddGauge("mqchat_connected_users", "Users with a device connected to this broker."),
      r.AddCounterFamily("mqchat_push_jobs_total", "Push jobs finished, by outcome.", {"outcome"}),
      r.AddHistogram("mqchat_push_gateway_duration_seconds", "Push gateway request time.",
                     SecondsBuckets()),
      r.AddCounter("mqchat_presence_publishes_total",
                   "Retained presence messages published (changes and refreshes)."),
      routed.With({"sent"}),
      routed.With({"received"}),
      r.AddCounter("mqchat_bus_reconnects_total",
                   "Times the Redis bus connection came back after a loss."),
  };
}

}  // namespace

Registry& GlobalRegistry() {
  static Registry* registry = new Registry();  // never destroyed: threads may outlive statics
  return *registry;
}

Instruments& Get() {
  static Instruments* instruments = new Instruments(Make(GlobalRegistry()));
  return *instruments;
}

}  // namespace mqchat::metrics
