// ClientOptions::Builder and ClientOptions::Validate.
#include "mqchat/client_options.h"

#include <unistd.h>

#include <cstdint>

#include "protocol/identity.h"

namespace mqchat {
namespace {

Status CheckServerUri(const std::string& uri) {
  for (const char* scheme : {"tcp://", "mqtt://", "ws://", "ssl://", "mqtts://", "wss://"}) {
    const std::string s(scheme);
    if (uri.rfind(s, 0) != 0) continue;
    const std::string rest = uri.substr(s.size());
    const size_t colon = rest.rfind(':');
    if (rest.empty() || colon == 0 || colon == std::string::npos || colon + 1 >= rest.size()) {
      return Status::InvalidArgument("server_uri must look like " + s + "host:port, not '" + uri +
                                     "'");
    }
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "server_uri must start with tcp://, mqtt://, ws://, ssl://, mqtts:// or wss://, not '" +
      uri + "'");
}

}  // namespace

std::vector<std::string> ClientOptions::ServerUris() const {
  std::vector<std::string> uris;
  if (!server_uri.empty()) uris.push_back(server_uri);
  uris.insert(uris.end(), server_uris.begin(), server_uris.end());
  return uris;
}

Status ClientOptions::Validate() const {
  const std::vector<std::string> uris = ServerUris();
  if (uris.empty()) return CheckServerUri("");
  for (const std::string& uri : uris) MQCHAT_RETURN_IF_ERROR(CheckServerUri(uri));
  if (!ca_file.empty() && ::access(ca_file.c_str(), R_OK) != 0) {
    return Status::InvalidArgument("ca_file is not a readable file: " + ca_file);
  }
  MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(username).WithContext("username"));
  MQCHAT_RETURN_IF_ERROR(protocol::ValidateDeviceId(device_id).WithContext("device_id"));
  if (password.empty() && !token_provider) {
    return Status::InvalidArgument("a password, a token or a token provider is required");
  }
  if (keepalive.count() < 0 || keepalive.count() > 65535) {
    return Status::InvalidArgument("keepalive must be 0..65535 s");
  }
  if (connect_timeout.count() <= 0) return Status::InvalidArgument("connect_timeout must be > 0");
  if (request_timeout.count() <= 0) return Status::InvalidArgument("request_timeout must be > 0");
  if (reconnect_min.count() <= 0 || reconnect_max < reconnect_min) {
    return Status::InvalidArgument("reconnect backoff needs 0 < min <= max");
  }
  if (session_expiry.count() < 0 || session_expiry.count() > UINT32_MAX) {
    return Status::InvalidArgument("session_expiry must fit in 32 bits of seconds");
  }
  if (send_window < 1 || send_window > 1000) {
    return Status::InvalidArgument("send_window must be 1..1000");
  }
  if (background_grace.count() < 0 || background_grace > std::chrono::minutes(10)) {
    return Status::InvalidArgument("background_grace must be 0..10 min");
  }
  if (event_queue_capacity == 0) return Status::InvalidArgument("event_queue_capacity must be > 0");
  return Status::Ok();
}

using Builder = ClientOptions::Builder;

Builder& Builder::Server(std::string uri) {
  options_.server_uri = std::move(uri);
  options_.server_uris.clear();
  return *this;
}
Builder& Builder::Servers(std::vector<std::string> uris) {
  options_.server_uri.clear();
  options_.server_uris = std::move(uris);
  return *this;
}
Builder& Builder::TrustedCaFile(std::string path) {
  options_.ca_file = std::move(path);
  return *this;
}
Builder& Builder::Credentials(std::string username, std::string password) {
  options_.username = std::move(username);
  options_.password = std::move(password);
  return *this;
}
Builder& Builder::Token(std::string username, std::string jwt) {
  return Credentials(std::move(username), std::move(jwt));
}
Builder& Builder::TokenProvider(std::string username,
                                std::function<Result<std::string>(bool refused)> provider) {
  options_.username = std::move(username);
  options_.token_provider = std::move(provider);
  return *this;
}
Builder& Builder::Device(std::string device_id) {
  options_.device_id = std::move(device_id);
  return *this;
}
Builder& Builder::KeepAlive(std::chrono::seconds keepalive) {
  options_.keepalive = keepalive;
  return *this;
}
Builder& Builder::ConnectTimeout(std::chrono::milliseconds timeout) {
  options_.connect_timeout = timeout;
  return *this;
}
Builder& Builder::RequestTimeout(std::chrono::milliseconds timeout) {
  options_.request_timeout = timeout;
  return *this;
}
Builder& Builder::CachePath(std::string path) {
  options_.cache_path = std::move(path);
  return *this;
}
Builder& Builder::AutoReconnect(bool on, std::chrono::milliseconds min,
                                std::chrono::milliseconds max) {
  options_.auto_reconnect = on;
  options_.reconnect_min = min;
  options_.reconnect_max = max;
  return *this;
}
Builder& Builder::PersistentSession(bool on, std::chrono::seconds expiry) {
  options_.persistent_session = on;
  options_.session_expiry = expiry;
  return *this;
}
Builder& Builder::SendWindow(int window) {
  options_.send_window = window;
  return *this;
}
Builder& Builder::BackgroundGrace(std::chrono::milliseconds grace) {
  options_.background_grace = grace;
  return *this;
}
Builder& Builder::EventQueueCapacity(size_t capacity) {
  options_.event_queue_capacity = capacity;
  return *this;
}
Builder& Builder::Logger(std::function<void(std::string_view)> log) {
  options_.log = std::move(log);
  return *this;
}

Result<ClientOptions> Builder::Build() const {
  MQCHAT_RETURN_IF_ERROR(options_.Validate());
  return options_;
}

}  // namespace mqchat
