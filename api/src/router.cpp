#include "router.h"

#include <exception>
#include <iostream>

namespace mqchat::api {

using protocol::http::ApiErrorCode;

void Router::Add(const std::string& method, const std::string& path, Handler handler) {
  routes_[path][method] = std::move(handler);
}

ApiResponse Router::Dispatch(const ApiRequest& request) const {
  auto by_path = routes_.find(request.path);
  if (by_path == routes_.end()) {
    return ErrorResponse(ApiErrorCode::kNotFound, "no such path");
  }
  auto by_method = by_path->second.find(request.method);
  if (by_method == by_path->second.end()) {
    std::string allow;
    for (const auto& [method, handler] : by_path->second) {
      allow += (allow.empty() ? "" : ", ") + method;
    }
    ApiResponse response =
        ErrorResponse(ApiErrorCode::kMethodNotAllowed, request.method + " is not allowed here");
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  try {
    return by_method->second(request);
  } catch (const std::exception& e) {
    std::cerr << "mqchat-api: " << request.method << " " << request.path
              << " failed: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "mqchat-api: " << request.method << " " << request.path << " failed\n";
  }
  return ErrorResponse(ApiErrorCode::kInternal, "internal error");
}

}  // namespace mqchat::api
