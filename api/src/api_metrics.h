// The API service's metrics (issue 19; docs/OPERATIONS.md "Metrics and health"), in a registry
// of its own built from the plugin's generic metrics code (metrics/registry.h), and served by
// the same listener code (metrics/metrics_server.h) on `metrics_listen` (off by default; never
// on the public port). ApiService::Handle counts every request under the route template the
// router matched (never the raw path, which carries user names and ids) and its status class,
// and times it; logins, sign-ups and refreshes are counted by outcome, from the response's
// status unless the handler named the outcome (ApiResponse::outcome, e.g. "reuse_detected");
// FailureResponse counts store failures. Any thread.
#pragma once

#include <string_view>

#include "http_types.h"
#include "metrics/registry.h"

namespace mqchat::api {

struct ApiInstruments {
  metrics::CounterFamily& requests;  // mqchat_api_http_requests_total{route,method,status}
  metrics::Histogram& duration;      // mqchat_api_http_request_duration_seconds
  metrics::CounterFamily& logins;    // mqchat_api_logins_total{outcome}
  metrics::CounterFamily& signups;   // mqchat_api_signups_total{outcome}
  metrics::CounterFamily& refreshes;  // mqchat_api_refreshes_total{outcome}
  metrics::CounterFamily& throttled;  // mqchat_api_throttled_total{route}: 429 answers
  metrics::Counter& store_errors;     // mqchat_api_store_errors_total
};

// The process's API registry (one service per process) and its instruments.
metrics::Registry& ApiRegistry();
ApiInstruments& ApiMetrics();

// The status class label of an HTTP status: "2xx" .. "5xx".
std::string_view StatusClass(int status);
// The outcome of a login, sign-up or refresh answered with `response` on `route`:
// response.outcome if set, else from the status: ok, refused (401/403; "invalid" for a
// refresh), throttled (429), busy (503), taken (409), invalid (400, 413, 415, 422), error.
std::string_view OutcomeOf(std::string_view route, const ApiResponse& response);
// Counts one answered request: `route` is the template the router matched ("unmatched": none).
void CountRequest(std::string_view route, const ApiRequest& request, const ApiResponse& response,
                  double seconds);

}  // namespace mqchat::api
