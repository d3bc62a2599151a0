// StaticFiles: the web app's files (web/dist) served by mqchat-api itself (`web_dir`), so the
// page, its service worker and its manifest come with real Content-Types (Mosquitto's http_dir
// sends none, and browsers refuse a service worker without a JavaScript type). GET and HEAD only;
// `/v1` and everything under it is never a file (the API's routes always win). A path is served
// only if it names a regular file whose real path (symlinks resolved) lies inside the directory:
// no `..` or `.` segment, no dotfile, no backslash or NUL, and a symlink out is refused.
#pragma once

#include <optional>
#include <string>

#include "http_types.h"

namespace mqchat::api {

class StaticFiles {
 public:
  // `dir` is resolved (realpath) now; ok() is false if it is not a readable directory.
  explicit StaticFiles(const std::string& dir);

  bool ok() const { return !root_.empty(); }

  // The file for request path `path` (already URL-decoded: "%2e%2e" arrives as ".."), or
  // nullopt when there is none to serve (the caller answers 404 in JSON). "/" and any path
  // ending in "/" serve that directory's index.html.
  std::optional<ApiResponse> Serve(const std::string& path) const;

 private:
  std::string root_;  // real path of the directory, no trailing slash
};

// The Content-Type for a file name by its extension (application/octet-stream if unknown).
std::string StaticContentType(const std::string& name);

// Whether `path` belongs to the API's routes (/v1 and below), never to the files.
bool IsApiPath(const std::string& path);

}  // namespace mqchat::api
