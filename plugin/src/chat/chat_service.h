// ChatService: conversations and messages over MQTT requests (docs/PROTOCOL.md). The broker
// thread parses and checks each request and routes it through the op table (op_table.h) to its
// handler, which plans the work for a store worker: sends and membership changes go to the
// writer (group commit; SendPipeline), reads to the requesting user's reader of the
// ReaderPool (so one user's reads keep their order; reader_pool.h). Workers answer through
// BrokerTaskQueue (WorkerReplies); only then does FanOut publish acks and fan messages out, so
// nothing is acknowledged or delivered before it is durable. Broker thread, except where noted.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "broker/broker_api.h"
#include "call/call_ops.h"
#include "chat/block_ops.h"
#include "chat/conversation_ops.h"
#include "chat/fan_out.h"
#include "chat/member_loader.h"
#include "chat/membership_cache.h"
#include "chat/message_event_ops.h"
#include "chat/op_table.h"
#include "chat/push_ops.h"
#include "chat/read_ops.h"
#include "chat/reader_pool.h"
#include "chat/report_ops.h"
#include "chat/retention_ops.h"
#include "chat/send_limits.h"
#include "chat/send_pipeline.h"
#include "chat/store_worker.h"
#include "chat/typing_ops.h"
#include "chat/worker_replies.h"
#include "community/channel_delivery.h"
#include "community/community_ops.h"
#include "ids/snowflake.h"
#include "search/indexer.h"
#include "search/search_ops.h"
#include "session/client_session.h"
#include "session/device_index.h"
#include "session/hidden_users.h"
#include "threads/mutex.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"

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
  int64_t edit_window_ms = 172'800'000;  // edits allowed this long after a message; 0 = forever
  SendLimitOptions send_limits;  // per-user send rates (send_limits.h)
  int reports_per_minute = 10;   // `report` requests per user and minute
  call::CallOptions calls;       // calls (issue 27; call/call_ops.h)
};

// What ChatService works with, given once at construction. Everything referenced outlives it.
struct ChatDeps {
  ChatDeps(BrokerApi& broker, BrokerTaskQueue& tasks, const Clock& clock)
      : broker(broker), tasks(tasks), clock(clock) {}

  BrokerApi& broker;
  BrokerTaskQueue& tasks;
  const Clock& clock;
  // The devices connected to this broker, so a message reaches the sender's other devices but
  // not the one that sent it. Null: the sender's whole inbox gets the message.
  const session::DeviceIndex* devices = nullptr;
  // The push requests and push jobs (push::PushRequests). Null: push requests answer
  // UNAVAILABLE and messages record no push jobs.
  std::unique_ptr<PushOps> push;
  // Broker thread, with a conversation's members after a membership change committed.
  MembersChangedHook members_changed;
  // Broker thread, for every inbox delivery: reaches the user's devices on other brokers.
  InboxHook inbox_hook;
  // Broker thread, after a block or an unblock committed.
  BlockChangedHook block_changed;
  // The moderation queue, used on the writer (report_ops.h). Null: `report` answers
  // UNAVAILABLE.
  store::ReportStorePtr reports;
  // Search (issue 17): the search worker's connection (null: `search` answers UNKNOWN_OP) and
  // the indexer, which the writer tells about each batch's conversations (may be null).
  store::SearchStorePtr search;
  std::unique_ptr<search::Indexer> indexer;
  // Conversations' retention, set on the writer (retention_ops.h). Null: `set_retention`
  // answers UNAVAILABLE.
  store::RetentionStorePtr retention;
  // Servers, channels and roles (issue 18), used on the writer (community/community_ops.h).
  // Null: the community ops answer UNAVAILABLE.
  store::CommunityStorePtr communities;
  // Who is hidden from whom by a block, for the users connected here: typing skips them.
  // Null: typing reaches every other member.
  const session::HiddenUsers* hidden = nullptr;
};

struct ChatStats {
  uint64_t requests = 0;
  uint64_t refused = 0;  // answered with an error before reaching a worker
  uint64_t overloaded = 0;
  uint64_t rate_limited = 0;  // sends and typing answered RATE_LIMITED on the broker thread
};

class ChatService {
 public:
  // `writer_store` and each of `reader_stores` (at least one: one reader worker each) are
  // separate connections, each owned by its worker.
  ChatService(ChatOptions options, ChatDeps deps, store::ChatStorePtr writer_store,
              std::vector<store::ChatStorePtr> reader_stores);
  ~ChatService();  // Stop()

  // True if `topic` is a request topic this service answers.
  static bool IsRequestTopic(std::string_view topic);

  // Handles one request. True: accepted, a response will follow. False: refused at once (an
  // error response was already published); the caller makes the PUBACK say so.
  bool OnRequest(const session::ClientSession& who, std::string_view topic,
                 std::string_view payload, std::string_view response_topic,
                 std::string_view correlation_data);

  // A token user logged in: make sure the store has a row for them (asynchronous; pending
  // users are recorded together by one writer task, so bursts of logins are never dropped).
  void EnsureUser(const std::string& username);

