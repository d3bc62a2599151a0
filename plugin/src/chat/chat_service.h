// ChatService: conversations and messages over MQTT requests (docs/PROTOCOL.md). The broker
// thread parses and checks each request, then hands it to a store worker: sends and
// membership changes to the writer (group commit), reads to a reader of the ReaderPool, the
// one of the requesting user (so one user's reads keep their order; reader_pool.h). Workers
// answer through BrokerTaskQueue; only then are acks published and messages fanned out, so
// nothing is acknowledged or delivered before it is durable. Broker thread, except where noted.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "broker/broker_api.h"
#include "chat/membership_cache.h"
#include "chat/reader_pool.h"
#include "chat/reply.h"
#include "chat/store_worker.h"
#include "ids/snowflake.h"
#include "presence/online_directory.h"
#include "protocol/requests.h"
#include "session/client_session.h"
#include "session/device_index.h"
#include "store/push_store.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"
#include "util/rate_limiter.h"

namespace mqchat::chat {

struct ChatOptions {
  int node_id = 0;
  int max_group_members = 100;
  size_t max_message_chars = 100000;
  size_t max_queue = 10000;  // per worker; beyond it requests get OVERLOADED
  size_t max_batch = 512;    // sends per transaction
  int64_t membership_ttl_ms = 30000;
  size_t membership_cache_entries = 200000;
  int typing_per_minute = 60;
};

// Push notifications (docs/PROTOCOL.md section 7): what ChatService needs from Plugin.
struct ChatPush {
  const presence::OnlineDirectory* online = nullptr;  // thread-safe: who has a device online
  store::PushStorePtr store;  // the writer thread's: push_register, push_settings, mute, ...
  bool record_jobs = false;   // a gateway is configured: messages record push jobs
  std::function<void()> jobs_recorded;  // writer thread, after a batch that may have recorded jobs
};

struct ChatStats {
  uint64_t requests = 0;
  uint64_t refused = 0;  // answered with an error before reaching a worker
  uint64_t overloaded = 0;
};

class ChatService {
 public:
  // `writer_store` and each of `reader_stores` (at least one: one reader worker each) are
  // separate connections, each owned by its worker.
  ChatService(ChatOptions options, BrokerApi& broker, BrokerTaskQueue& tasks, const Clock& clock,
              store::ChatStorePtr writer_store, std::vector<store::ChatStorePtr> reader_stores);
  ~ChatService();  // Stop()

  // True if `topic` is a request topic this service answers.
  static bool IsRequestTopic(std::string_view topic);

  // Handles one request. True: accepted, a response will follow. False: refused at once (an
  // error response was already published); the caller makes the PUBACK say so.
  bool OnRequest(const ClientSession& who, std::string_view topic, std::string_view payload,
                 std::string_view response_topic, std::string_view correlation_data);

  // A token user logged in: make sure the store has a row for them (asynchronous; pending
  // users are recorded together by one writer task, so bursts of logins are never dropped).
  void EnsureUser(const std::string& username);

  // Loads everyone who shares a conversation with `username` (on `username`'s reader worker),
  // then calls `done` on the broker thread. Called before any request of the user's devices,
  // it runs, and `done` is called, before any of their reads is answered (reader_pool.h).
  using Contacts = std::unordered_set<std::string>;
  void LoadContacts(const std::string& username, std::function<void(Contacts)> done);
  // Called on the broker thread with the members of a conversation after a membership change
  // committed (so contact sets can grow). Set once, before requests arrive.
  void SetMembersChangedHook(std::function<void(const std::vector<std::string>&)> hook) {
    members_changed_ = std::move(hook);
  }
  // Called on the broker thread for every inbox delivery, so deliveries can also reach the
  // user's devices on other brokers. Set once, before requests arrive.
  void SetInboxHook(std::function<void(const std::string& user, const std::string& payload)> hook) {
    inbox_hook_ = std::move(hook);
  }

  // The devices connected to this broker, so a message reaches the sender's other devices but
  // not the one that sent it. Set once, before requests arrive; without it the sender's whole
  // inbox gets the message.
  void SetDeviceIndex(const DeviceIndex* devices) { devices_ = devices; }

  // Enables the push ops and, with `push.record_jobs`, push jobs for members who have no
  // device online. Set once, before requests arrive; without it the push ops answer
  // UNAVAILABLE.
  void SetPush(ChatPush push) { push_ = std::move(push); }

  // Finishes queued work and joins the workers. Their last answers stay in the task queue.
  void Stop();

