// HttpTestServer: a small HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) for tests
// that need a remote HTTP endpoint, such as the push gateway. Its own thread serves any number
// of keep-alive connections, records every request with the reply it got, and answers by a
// configurable script ("fail the first N with 500", "reject token X", ...) or a custom handler.
// Stops on destruction. Every public method is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "threads/mutex.h"

namespace mqchat::test {

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json;  // the body parsed as JSON (discarded if it is not JSON)
};

struct HttpReply {
  int status = 200;
  std::string body;
};

struct HttpExchange {
  HttpRequest request;
  HttpReply reply;
};

class HttpTestServer {
 public:
  // Answers a request; `index` counts requests from 0 in arrival order.
  using Handler = std::function<HttpReply(const HttpRequest& request, size_t index)>;

  // Binds and starts serving. Throws std::runtime_error if the socket cannot be set up.
  HttpTestServer();
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>".
  std::string Url(const std::string& path = "/_matrix/push/v1/notify") const;

  // --- the default script (used unless SetHandler is called) ---
  // Every request answers `status` (with an empty body for non-2xx) until changed.
  void RespondWith(int status);
  // The next `n` requests answer `status`; after them the script goes on as before.
  void FailNext(size_t n, int status = 500);
  // A 2xx answer lists `token` in "rejected" whenever the request's devices carry it.
  void RejectToken(const std::string& token);
  // Requests whose devices carry `token` answer `status` (e.g. 410) instead.
  void AnswerTokenWith(const std::string& token, int status);

  // Replaces the script. The handler runs on the server thread with the server's lock held: it
  // must not call this server.
  void SetHandler(Handler handler);

  // Every request so far, with its reply, in arrival order.
  std::vector<HttpExchange> Exchanges() const;
  size_t RequestCount() const;

 private:
  HttpReply Script(const HttpRequest& request) REQUIRES(mu_);
  void Serve();

  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int port_ = 0;
  mutable Mutex mu_;
  Handler handler_ GUARDED_BY(mu_);  // empty: Script()
  int status_ GUARDED_BY(mu_) = 200;
  size_t fail_next_ GUARDED_BY(mu_) = 0;
  int fail_status_ GUARDED_BY(mu_) = 500;
  std::set<std::string> rejected_ GUARDED_BY(mu_);
  std::map<std::string, int> token_status_ GUARDED_BY(mu_);
  std::vector<HttpExchange> exchanges_ GUARDED_BY(mu_);
  std::thread thread_;
};

// The pushkeys ("devices"[].pushkey) of a push gateway notification.
std::vector<std::string> NotificationTokens(const nlohmann::json& request);

}  // namespace mqchat::test
