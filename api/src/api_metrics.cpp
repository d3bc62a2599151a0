#include "api_metrics.h"

#include <string>

#include "protocol/http_api.h"

namespace mqchat::api {
namespace {
namespace http = protocol::http;

ApiInstruments Make(metrics::Registry& r) {
  // Request latencies from 1 ms to 10 s (a login hashes a password: tens of milliseconds).
  std::vector<double> seconds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25,  0.5,    1,     2.5,  5,     10};
  return ApiInstruments{
      r.AddCounterFamily("mqchat_api_http_requests_total",
                         "HTTP requests answered, by route template, method and status class.",
                         {"route", "method", "status"}),
      r.AddHistogram("mqchat_api_http_request_duration_seconds",
                     "Time to answer one HTTP request (from routing to the response built).",
                     std::move(seconds)),
      r.AddCounterFamily("mqchat_api_logins_total",
                         "Password logins, by outcome (ok, refused, throttled, busy, invalid).",
                         {"outcome"}),
      r.AddCounterFamily("mqchat_api_signups_total",
                         "Sign-ups, by outcome (ok, taken, refused, invalid, throttled, busy).",
                         {"outcome"}),
      r.AddCounterFamily("mqchat_api_refreshes_total",
                         "Refresh token rotations, by outcome (ok, invalid, reuse_detected, busy).",
                         {"outcome"}),
      r.AddCounterFamily("mqchat_api_throttled_total",
                         "Requests refused with 429 RATE_LIMITED, by route template.", {"route"}),
      r.AddCounter("mqchat_api_store_errors_total",
                   "Requests failed by the store (unreachable, or an unexpected error)."),
  };
}

// The methods the HTTP layer routes (http_server.cpp); anything else is "other", so a client
// cannot grow the family.
std::string_view MethodLabel(const std::string& method) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace

metrics::Registry& ApiRegistry() {
  static metrics::Registry* registry = new metrics::Registry();  // never destroyed
  return *registry;
}

ApiInstruments& ApiMetrics() {
  static ApiInstruments* instruments = new ApiInstruments(Make(ApiRegistry()));
  return *instruments;
}

std::string_view StatusClass(int status) {
  switch (status / 100) {
    case 1: return "1xx";
    case 2: return "2xx";
    case 3: return "3xx";
    case 4: return "4xx";
    default: return "5xx";
  }
}

std::string_view OutcomeOf(std::string_view route, const ApiResponse& response) {
  if (!response.outcome.empty()) return response.outcome;
  const int status = response.status;
  if (status >= 200 && status < 300) return "ok";
  switch (status) {
    case 401:
    case 403: return route == http::kPathRefresh ? "invalid" : "refused";
    case 429: return "throttled";
    case 503: return "busy";
    case 409: return "taken";
    case 400:
    case 413:
    case 415:
    case 422: return "invalid";
    default: return "error";
  }
}

void CountRequest(std::string_view route, const ApiRequest& request, const ApiResponse& response,
                  double seconds) {
  ApiInstruments& m = ApiMetrics();
  const std::string route_label(route);
  m.requests.With({route_label, std::string(MethodLabel(request.method)),
                   std::string(StatusClass(response.status))})
      .Inc();
  m.duration.Observe(seconds);
  if (response.status == 429) m.throttled.With({route_label}).Inc();
  if (request.method != "POST") return;
  metrics::CounterFamily* by_outcome = route == http::kPathLogin     ? &m.logins
                                       : route == http::kPathSignup  ? &m.signups
                                       : route == http::kPathRefresh ? &m.refreshes
                                                                     : nullptr;
  if (by_outcome != nullptr) by_outcome->With({std::string(OutcomeOf(route, response))}).Inc();
}

}  // namespace mqchat::api
