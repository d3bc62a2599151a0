// ApiProcess: runs the built mqchat-api on a free loopback port against a ChatServer's store
// (the same SQLite file or PostgreSQL database the broker uses), signing tokens with
// TestRsaKeys() (brokers verify with its public_pem), and talks to it over HTTP. Test thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store_config.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace mqchat::test {

class ChatServer;

struct ApiReply {
  int status = 0;     // HTTP status; 0 if the request failed at the transport
  std::string body;   // raw body
  std::string content_type;
  std::string retry_after;
  nlohmann::json json;  // parsed body (discarded value if not JSON)
  std::string error_code() const;  // json.error.code, or ""
};

class ApiProcess {
 public:
  // Extra `--key value` options are appended after the defaults (store, key, port, listen).
  ApiProcess(const store::StoreConfig& store,
             std::vector<std::pair<std::string, std::string>> options = {});
  ~ApiProcess();

  // Starts mqchat-api and waits (10 s deadline) until it accepts connections. Records a fatal
  // gtest failure with the log and returns false otherwise.
  bool Start();
  void Stop();

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  std::string Log() const;

  ApiReply Get(const std::string& path);
  // POSTs `body` as is, with `content_type` (empty: no header).
  ApiReply PostRaw(const std::string& path, const std::string& body,
                   const std::string& content_type = "application/json");
  ApiReply Post(const std::string& path, const nlohmann::json& body);
  // Any method, no body.
  ApiReply Send(const std::string& method, const std::string& path);
  // Any method with "Authorization: Bearer <bearer>" (none if empty) and `body` as is, sent
  // with `content_type` (empty: no header).
  ApiReply Call(const std::string& method, const std::string& path, const std::string& bearer,
                const std::string& body = "", const std::string& content_type = "");

 private:
  TempDir dir_;
  std::vector<std::string> argv_;
  int port_ = 0;
  Subprocess process_;
};

// An ApiProcess with `options` on a fresh (migrated) SQLite store and no broker (`server` only
// holds the store; it is not started): into `server` and `api`, which the caller keeps in that
// order so the service stops before its store goes. False if either failed (with a gtest failure
// from ApiProcess::Start).
bool StartApiOnFreshSqlite(std::vector<std::pair<std::string, std::string>> options,
                           std::unique_ptr<ChatServer>& server, std::unique_ptr<ApiProcess>& api);

}  // namespace mqchat::test
