#include "http_server.h"

#include <httplib.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>

#include "request_gate.h"
#include "static_files.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;

// The connection the calling HTTP thread serves: cpp-httplib serves a connection whole, every
// request of it, on the one pool thread that took it (GatedTaskQueue), so its state lives there.
struct Connection {
  bool over_capacity = false;  // accepted beyond max_connections: every request is refused
  bool bound = false;          // its address was counted (RequestGate::BindAddress) ...
  bool address_admitted = false;  // ... and was within max_connections_per_address
  std::string address;
};
thread_local Connection* t_connection = nullptr;

// httplib::ThreadPool, counting each accepted connection at the gate from the moment it is
// accepted (queued for a thread) until it is closed.
class GatedTaskQueue : public httplib::TaskQueue {
 public:
  GatedTaskQueue(size_t threads, RequestGate* gate) : pool_(threads), gate_(gate) {}

  void enqueue(std::function<void()> serve) override {
    const bool admitted = gate_->OpenConnection();
    pool_.enqueue([gate = gate_, serve = std::move(serve), admitted] {
      Connection connection;
      connection.over_capacity = !admitted;
      t_connection = &connection;
      serve();
      t_connection = nullptr;
      if (connection.bound && connection.address_admitted) {
        gate->ReleaseAddress(connection.address);
      }
      gate->CloseConnection();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  RequestGate* const gate_;
};

void Write(const ApiResponse& response, httplib::Response& out) {
  out.status = response.status;
  for (const auto& [name, value] : response.headers) out.set_header(name, value);
  out.set_content(response.body, response.content_type.c_str());
}

// The JSON error for a status the library set on its own (no handler ran).
ApiResponse LibraryError(int status) {
  switch (status) {
    case 413: return ErrorResponse(ApiErrorCode::kTooLarge, "the request body is too large");
    case 404: return ErrorResponse(ApiErrorCode::kNotFound, "no such path");
    case 405: return ErrorResponse(ApiErrorCode::kMethodNotAllowed, "method not allowed");
    case 500: return ErrorResponse(ApiErrorCode::kInternal, "internal error");
    default: break;
  }
  ApiResponse response = ErrorResponse(ApiErrorCode::kBadRequest, "malformed HTTP request");
  response.status = status;
  return response;
}

// The gate's answer to a request it refuses, before its body is read: the JSON error, and the
// connection closed after it (the unread body would otherwise be taken for the next request).
// cpp-httplib closes after a response when the request asked for it ("Connection: close"), so
// the request is made to ask: it is the server's own object, non-const where it was created.
httplib::Server::HandlerResponse Refuse(const ApiService* service, const httplib::Request& req,
                                        httplib::Response& res, ApiResponse response) {
  auto& request = const_cast<httplib::Request&>(req);
  request.headers.erase("Connection");
  request.headers.emplace("Connection", "close");
  ApiRequest seen{req.method, req.path, "", "", req.remote_addr,
                  req.get_header_value("Origin")};
  Write(service->Refused(seen, std::move(response)), res);
  return httplib::Server::HandlerResponse::Handled;
}

// The pre-routing check of every request (request_gate.h): the connection's own bounds, then the
// request rates of its address and network.
httplib::Server::HandlerResponse Admit(RequestGate& gate, const ApiService* service,
                                       const httplib::Request& req, httplib::Response& res) {
  if (Connection* connection = t_connection) {
    if (connection->over_capacity) {
      return Refuse(service, req, res,
                    RetryLaterResponse(ApiErrorCode::kOverloaded,
                                       "the service is busy; retry later", 1));
    }
    if (!connection->bound) {
      connection->bound = true;
      connection->address = req.remote_addr;
      connection->address_admitted = gate.BindAddress(connection->address);
    }
    if (!connection->address_admitted) {
      return Refuse(service, req, res,
                    RetryLaterResponse(ApiErrorCode::kRateLimited,
                                       "too many connections from this address; retry later", 1));
    }
  }
  if (int wait_s = gate.RequestWaitS(req.remote_addr)) {
    return Refuse(service, req, res,
                  RetryLaterResponse(ApiErrorCode::kRateLimited,
                                     "too many requests from this address or network; retry "
                                     "later",
                                     wait_s));
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

}  // namespace

struct HttpServer::Impl {
  ApiConfig config;
  const ApiService* service;
  RequestGate gate;
  std::unique_ptr<StaticFiles> files;  // `web_dir`, or null
  std::unique_ptr<httplib::Server> server;  // an httplib::SSLServer with a certificate
};

HttpServer::HttpServer(const ApiConfig& config, const ApiService* service)
    : impl_(new Impl{config, service, RequestGate(config.gate), nullptr, nullptr}) {
  if (!config.web_dir.empty()) impl_->files = std::make_unique<StaticFiles>(config.web_dir);
  if (config.tls_cert_file.empty()) {
    impl_->server = std::make_unique<httplib::Server>();
  } else {
    impl_->server = std::make_unique<httplib::SSLServer>(config.tls_cert_file.c_str(),
                                                         config.tls_key_file.c_str());
  }
  auto& server = *impl_->server;
  const int threads = config.http_threads;
  RequestGate* gate = &impl_->gate;
  server.new_task_queue = [threads, gate] { return new GatedTaskQueue(threads, gate); };
  server.set_pre_routing_handler(
      [gate, service](const httplib::Request& req, httplib::Response& res) {
        return Admit(*gate, service, req, res);
      });
  // An idle keep-alive connection holds its HTTP thread: not for long, nor for ever many requests.
  server.set_keep_alive_max_count(static_cast<size_t>(config.gate.keep_alive_requests));
  server.set_keep_alive_timeout(config.gate.keep_alive_timeout_s);
  // The largest body any route takes; ApiService holds JSON routes to max_body_bytes.
  server.set_payload_max_length(
      std::max({config.max_body_bytes, config.avatar_max_bytes,
                static_cast<size_t>(config.attachments.chunk_bytes)}));
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  // cpp-httplib writes a response's headers and body in separate sends; with Nagle on, the body
  // waited for the client's delayed ACK of the headers (40 ms on Linux) on every kept-alive
  // request: refreshes took 48 ms p50 on both stores (docs/BENCHMARKS.md, API service).
  server.set_tcp_nodelay(true);
  const StaticFiles* files = impl_->files.get();
  auto handle = [service, files](const httplib::Request& req, httplib::Response& res) {
    // The web app's files (`web_dir`) for GET and HEAD outside /v1; a path that is no file goes
    // on to the Router (a JSON 404), and /v1 never reaches the files.
    if (files && (req.method == "GET" || req.method == "HEAD") && !IsApiPath(req.path)) {
      if (auto file = files->Serve(req.path)) return Write(*file, res);
    }
    ApiRequest request{req.method, req.path, req.get_header_value("Content-Type"), req.body,
                       req.remote_addr, req.get_header_value("Origin"),
                       req.get_header_value("Access-Control-Request-Method"),
                       req.get_header_value("Authorization")};
    request.query.assign(req.params.begin(), req.params.end());
    Write(service->Handle(request), res);
  };
  // Every path and method goes to the Router, which answers 404/405 in JSON itself.
  const std::string any = "/.*";
  server.Get(any, handle).Post(any, handle).Put(any, handle).Patch(any, handle);
  server.Delete(any, handle).Options(any, handle);
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;  // already a JSON error from a handler
    int status = res.status;
    Write(LibraryError(status), res);
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) {
    Write(ErrorResponse(ApiErrorCode::kInternal, "internal error"), res);
  });
}

HttpServer::~HttpServer() = default;

bool HttpServer::Ready() const { return impl_->server->is_valid(); }

bool HttpServer::WebDirReady() const { return !impl_->files || impl_->files->ok(); }

bool HttpServer::tls() const { return !impl_->config.tls_cert_file.empty(); }

int HttpServer::Bind() {
  auto& server = *impl_->server;
  if (impl_->config.port == 0) return server.bind_to_any_port(impl_->config.listen_host);
  return server.bind_to_port(impl_->config.listen_host, impl_->config.port) ? impl_->config.port
                                                                              : -1;
}

bool HttpServer::Serve() { return impl_->server->listen_after_bind(); }

void HttpServer::Stop() { impl_->server->stop(); }

}  // namespace mqchat::api
