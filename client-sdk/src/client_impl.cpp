// ClientImpl: creation, the wiring of the engine's parts, connecting and shutdown.
#include "client_impl.h"

#include <utility>

namespace mqchat::sdk {

Result<std::unique_ptr<ClientImpl>> ClientImpl::Create(ClientOptions options) {
  MQCHAT_RETURN_IF_ERROR(options.Validate());
  auto cache = LocalCache::Open(options.cache_path, options.username);
  if (!cache.ok()) return cache.status();
  std::unique_ptr<ClientImpl> impl(new ClientImpl(std::move(options), std::move(*cache)));
  impl->loop_.Post([p = impl.get()] { p->outbox_.Load(); });
  return impl;
}

ClientImpl::ClientImpl(ClientOptions options, std::unique_ptr<LocalCache> cache)
    : options_(std::move(options)),
      log_(options_.log),
      cache_(std::move(cache)),
      dispatcher_(options_.event_queue_capacity, options_.log),
      retry_backoff_(std::chrono::milliseconds(200), std::chrono::seconds(10)),
      connection_(options_, loop_, dispatcher_, log_, ConnectionWiring()),
      tracker_(loop_, connection_, options_.request_timeout, log_,
               [this](const protocol::Response& r) { outbox_.OnUnmatchedResponse(r); }),
      ingest_(options_, loop_, *cache_, dispatcher_, log_, IngestWiring()),
      sync_(loop_, connection_, tracker_, ingest_, *cache_, retry_backoff_, log_,
            [this] { outbox_.Pump(); }),
      outbox_(options_, loop_, *cache_, tracker_, *this, retry_backoff_, log_) {}

// The hooks only capture `this`: they run once the constructor is done.
ConnectionHooks ClientImpl::ConnectionWiring() {
  ConnectionHooks hooks;
  hooks.on_connected = [this](int receive_maximum) { outbox_.SetReceiveMaximum(receive_maximum); };
  hooks.on_up = [this] { OnUp(); };
  hooks.on_down = [this](const Status& reason) { OnConnectionDown(reason); };
  hooks.on_message = [this](std::string topic, std::string payload) {
    ingest_.Enqueue(std::move(topic), std::move(payload));
  };
  return hooks;
}

IngestHooks ClientImpl::IngestWiring() {
  IngestHooks hooks;
  hooks.on_response = [this](const std::string& payload) { tracker_.OnResponse(payload); };
  // In the background only push fetches run; the sync of EnterForeground closes gaps.
  hooks.on_gap = [this] {
    if (!life_.background) sync_.Start();
  };
  hooks.on_unknown_conversation = [this] { sync_.RefreshConversations(); };
  hooks.on_call = [this](const nlohmann::json& event) { EmitCall(event); };
  return hooks;
}

ClientImpl::~ClientImpl() {
  std::promise<void> done;
  auto finished = done.get_future();
  const bool posted = loop_.Post([this, &done] {
    ShutDownOnEngine();
    done.set_value();
  });
  if (posted) finished.wait();
  loop_.Stop();
  dispatcher_.Stop();  // runs the callbacks still queued
}

void ClientImpl::ShutDownOnEngine() {
  const Status destroyed = Status::Unavailable("the client was destroyed");
  connection_.Close(destroyed);
  outbox_.FailWaiters(Status::Unavailable(
      "the client was destroyed before the server acknowledged the message; it stays in the "
      "outbox and is sent by the next client on this cache"));
  connection_.FinishClose(destroyed);
  for (auto& job : std::vector<std::shared_ptr<PushFetchJob>>(life_.fetches)) {
    FinishPushFetch(job, destroyed);
  }
  loop_.Cancel(life_.grace_timer);
  connection_.DrainRetired();
}

bool ClientImpl::SendsAllowed() const {
  return connection_.state() == ConnectionState::kOnline && connection_.IsUp();
}

void ClientImpl::OnConnectionDown(const Status& reason) {
  life_.full_up = false;
  sync_.Reset();
  ingest_.profiles().Clear();  // changes made while away never come: the app refetches
  outbox_.Reset();  // sends in flight are resent in outbox order on the next connection
  tracker_.FailAll(reason);
}

Status ClientImpl::Connect() {
  auto waiter = std::make_shared<std::promise<Status>>();
  auto result = waiter->get_future();
  if (!loop_.Post([this, waiter] { connection_.BeginConnect(waiter); })) {
    return Status::Unavailable("the client is shutting down");
  }
  const auto deadline = options_.connect_timeout + std::chrono::seconds(2);
  if (result.wait_for(deadline) != std::future_status::ready) {
    return Status::Unavailable("no connection within " +
                               std::to_string(options_.connect_timeout.count()) +
                               " ms; still trying");
  }
  return result.get();
}

void ClientImpl::Disconnect() {
  std::promise<void> done;
  auto finished = done.get_future();
  if (!loop_.Post([this, &done] {
        const Status reason = Status::Unavailable("disconnected by the app");
        connection_.Close(reason);
        connection_.FinishClose(reason);
        done.set_value();
      })) {
    return;
  }
  finished.wait();
}

}  // namespace mqchat::sdk
