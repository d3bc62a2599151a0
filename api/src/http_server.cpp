#include "http_server.h"

#include <httplib.h>

#include <algorithm>

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;

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

}  // namespace

struct HttpServer::Impl {
  ApiConfig config;
  const ApiService* service;
  std::unique_ptr<httplib::Server> server;  // an httplib::SSLServer with a certificate
};

HttpServer::HttpServer(const ApiConfig& config, const ApiService* service)
    : impl_(new Impl{config, service, nullptr}) {
  if (config.tls_cert_file.empty()) {
    impl_->server = std::make_unique<httplib::Server>();
  } else {
    impl_->server = std::make_unique<httplib::SSLServer>(config.tls_cert_file.c_str(),
                                                         config.tls_key_file.c_str());
  }
  auto& server = *impl_->server;
  const int threads = config.http_threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // The largest body any route takes; ApiService holds JSON routes to max_body_bytes.
  server.set_payload_max_length(
      std::max({config.max_body_bytes, config.avatar_max_bytes,
                static_cast<size_t>(config.attachments.chunk_bytes)}));
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  auto handle = [service](const httplib::Request& req, httplib::Response& res) {
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
