#include "static_files.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <utility>

namespace mqchat::api {
namespace {

// The largest file served (web/dist holds a few hundred KiB); bigger ones are not the app's.
constexpr off_t kMaxFileBytes = 16 * 1024 * 1024;

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return "";
  return resolved;
}

// Every segment of `path` (which starts with '/') is a plain name: not empty (except a final
// one: "dir/"), not "." or "..", not a dotfile; no backslash or NUL anywhere.
bool PlainPath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) return false;
  size_t start = 1;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end == start || path[start] == '.') return false;  // "//", ".", "..", ".hidden"
    start = end + 1;
  }
  return true;
}

// Answered fresh on every load: the page, the service worker (browsers check it for updates)
// and the page's configuration.
bool NoCache(const std::string& name) {
  return name == "index.html" || name == "sw.js" || name == "config.json";
}

}  // namespace

std::string StaticContentType(const std::string& name) {
  const size_t dot = name.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "png") return "image/png";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "ico") return "image/x-icon";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool IsApiPath(const std::string& path) { return path == "/v1" || path.rfind("/v1/", 0) == 0; }

StaticFiles::StaticFiles(const std::string& dir) {
  const std::string real = RealPath(dir);
  struct stat st {};
  if (!real.empty() && stat(real.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) root_ = real;
  if (root_ == "/") root_.clear();  // never the whole file system
}

std::optional<ApiResponse> StaticFiles::Serve(const std::string& path) const {
  if (!ok() || IsApiPath(path) || !PlainPath(path)) return std::nullopt;
  std::string relative = path;
  if (relative.back() == '/') relative += "index.html";
  const std::string real = RealPath(root_ + relative);
  if (real.size() <= root_.size() + 1 || real.compare(0, root_.size(), root_) != 0 ||
      real[root_.size()] != '/') {
    return std::nullopt;  // missing, or (through a symlink) outside the directory
  }
  struct stat st {};
  if (stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFileBytes) {
    return std::nullopt;
  }
  std::ifstream in(real, std::ios::binary);
  if (!in) return std::nullopt;
  ApiResponse response;
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  // The name asked for decides the type and caching (a symlink inside keeps its own name).
  const std::string name = relative.substr(relative.rfind('/') + 1);
  response.content_type = StaticContentType(name);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (NoCache(name)) response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace mqchat::api
