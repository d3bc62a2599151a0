// ClientImpl: the engine behind mqchat::Client, composing one owner per concern, all on the
// engine thread (EventLoop) as before:
//   Connection      the link, its state, reconnect/backoff, subscriptions   connection.h
//   RequestTracker  req_id -> pending handler, timeouts, response matching   request_tracker.h
//   Outbox          unacked sends, their order and resends, persisted        outbox.h
//   Ingest          inbound events and messages into the cache, to the app   ingest.h
//   Sync            catching up after (re)connects and gaps                  sync.h
// This class wires them together (the hooks in its constructor), offers the app's calls
// (client_ops.cpp: one request per op) and shuts everything down in order. Public methods: any
// thread; they post to the engine thread, where all the parts' state lives without locks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backoff.h"
#include "connection.h"
#include "engine_log.h"
#include "event_dispatcher.h"
#include "event_loop.h"
#include "ingest.h"
#include "lifecycle.h"
#include "local_cache.h"
#include "mqchat/call.h"
#include "mqchat/client_options.h"
#include "mqchat/events.h"
#include "mqchat/push.h"
#include "mqchat/search.h"
#include "mqchat/types.h"
#include "outbox.h"
#include "protocol/call.h"
#include "protocol/community.h"
#include "protocol/requests.h"
#include "protocol/wire.h"
#include "request_tracker.h"
#include "sync.h"
#include "threads/mutex.h"

namespace mqchat::sdk {

// Completions run on the engine thread.
template <typename T>
using Done = std::function<void(T)>;

class ClientImpl : private OutboxHost {
 public:
  static Result<std::unique_ptr<ClientImpl>> Create(ClientOptions options);
  ~ClientImpl() override;
  ClientImpl(const ClientImpl&) = delete;
  ClientImpl& operator=(const ClientImpl&) = delete;

  Status Connect();
  void Disconnect();
  ConnectionState state() const { return connection_.state(); }
  void SetPassword(std::string password) { connection_.SetPassword(std::move(password)); }
  const std::string& user() const { return options_.username; }
  const std::string& device_id() const { return options_.device_id; }

  using AckCallback = Outbox::AckCallback;
  // Persists the message in the outbox and queues it; `done` runs on the engine thread.
  void Send(int64_t conversation_id, std::string text, AckCallback done) {
    outbox_.Send(conversation_id, std::move(text), std::move(done));
  }
  void Send(int64_t conversation_id, std::string text, std::vector<std::string> attachments,
            AckCallback done) {
    outbox_.Submit(conversation_id, "", 0, std::move(text), std::move(done),
                   std::move(attachments));
  }
  // Any outbox entry: a reply, an edit, a deletion or a reaction (Outbox::Submit).
  void Submit(int64_t conversation_id, std::string_view kind, int64_t target_seq, std::string text,
              AckCallback done) {
    outbox_.Submit(conversation_id, kind, target_seq, std::move(text), std::move(done));
  }
  Result<size_t> PendingSends() const { return outbox_.PendingSends(); }

  RequestId OpenDirect(std::string user, Done<Result<Conversation>> done);
  RequestId CreateGroup(std::string name, std::vector<std::string> members,
                        Done<Result<Conversation>> done);
  RequestId AddMembers(int64_t id, std::vector<std::string> users,
                       Done<Result<std::vector<std::string>>> done);
  RequestId RemoveMember(int64_t id, std::string user, Done<Status> done);
  RequestId Leave(int64_t id, Done<Status> done);
  RequestId Rename(int64_t id, std::string name, Done<Status> done);
  RequestId Members(int64_t id, Done<Result<std::vector<Member>>> done);
  RequestId Conversations(Done<Result<std::vector<ConversationSummary>>> done);
  RequestId History(int64_t id, HistoryQuery query, Done<Result<HistoryPage>> done);
  RequestId MarkRead(int64_t id, int64_t seq, Done<Result<int64_t>> done);
  RequestId Mute(int64_t id, int64_t until_ms, Done<Status> done);
  RequestId Block(std::string user, Done<Result<PrivacySettings>> done);
  RequestId Unblock(std::string user, Done<Result<PrivacySettings>> done);
  RequestId Blocks(Done<Result<PrivacySettings>> done);
  RequestId Report(AbuseReport report, Done<Result<ReportReceipt>> done);
  RequestId SetDmPolicy(DmPolicy policy, Done<Result<PrivacySettings>> done);
  RequestId Search(std::string query, SearchOptions options, Done<Result<SearchPage>> done);
  // Engine thread, after each connection: fetches the settings into the cache (and emits them
  // if they changed while this device was away).
  void FetchPrivacy();
  Result<PrivacySettings> TakePrivacy(const protocol::Response& r);
  RequestId SetTyping(int64_t id, bool typing, Done<Status> done);
  RequestId SetSlowMode(int64_t id, int64_t seconds, Done<Status> done);
  RequestId WatchPresence(std::string user, Done<Status> done);
  // Communities (community_ops.cpp): a community op, answered with its ok response; and a
  // channel's live topic, watched like presence.
  RequestId Community(protocol::CommunityRequest request, Done<Result<protocol::Response>> done);
  void WatchChannel(int64_t channel_id, Done<Status> done);
  void UnwatchChannel(int64_t channel_id, Done<Status> done);
  // Engine thread, after each connection: lists the servers (so the broker loads this user's
  // channel access), then subscribes to the watched channels again and syncs once more (the
  // first sync may have run before that access loaded, without the channels).
  void RestoreChannels();

