// CorsPolicy: which web pages may call the API from a browser (CORS). The operator lists the
// origins of the pages (`cors_origin`, e.g. the broker's WebSocket listener serving web/dist);
// a request carrying an Origin header from any other origin is refused (403 FORBIDDEN) before a
// handler runs, so a foreign page cannot even trigger a side effect. A request without Origin
// (curl, the SDK, a server) is not a browser's cross-origin request and passes untouched.
// Preflights (OPTIONS with Access-Control-Request-Method) of listed origins get 204 with the
// methods and headers the API uses. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http_types.h"

namespace mqchat::api {

class CorsPolicy {
 public:
  // `origins`: exact origins ("scheme://host[:port]", no path); empty: no browser may call.
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // The whole response when the policy answers `request` itself (a preflight, or a refused
  // origin); nullopt when the request goes to its handler.
  std::optional<ApiResponse> Intercept(const ApiRequest& request) const;
  // Adds the CORS headers a listed origin's response needs (nothing without Origin).
  void Decorate(const ApiRequest& request, ApiResponse* response) const;

 private:
  bool Allowed(const std::string& origin) const;

  std::vector<std::string> origins_;
};

}  // namespace mqchat::api
