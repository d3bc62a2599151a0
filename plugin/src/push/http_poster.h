// HttpPoster: POSTs JSON bodies to one URL with libcurl's multi interface, at most
// `concurrency` requests in flight, reusing connections between calls. Used by the push worker
// on its own thread; Interrupt() may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "push/curl_handles.h"
#include "push/gateway_protocol.h"

namespace mqchat::push {

struct HttpPosterOptions {
  std::string url;
  int timeout_ms = 5000;  // whole request, connection included
  int concurrency = 4;
  bool tls_verify = true;  // verify the server certificate and host name
};

class HttpPoster {
 public:
  // kInvalidArgument for a URL that is not http:// or https://; kInternal if libcurl fails.
  static Result<std::unique_ptr<HttpPoster>> Create(HttpPosterOptions options);
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Owning thread. POSTs every body; returns results[i] for bodies[i] once all have finished
  // (each within timeout_ms). After Interrupt() it returns at once; unfinished requests are
  // abandoned and their results say "interrupted".
  std::vector<HttpResult> PostAll(const std::vector<std::string>& bodies);

  // Thread-safe. Makes the current and every later PostAll return at once.
  void Interrupt();

 private:
  struct Slot;
  HttpPoster(HttpPosterOptions options, CurlGlobal global);
  Status Init();
  void Start(Slot& slot, size_t index, const std::string& body);

  const HttpPosterOptions options_;
  CurlGlobal global_;  // declared first: released after every handle below
  CurlSlistPtr headers_;
  std::vector<std::unique_ptr<Slot>> slots_;  // one easy handle per concurrent request
  CurlMultiPtr multi_;                        // declared last: cleaned up before the easy handles
  std::atomic<bool> interrupted_{false};
};

}  // namespace mqchat::push