  // Calls (issue 27; call_ops.cpp): a call op, answered with its ok response; and the app's
  // handler of call events (any thread; run on the callback thread, in order).
  RequestId CallOp(int64_t conversation_id, protocol::CallRequest request,
                   Done<Result<protocol::Response>> done);
  void SetCallHandler(std::function<void(const CallEvent&)> handler);

  // Settles the request `id` with kCancelled if it is still waiting for its response (any
  // thread; the server may still carry it out).
  void Cancel(RequestId id);

  // Push (push_ops.cpp): this device's push target, the user's push settings; and a group's
  // retention (days: nullopt for the server's default).
  RequestId PushRegister(PushPlatform platform, std::string token, Done<Status> done);
  RequestId PushUnregister(Done<Result<bool>> done);
  RequestId SetPushSettings(PushSettings settings, Done<Status> done);
  RequestId SetRetention(int64_t id, std::optional<int64_t> days, Done<Status> done);
  // The app's life on a phone (client_lifecycle.cpp; any thread).
  void EnterBackground();
  void EnterForeground(std::shared_ptr<std::promise<Status>> waiter);
  void NetworkChanged();
  void HandlePushPayload(PushNotice notice, std::chrono::milliseconds deadline,
                         Done<Result<PushFetch>> done);

  LocalCache& cache() const { return *cache_; }
  EventDispatcher& dispatcher() { return dispatcher_; }
  ProfileCache& profiles() { return ingest_.profiles(); }

 private:
  ClientImpl(ClientOptions options, std::unique_ptr<LocalCache> cache);

  // How the parts reach each other (for the constructor).
  ConnectionHooks ConnectionWiring();
  IngestHooks IngestWiring();

  // OutboxHost (engine thread).
  bool SendsAllowed() const override;
  void RunBatch(const std::function<void()>& fn) override { ingest_.RunBatch(fn); }
  void StoreOwnCopy(const protocol::WireMessage& m) override { ingest_.StoreMessage(m, 0); }

  // Engine thread: a call event from the inbox, to the app's call handler.
  void EmitCall(const nlohmann::json& event);

  // The link is gone: what was in flight on it is void (engine thread).
  void OnConnectionDown(const Status& reason);
  // Subscribed (engine thread): the foreground work (sync, privacy, channels) unless in the
  // background, and the push fetches waiting for a connection.
  void OnUp();
  // Lifecycle (client_lifecycle.cpp; engine thread).
  void NoteTyping(int64_t id, bool typing);  // any thread
  void RunForegroundWork();
  void LeaveForBackground();       // the grace is over: disconnect unless a push fetch runs
  void DisconnectIfBackground();   // after a push fetch: the background disconnect, if due
  void SendPushFetch(const std::shared_ptr<PushFetchJob>& job);
  void OnPushFetchPage(const std::shared_ptr<PushFetchJob>& job, Result<protocol::Response> r);
  void FinishPushFetch(const std::shared_ptr<PushFetchJob>& job, Status error);
  // Shutdown on the engine thread, for ~ClientImpl.
  void ShutDownOnEngine();

  // Runs a request from any thread; `decode` runs on the engine thread with the ok response.
  template <typename T>
  RequestId Call(protocol::Request request,
                 std::function<Result<T>(const protocol::Response&)> decode, Done<Result<T>> done);
  RequestId CallStatus(protocol::Request request,
                       std::function<Status(const protocol::Response&)> after_ok,
                       Done<Status> done);
  // Starts `request` on the engine thread; `settle` gets its outcome there (also a refusal to
  // publish, or kCancelled from Cancel).
  RequestId Start(protocol::Request request,
                  std::function<void(Result<protocol::Response>)> settle);
  // Start's bookkeeping around `publish`, which starts the request on the tracker (engine
  // thread) with the handler it is given.
  RequestId Launch(std::function<Result<std::string>(RequestTracker::ResponseHandler)> publish,
                   std::function<void(Result<protocol::Response>)> settle);
  // Engine thread, with an ok response: a new conversation into the cache (open_direct,
  // create_group), and the conversation a change response carries, if any.
  Result<Conversation> CacheNewConversation(const protocol::Response& r);
  Status CacheChange(const protocol::Response& r);

  const ClientOptions options_;
  const EngineLog log_;
  std::unique_ptr<LocalCache> cache_;
  // The callback thread and the engine thread: declared before the parts that use them, and
  // stopped first, in ~ClientImpl.
  EventDispatcher dispatcher_;
  EventLoop loop_;
  Backoff retry_backoff_;  // sends refused with a retryable error, and sync retries
  Connection connection_;
  RequestTracker tracker_;
  Ingest ingest_;
  Sync sync_;
  Outbox outbox_;
  std::atomic<RequestId> last_request_{0};
  std::map<RequestId, std::string> requests_;  // in flight: their req_ids (engine thread)
  LifecycleState life_;  // engine thread
  Mutex call_mu_;
  std::function<void(const CallEvent&)> on_call_ GUARDED_BY(call_mu_);
};

}  // namespace mqchat::sdk
