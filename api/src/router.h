// Router: maps (method, exact path) to a handler. An unknown path is a NOT_FOUND JSON error, a
// known path with another method METHOD_NOT_ALLOWED (with an Allow header), and a handler that
// throws becomes INTERNAL without details (the exception text goes to the log only).
// Routes are added before serving; Dispatch is then const and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "http_types.h"

namespace mqchat::api {

using Handler = std::function<ApiResponse(const ApiRequest&)>;

class Router {
 public:
  void Add(const std::string& method, const std::string& path, Handler handler);
  ApiResponse Dispatch(const ApiRequest& request) const;

 private:
  // path -> method -> handler
  std::map<std::string, std::map<std::string, Handler>> routes_;
};

}  // namespace mqchat::api