  const ChatStats& stats() const { return stats_; }
  MembershipCache& membership() { return cache_; }
  // The generator of message and conversation ids (broker thread), for seeding at start.
  SnowflakeGenerator& ids() { return ids_; }

 private:
  ReplyTo MakeReplyTo(const ClientSession& who, const protocol::ParsedRequest& parsed,
                      std::string_view response_topic, std::string_view correlation_data) const;
  bool Refuse(const ReplyTo& to, protocol::ErrorCode code, const std::string& message);
  // Queues `task` on a worker; on a full queue answers OVERLOADED and returns false (a stopped
  // worker: UNAVAILABLE). Reads go to readers_->For(requesting user), never another reader.
  bool Submit(StoreWorker& worker, const ReplyTo& to, StoreTask task);

  // Verb groups, one file each: chat_send.cpp, chat_manage.cpp, chat_read.cpp.
  // Takes the text out of `req`.
  bool HandleSend(const ClientSession& who, protocol::Request& req, const ReplyTo& to);
  void OnBatchDone(store::ChatStore& store, std::vector<SendJob> jobs,
                   Result<std::vector<store::AppendResult>> results);  // writer thread
  bool HandleManage(const ClientSession& who, const protocol::Request& req, const ReplyTo& to);
  bool HandleRead(const ClientSession& who, const protocol::Request& req, const ReplyTo& to);
  bool HandleTyping(const ClientSession& who, const protocol::Request& req, const ReplyTo& to);
  // chat_push.cpp: push_register, push_unregister, push_settings, mute (writer worker).
  bool HandlePush(const ClientSession& who, const protocol::Request& req, const ReplyTo& to);
  // Writer thread, before AppendBatch: each send's push recipients (members with no device
  // online, sender excluded), if push jobs are recorded.
  void PrepareBatch(store::ChatStore& store, std::vector<SendJob>& jobs);

  // Writer thread: records every user EnsureUser left pending.
  void RecordNewUsers(store::ChatStore& store);
  // Worker thread: members of `id` from the cache if it holds them at members_version
  // `min_version` or newer, else loaded from `store` and cached. With the members_version a
  // message committed with, the list is at least as new as that commit, whichever broker made
  // the last membership change.
  Result<MembersPtr> LoadMembers(store::ChatStore& store, store::ConversationId id,
                                 int64_t min_version = 0);
  // Worker thread: members of `id` as `store` has them now (then cached), for decisions a
  // stale entry must not make: who may read history, a cached "not a member".
  Result<MembersPtr> ReloadMembers(store::ChatStore& store, store::ConversationId id);
  // Worker thread: answers and notifies after a membership change committed.
  void AfterMembershipChange(store::ChatStore& store, const ReplyTo& to, store::ConversationId id,
                             const std::string& event, const std::string& actor,
                             std::vector<std::string> users, nlohmann::json fields);
  // Worker thread: posts a reply (and optional member broadcast) to the broker thread.
  void PostReply(const ReplyTo& to, std::string payload);
  void PostBroadcast(std::vector<std::string> users, std::string payload);
  void PostMembersChanged(std::vector<std::string> members);
  // Broker thread.
  // `payload` to each user's inbox. With `sender` set, the sender's copy goes only to their
  // devices other than `origin_client_id` (a new message: the sending device has its ack).
  void PublishToInboxes(const std::vector<std::string>& users, const std::string& payload,
                        int qos = 1, const std::string& sender = "",
                        const std::string& origin_client_id = "");

  const ChatOptions options_;
  BrokerApi& broker_;
  BrokerTaskQueue& tasks_;
  const Clock& clock_;
  SnowflakeGenerator ids_;  // broker thread
  MembershipCache cache_;
  ChatStats stats_;
  RateLimiter typing_limiter_;  // broker thread
  std::function<void(const std::vector<std::string>&)> members_changed_;
  std::function<void(const std::string&, const std::string&)> inbox_hook_;
  const DeviceIndex* devices_ = nullptr;
  std::mutex new_users_mu_;
  std::map<std::string, int64_t> new_users_;  // guarded: username -> first login time
  bool new_users_scheduled_ = false;          // guarded: a RecordNewUsers task is queued
  ChatPush push_;  // set before requests; push_.store is used on the writer thread only
  std::unique_ptr<StoreWorker> writer_;
  std::unique_ptr<ReaderPool> readers_;  // history, members, conversations, sync, typing checks
};

}  // namespace mqchat::chat
