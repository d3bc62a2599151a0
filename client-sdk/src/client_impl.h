// ClientImpl: the engine behind mqchat::Client. Owns the connection (one MqttLink per attempt;
// links it is done with wait in a graveyard until Paho is done with them, see Retire()),
// the request/response matching, the inbound pipeline into the cache, sync and the outbox pump.
// Public methods: any thread. Everything below "engine thread" runs only on loop_'s thread, so
// that state needs no locks. Split by concern: client_impl.cpp (connection, requests),
// client_ingest.cpp (inbox, sync, delivery order), client_outbox.cpp (sending), client_ops.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backoff.h"
#include "event_dispatcher.h"
#include "event_loop.h"
#include "ids.h"
#include "local_cache.h"
#include "mqchat/client_options.h"
#include "mqchat/events.h"
#include "mqchat/types.h"
#include "mqtt_link.h"
#include "protocol/requests.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

class ClientImpl {
 public:
  static constexpr int kMaxSendWindow = 1000;
  // In-flight publishes kept free for requests other than sends (sync, history, ...).
  static constexpr int kRequestHeadroom = 4;

  static Result<std::unique_ptr<ClientImpl>> Create(ClientOptions options);
  ~ClientImpl();
  ClientImpl(const ClientImpl&) = delete;
  ClientImpl& operator=(const ClientImpl&) = delete;

  Status Connect();
  void Disconnect();
  ConnectionState state() const { return state_.load(); }
  void SetPassword(std::string password);
  const std::string& user() const { return options_.username; }
  const std::string& device_id() const { return options_.device_id; }

  using AckCallback = std::function<void(Result<Ack>)>;
  // Persists the message in the outbox and queues it; `done` runs on the engine thread.
  void Send(int64_t conversation_id, std::string text, AckCallback done);
  Result<size_t> PendingSends() const { return cache_->OutboxSize(); }

  std::future<Result<Conversation>> OpenDirect(std::string user);
  std::future<Result<Conversation>> CreateGroup(std::string name, std::vector<std::string> members);
  std::future<Result<std::vector<std::string>>> AddMembers(int64_t id,
                                                           std::vector<std::string> users);
  std::future<Status> RemoveMember(int64_t id, std::string user);
  std::future<Status> Leave(int64_t id);
  std::future<Status> Rename(int64_t id, std::string name);
  std::future<Result<std::vector<Member>>> Members(int64_t id);
  std::future<Result<std::vector<ConversationSummary>>> Conversations();
  std::future<Result<HistoryPage>> History(int64_t id, HistoryQuery query);
  std::future<Result<int64_t>> MarkRead(int64_t id, int64_t seq);
  std::future<Status> SetTyping(int64_t id, bool typing);
  std::future<Status> WatchPresence(std::string user);

  LocalCache& cache() const { return *cache_; }
  EventDispatcher& dispatcher() { return dispatcher_; }

 private:
  using ResponseHandler = std::function<void(Result<protocol::Response>)>;
  struct PendingRequest {
    protocol::Op op = protocol::Op::kSend;
    ResponseHandler handler;
    EventLoop::TimerId timer = 0;
  };
  struct OutboxItem {
    OutboxEntry entry;
    std::string req_id;  // non-empty while a send of it is in flight on this connection
    EventLoop::Clock::time_point retry_at{};
  };
  // Writes of one inbound batch: committed together, then their events are emitted.
  struct Batch {
    std::map<int64_t, int64_t> touched;        // conversation -> cursor floor (0: just re-check)
    std::vector<Event> events;                 // non-message events, in arrival order
    bool refresh_conversations = false;        // saw a conversation the cache does not know
    std::vector<std::function<void()>> after;  // run after the commit and the events
  };

  explicit ClientImpl(ClientOptions options, std::unique_ptr<LocalCache> cache);
  void Log(const std::string& line) const;
  int64_t NowMs() const;

  // --- engine thread: connection (client_impl.cpp) ---
  void BeginConnect(std::shared_ptr<std::promise<Status>> waiter);
  void StartAttempt();
  void OnConnectResult(uint64_t generation, Status status, int receive_maximum);
  void OnSubscribed(uint64_t generation, Status status);
  void OnLost(uint64_t generation, Status status);
  // A failed attempt or a lost connection: reconnect after backoff, or give up.
  void HandleFailure(Status status);
  void Teardown(Status reason);  // drops the link and everything in flight on it
  // Takes a link out of service: sends DISCONNECT if it is connected and keeps it in the
  // graveyard until it is quiescent (MqttLink::Quiescent), because destroying a Paho client
  // while Paho still works on it (a CONNECT in progress, say) crashes inside Paho.
  void Retire(std::unique_ptr<MqttLink> link);
  // Destroys the quiescent retired links (and, past kRetiredMax, any); `grace` as in
  // MqttLink::Quiescent. Returns true once the graveyard is empty.
  bool SweepGraveyard(std::chrono::milliseconds grace);
  void ScheduleSweep();
  // At shutdown: waits (bounded) for the retired links to become quiescent, then destroys them.
  void DrainGraveyard();
  void SetState(ConnectionState state, Status reason = Status::Ok());
  void ResolveConnectWaiters(const Status& status);
  bool IsUp() const;  // subscribed (kSyncing or kOnline)

