#include "support/api_process.h"

#include <httplib.h>

#include <chrono>
#include <iostream>

#include <gtest/gtest.h>

#include "support/broker_process.h"
#include "support/chat_server.h"
#include "support/free_port.h"
#include "support/rsa_keys.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

ApiReply ToReply(const httplib::Result& result) {
  ApiReply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.body = result->body;
  reply.content_type = result->get_header_value("Content-Type");
  reply.retry_after = result->get_header_value("Retry-After");
  reply.json = nlohmann::json::parse(reply.body, nullptr, false);
  return reply;
}

}  // namespace

std::string ApiReply::error_code() const {
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object()) return "";
  return json["error"].value("code", "");
}

ApiProcess::ApiProcess(const store::StoreConfig& store,
                       std::vector<std::pair<std::string, std::string>> options)
    : dir_("mqchat-api") {
  const std::string private_key = dir_.File("api.key.pem");
  WriteFile(private_key, TestRsaKeys().private_pem);
  port_ = FreePort();
  argv_ = {MQCHAT_API_PATH, "--listen", "127.0.0.1", "--port", std::to_string(port_),
           "--jwt_private_key_file", private_key};
  if (store.backend == store::Backend::kSqlite) {
    argv_.insert(argv_.end(), {"--sqlite", store.sqlite_path});
  } else {
    argv_.insert(argv_.end(), {"--pg", store.pg_conninfo});
  }
  for (const auto& [key, value] : options) argv_.insert(argv_.end(), {"--" + key, value});
}

ApiProcess::~ApiProcess() {
  Stop();
  if (::testing::Test::HasFailure()) std::cerr << "mqchat-api log:\n" << LastLines(Log(), 100);
}

bool ApiProcess::Start() {
  process_.Start(argv_, dir_.File("api.log"));
  bool up = WaitFor([&] { return CanConnect(port_) || !process_.Running(); },
                    std::chrono::seconds(10), "mqchat-api to listen");
  if (!up || !process_.Running()) {
    ADD_FAILURE() << "mqchat-api did not start:\n" << Log();
    return false;
  }
  return true;
}

void ApiProcess::Stop() { process_.Stop(); }

std::string ApiProcess::Log() const { return ReadFile(dir_.File("api.log")); }

ApiReply ApiProcess::Get(const std::string& path) { return Send("GET", path); }

ApiReply ApiProcess::PostRaw(const std::string& path, const std::string& body,
                             const std::string& content_type) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  return ToReply(client.Post(path.c_str(), body, content_type.c_str()));
}

ApiReply ApiProcess::Post(const std::string& path, const nlohmann::json& body) {
  return PostRaw(path, body.dump());
}

ApiReply ApiProcess::Send(const std::string& method, const std::string& path) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  httplib::Request request;
  request.method = method;
  request.path = path;
  return ToReply(client.send(request));
}

ApiReply ApiProcess::Call(const std::string& method, const std::string& path,
                          const std::string& bearer, const std::string& body,
                          const std::string& content_type) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  httplib::Request request;
  request.method = method;
  request.path = path;
  request.body = body;
  if (!bearer.empty()) request.set_header("Authorization", "Bearer " + bearer);
  if (!content_type.empty()) request.set_header("Content-Type", content_type);
  return ToReply(client.send(request));
}

bool StartApiOnFreshSqlite(std::vector<std::pair<std::string, std::string>> options,
                           std::unique_ptr<ChatServer>& server, std::unique_ptr<ApiProcess>& api) {
  ChatServerOptions o;
  o.store = StoreKind::kSqlite;
  server = ChatServer::Create(std::move(o));
  if (!server) return false;
  api = std::make_unique<ApiProcess>(server->store_config(), std::move(options));
  return api->Start();
}

}  // namespace mqchat::test
