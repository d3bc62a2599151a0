#include "app/plugin.h"

#include "store/store_factory.h"

namespace mqchat {

Result<std::unique_ptr<Plugin>> Plugin::Create(Config config, BrokerApi& broker,
                                               const Clock& clock) {
  std::unique_ptr<Plugin> plugin(new Plugin(std::move(config), broker, clock));
  MQCHAT_RETURN_IF_ERROR(plugin->Start());
  return plugin;
}

Plugin::Plugin(Config config, BrokerApi& broker, const Clock& clock)
    : config_(std::move(config)), broker_(broker), clock_(clock) {}

Plugin::~Plugin() {
  if (refresher_) refresher_->Stop();
  if (chat_) chat_->Stop();
  waker_.reset();
}

Status Plugin::Start() {
  // Init runs before the broker's loop starts, so loading synchronously here blocks no client.
  MQCHAT_ASSIGN_OR_RETURN(auto store, store::OpenAccountStore(config_.store));
  auto loaded = auth::RefreshOnce(*store, directory_);
  if (!loaded.ok()) return loaded.status().WithContext("loading users");
  broker_.Log(LogLevel::kNotice, "mqchat: loaded " + std::to_string(directory_.size()) +
                                     " users from the store");

  auth::JwtKeys keys{config_.auth.jwt_hs256_secret, config_.auth.jwt_rs256_public_key_pem};
  auth::JwtPolicy policy{config_.auth.jwt_issuer, config_.auth.jwt_audience,
                         config_.auth.jwt_leeway_s};
  auto verifier = auth::JwtVerifier::Create(std::move(keys), std::move(policy));
  if (!verifier.ok()) return verifier.status().WithContext("JWT configuration");
  authenticator_ = std::make_unique<auth::Authenticator>(config_.auth, directory_,
                                                         std::move(*verifier), clock_);

  auth::DirectoryRefresher::Callbacks callbacks;
  callbacks.on_revoked = [this](std::vector<std::string> usernames) {
    tasks_.Post([this, usernames = std::move(usernames)] {
      for (const auto& name : usernames) {
        broker_.Log(LogLevel::kNotice, "mqchat: access revoked for '" + name + "'");
        broker_.KickUser(name);
      }
    });
  };
  callbacks.on_store_error = [this](const Status& status) {
    tasks_.Post([this, status] {
      broker_.Log(LogLevel::kWarning,
                  "mqchat: user refresh failed, serving the last known users: " +
                      status.ToString());
    });
  };
  callbacks.on_store_recovered = [this] {
    tasks_.Post([this] { broker_.Log(LogLevel::kNotice, "mqchat: user refresh recovered"); });
  };
  refresher_ = std::make_unique<auth::DirectoryRefresher>(
      std::move(store), directory_, config_.auth.user_refresh_ms, std::move(callbacks));

  // Init runs on the broker thread: the waker records it as the thread to interrupt.
  waker_ = std::make_unique<MainThreadWaker>([this] { return !tasks_.Empty(); });
  tasks_.SetWaker([this] { waker_->Wake(); });

  MQCHAT_ASSIGN_OR_RETURN(auto writer_store, store::OpenChatStore(config_.store));
  MQCHAT_ASSIGN_OR_RETURN(auto reader_store, store::OpenChatStore(config_.store));
  chat::ChatOptions chat_options;
  chat_options.node_id = config_.node_id;
  chat_options.max_group_members = config_.max_group_members;
  chat_options.max_message_chars = static_cast<size_t>(config_.max_message_chars);
  chat_ = std::make_unique<chat::ChatService>(chat_options, broker_, tasks_, clock_,
                                              std::move(writer_store), std::move(reader_store));
  return Status::Ok();
}

Status Plugin::OnBasicAuth(ClientHandle client, const auth::LoginRequest& request,
                           int protocol_version) {
  auto result = authenticator_->Authenticate(request);
  if (!result.ok()) {
    broker_.Log(LogLevel::kNotice, "mqchat: refused client '" + std::string(request.client_id) +
                                       "' from " + std::string(request.address) + ": " +
                                       result.status().message());
    return result.status();
  }
  if (result->method == auth::LoginMethod::kToken && !directory_.Lookup(result->username)) {
    chat_->EnsureUser(result->username);  // so others can open conversations with them
  }
  sessions_[client] = chat::ClientSession{result->username, result->device_id,
                                          std::string(request.client_id), protocol_version};
  return Status::Ok();
}

bool Plugin::OnAclCheck(ClientHandle client, std::string_view topic, acl::Access access,
                        bool retain) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return false;
  return acl::Allowed(acl::Principal{it->second.username, it->second.device_id}, topic, access,
                      retain);
}

Plugin::MessageVerdict Plugin::OnMessage(ClientHandle client, std::string_view topic,
                                         std::string_view payload,
                                         std::string_view response_topic,
                                         std::string_view correlation_data) {
  if (!chat::ChatService::IsRequestTopic(topic)) return MessageVerdict::kPass;
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return MessageVerdict::kRefused;
  return chat_->OnRequest(it->second, topic, payload, response_topic, correlation_data)
             ? MessageVerdict::kAccepted
             : MessageVerdict::kRefused;
}

void Plugin::OnDisconnect(ClientHandle client) { sessions_.erase(client); }

void Plugin::OnTick() { tasks_.RunPending(); }

}  // namespace mqchat
