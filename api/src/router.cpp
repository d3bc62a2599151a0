#include "router.h"

#include <exception>
#include <iostream>

namespace mqchat::api {
namespace {

using protocol::http::ApiErrorCode;

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `path` matches `pattern`; the parameter segments go to `params`.
bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::vector<std::string>* params) {
  if (pattern.size() != path.size()) return false;
  params->clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (path[i].empty()) return false;
      params->push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& path, Handler handler) {
  if (path.find('{') == std::string::npos) {
    routes_[path][method] = std::move(handler);
    return;
  }
  std::vector<std::string> segments = Segments(path);
  for (Pattern& pattern : patterns_) {
    if (pattern.segments == segments) {
      pattern.methods[method] = std::move(handler);
      return;
    }
  }
  patterns_.push_back({path, std::move(segments), {{method, std::move(handler)}}});
}

std::string_view Router::RouteOf(const std::string& path) const {
  std::string_view route = "unmatched";
  std::vector<std::string> params;
  Find(path, &route, &params);
  return route;
}

const Router::Methods* Router::Find(const std::string& path, std::string_view* route,
                                    std::vector<std::string>* params) const {
  auto exact = routes_.find(path);
  if (exact != routes_.end()) {
    *route = exact->first;
    return &exact->second;
  }
  if (path.empty() || path[0] != '/') return nullptr;
  const std::vector<std::string> segments = Segments(path);
  for (const Pattern& pattern : patterns_) {
    if (!Match(pattern.segments, segments, params)) continue;
    *route = pattern.path;
    return &pattern.methods;
  }
  return nullptr;
}

ApiResponse Router::Dispatch(const ApiRequest& request) const {
  std::string_view route;
  std::vector<std::string> params;
  const Methods* methods = Find(request.path, &route, &params);
  if (methods == nullptr) return ErrorResponse(ApiErrorCode::kNotFound, "no such path");
  if (params.empty()) return DispatchMethod(*methods, request);
  ApiRequest matched = request;
  matched.path_params = std::move(params);
  return DispatchMethod(*methods, matched);
}

ApiResponse Router::DispatchMethod(const Methods& methods, const ApiRequest& request) const {
  auto by_method = methods.find(request.method);
  if (by_method == methods.end()) {
    std::string allow;
    for (const auto& [method, handler] : methods) {
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