  // --- engine thread: requests (client_impl.cpp) ---
  // Publishes `request` with a fresh req_id (returned); `handler` gets the response, a
  // timeout, or a connection loss (kUnavailable). Fails without calling `handler`.
  Result<std::string> StartRequest(protocol::Request request, ResponseHandler handler);
  void OnResponse(const std::string& payload);
  void FailPending(const Status& status);
  // Runs a request from any thread; `decode` runs on the engine thread with the ok response.
  template <typename T>
  std::future<Result<T>> Call(protocol::Request request,
                              std::function<Result<T>(const protocol::Response&)> decode);
  std::future<Status> CallStatus(protocol::Request request,
                                 std::function<Status(const protocol::Response&)> after_ok);

  // --- engine thread: inbound, sync, delivery (client_ingest.cpp) ---
  void OnLinkMessage(std::string topic, std::string payload);  // Paho thread
  void DrainInbound();
  void HandleInbox(const std::string& payload);
  void HandlePresence(const std::string& payload);
  void StoreMessage(const protocol::WireMessage& m, int64_t cursor_floor);
  // Runs `fn` inside one cache transaction; then advances the cursors of touched conversations
  // and emits the newly deliverable messages and the batch's events, in order.
  void RunBatch(const std::function<void()>& fn);
  void StartSync();
  void OnSyncResponse(uint64_t generation, Result<protocol::Response> response);
  void RefreshConversations();
  void ApplyConversationList(const std::vector<ConversationSummary>& list);

  // --- engine thread: outbox (client_outbox.cpp) ---
  void LoadOutbox();
  void PumpOutbox();
  void OnSendResult(const std::string& client_msg_id, const std::string& req_id,
                    Result<protocol::Response> response);
  void ApplyAck(const protocol::WireAck& ack);
  void CompleteSend(const std::string& client_msg_id, const Result<Ack>& result);

  const ClientOptions options_;
  const std::string inbox_topic_;
  const std::string reply_topic_;
  std::unique_ptr<LocalCache> cache_;
  IdGenerator ids_;
  std::atomic<ConnectionState> state_{ConnectionState::kDisconnected};

  std::mutex password_mu_;
  std::string password_;  // guarded by password_mu_

  std::mutex send_mu_;  // orders outbox insertion with posting to the engine

  std::mutex inbound_mu_;
  std::vector<std::pair<std::string, std::string>> inbound_;  // guarded by inbound_mu_
  bool drain_scheduled_ = false;                              // guarded by inbound_mu_

  // Engine thread only.
  std::unique_ptr<MqttLink> link_;
  struct RetiredLink {
    std::unique_ptr<MqttLink> link;
    EventLoop::Clock::time_point since;
  };
  std::vector<RetiredLink> graveyard_;
  EventLoop::TimerId sweep_timer_ = 0;
  uint64_t generation_ = 0;
  bool want_connected_ = false;
  Backoff reconnect_backoff_;
  Backoff retry_backoff_;  // sends refused with a retryable error, and sync retries
  EventLoop::TimerId reconnect_timer_ = 0;
  EventLoop::TimerId attempt_timer_ = 0;
  EventLoop::TimerId pump_timer_ = 0;
  EventLoop::TimerId sync_timer_ = 0;
  std::vector<std::shared_ptr<std::promise<Status>>> connect_waiters_;
  std::map<std::string, PendingRequest> pending_;  // by req_id
  bool refresh_in_flight_ = false;
  bool sync_in_flight_ = false;
  bool resync_ = false;
  std::unique_ptr<Batch> batch_;  // while RunBatch runs
  std::deque<OutboxItem> outbox_;
  std::map<std::string, std::vector<AckCallback>> send_waiters_;  // by client_msg_id
  int window_ = 1;
  int window_cap_ = 1;  // below the server's Receive Maximum, leaving room for other requests
  std::set<std::string> watched_presence_;

  // Declared last: the callback thread and the engine thread stop first (in ~ClientImpl).
  EventDispatcher dispatcher_;
  EventLoop loop_;
};

}  // namespace mqchat::sdk
