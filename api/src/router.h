// Router: maps (method, path) to a handler. A path is exact ("/v1/me") or a pattern whose
// "{name}" segments match any one non-empty segment ("/v1/users/{name}/avatar"; the matches go
// to ApiRequest::path_params, in order); exact paths win over patterns. An unknown path is a NOT_FOUND JSON error, a
// known path with another method METHOD_NOT_ALLOWED (with an Allow header), and a handler that
// throws becomes INTERNAL without details (the exception text goes to the log only).
// Routes are added before serving; Dispatch is then const and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.h"

namespace mqchat::api {

using Handler = std::function<ApiResponse(const ApiRequest&)>;

class Router {
 public:
  void Add(const std::string& method, const std::string& path, Handler handler);
  ApiResponse Dispatch(const ApiRequest& request) const;
  // The route `path` goes to, as added ("/v1/users/{name}"), or "unmatched": a fixed name for
  // metrics (api_metrics.h), never the path itself.
  std::string_view RouteOf(const std::string& path) const;

 private:
  using Methods = std::map<std::string, Handler>;
  struct Pattern {
    std::string path;                    // as added
    std::vector<std::string> segments;  // "{...}" matches any one segment
    Methods methods;
  };
  ApiResponse DispatchMethod(const Methods& methods, const ApiRequest& request) const;
  // The methods of the route `path` goes to, with its template and a pattern's parameters
  // (empty for an exact path); null if none.
  const Methods* Find(const std::string& path, std::string_view* route,
                      std::vector<std::string>* params) const;

  std::map<std::string, Methods> routes_;  // exact path -> method -> handler
  std::vector<Pattern> patterns_;
};

}  // namespace mqchat::api