  // Loads everyone who shares a conversation with `username` and everyone with a block
  // between them and `username` either way (on `username`'s reader worker), then calls `done`
  // on the broker thread, with the store's error if it failed (the caller retries). Called
  // before any request of the device, it runs, and `done` is called, before any of their reads
  // is answered (reader_pool.h).
  using Contacts = std::unordered_set<std::string>;
  struct LoadedContacts {
    Contacts contacts;  // who shares a conversation with the user, less `hidden`
    Contacts hidden;    // who the user blocked or was blocked by
  };
  void LoadContacts(const std::string& username,
                    std::function<void(Result<LoadedContacts>)> done);

  // A broker notice (store/broker_notices.h): entry `seq` of conversation `id` was stored by
  // another process (a moderator's delete by mqchatctl or the admin API). Reads it and the
  // members on a reader, then publishes its event to the members' devices connected to this
  // broker only (every broker reads the notice). An entry gone meanwhile (expired, erased) is
  // skipped: sync tells the devices. Defined in stored_entry_delivery.cpp.
  void DeliverStoredEntry(store::ConversationId id, int64_t seq);
  // A broker notice of kind members: the admin API changed the members of conversation `id`,
  // about `user` ("": it created the group). On a reader: the members as the store has them now
  // go into the membership cache (fan-out, history and presence follow them) and to the
  // members-changed hook (contacts grow), then the conversation event a member's change
  // would send (created; members_added if `user` is a member now, else member_removed, also to
  // `user`) goes to those users' devices on this broker only. Defined in members_notice.cpp.
  void ApplyMembersNotice(store::ConversationId id, const std::string& user);

  // Finishes queued work and joins the workers. Their last answers stay in the task queue.
  void Stop();

  const ChatStats& stats() const { return stats_; }
  // The per-user send limits, for the broker's ACL check of sends (broker thread).
  SendLimits& send_limits() { return send_limits_; }
  // Jobs waiting for the writer, and the bound beyond which requests get OVERLOADED (any
  // thread: metrics and readiness read them).
  size_t QueuedWrites() const { return writer_ ? writer_->queued() : 0; }
  size_t MaxQueue() const { return options_.max_queue; }
  // Text channels (community/channel_delivery.h); null when communities are off.
  community::ChannelDelivery* channels() { return channel_delivery_.get(); }
  // Calls (issue 27): the plugin's tick and disconnects drive them.
  call::CallOps& calls() { return *calls_; }
  // The generator of message and conversation ids (broker thread), for seeding at start.
  SnowflakeGenerator& ids() { return ids_; }

 private:
  ReplyTo MakeReplyTo(const session::ClientSession& who, const protocol::ParsedRequest& parsed,
                      std::string_view response_topic, std::string_view correlation_data) const;
  bool Refuse(const ReplyTo& to, protocol::ErrorCode code, const std::string& message,
              int64_t retry_after_ms = 0);
  // Runs the handler of `req`'s route and queues what it planned on the route's worker; a
  // full queue answers OVERLOADED (a stopped worker: UNAVAILABLE).
  bool Route(const session::ClientSession& who, protocol::Request& req, const ReplyTo& to);
  // A community op (protocol/community.h): parsed here, answered on the writer.
  bool OnCommunityRequest(const session::ClientSession& who, protocol::CommunityOp op,
                          std::string_view payload, std::string_view response_topic,
                          std::string_view correlation_data);
  // A call op (protocol/call.h): parsed here, answered by CallOps.
  bool OnCallRequest(const session::ClientSession& who, const protocol::CallTopic& topic,
                     std::string_view payload, std::string_view response_topic,
                     std::string_view correlation_data);
  // The channel delivery over `deps.communities` (null without it).
  std::unique_ptr<community::ChannelDelivery> MakeChannelDelivery(ChatDeps& deps);
  // Writer thread: records every user EnsureUser left pending.
  void RecordNewUsers(store::ChatStore& store);

  const ChatOptions options_;
  BrokerApi& broker_;
  BrokerTaskQueue& tasks_;
  const Clock& clock_;
  SnowflakeGenerator ids_;  // broker thread
  MembershipCache cache_;
  MemberLoader members_;
  FanOut fan_out_;
  WorkerReplies replies_;
  // Text channels' delivery and access cache (issue 18); null when communities are off.
  std::unique_ptr<community::ChannelDelivery> channel_delivery_;
  const ChatTools tools_;
  std::unique_ptr<PushOps> push_;  // may be null
  SendLimits send_limits_;
  SendPipeline send_;
  MessageEventOps events_;
  ConversationOps conversations_;
  ReadOps reads_;
  TypingOps typing_;
  BlockOps blocks_;
  ReportOps reports_;
  std::unique_ptr<search::SearchOps> search_;  // may be null
  std::unique_ptr<search::Indexer> indexer_;   // may be null; the writer notifies it
  RetentionOps retention_;
  community::CommunityOps communities_;
  const OpTable routes_;
  std::unique_ptr<call::CallOps> calls_;
  ChatStats stats_;
  Mutex new_users_mu_;
  // username -> first login time
  std::map<std::string, int64_t> new_users_ GUARDED_BY(new_users_mu_);
  // A RecordNewUsers task is queued.
  bool new_users_scheduled_ GUARDED_BY(new_users_mu_) = false;
  std::unique_ptr<StoreWorker> writer_;
  std::unique_ptr<ReaderPool> readers_;  // history, members, conversations, sync, typing checks
};

}  // namespace mqchat::chat
