// HttpServer: serves an ApiService over HTTP, or HTTPS when the config names a certificate and
// key (cpp-httplib's SSLServer, OpenSSL), with cpp-httplib (the only file that includes
// httplib.h). Every response is JSON, including the library's own refusals (413 for a body
// over max_body_bytes, 400 for a malformed request line), which the error handler rewrites to
// the {"error":{...}} shape; but the web app's files, when `web_dir` is set (static_files.h).
// No request or response body is ever logged.
#pragma once

#include <memory>
#include <string>

#include "api_service.h"
#include "config.h"

namespace mqchat::api {

class HttpServer {
 public:
  HttpServer(const ApiConfig& config, const ApiService* service);
  ~HttpServer();

  // False if HTTPS was asked for and the certificate or key could not be loaded (unreadable,
  // not PEM, or not a pair): nothing can be served then.
  bool Ready() const;
  bool tls() const;
  // False if `web_dir` was given and is not a readable directory.
  bool WebDirReady() const;

  // Binds config.listen_host:config.port; returns the port bound (config port 0: a free one),
  // or -1 if the address cannot be bound.
  int Bind();
  // Serves until Stop() (from any thread, e.g. a signal watcher). Returns false on failure.
  bool Serve();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqchat::api
