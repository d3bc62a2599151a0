#include "chat/chat_service.h"

#include <algorithm>

#include "chat/wire_convert.h"
#include "protocol/topics.h"
#include "protocol/wire.h"

namespace mqchat::chat {
namespace {

bool IsManageOp(protocol::Op op) {
  switch (op) {
    case protocol::Op::kAddMembers:
    case protocol::Op::kRemoveMember:
    case protocol::Op::kLeave:
    case protocol::Op::kRename:
    case protocol::Op::kRead:
    case protocol::Op::kOpenDirect:
    case protocol::Op::kCreateGroup:
      return true;
    default:
      return false;
  }
}

bool IsPushOp(protocol::Op op) {
  return op == protocol::Op::kMute || op == protocol::Op::kPushRegister ||
         op == protocol::Op::kPushUnregister || op == protocol::Op::kPushSettings;
}

}  // namespace

ChatService::ChatService(ChatOptions options, BrokerApi& broker, BrokerTaskQueue& tasks,
                         const Clock& clock, store::ChatStorePtr writer_store,
                         std::vector<store::ChatStorePtr> reader_stores)
    : options_(options),
      broker_(broker),
      tasks_(tasks),
      clock_(clock),
      ids_(options.node_id, clock),
      cache_(options.membership_ttl_ms, options.membership_cache_entries),
      typing_limiter_(options.typing_per_minute, 60000) {
  writer_ = std::make_unique<StoreWorker>(
      std::move(writer_store), options_.max_queue, options_.max_batch,
      [this](store::ChatStore& store, std::vector<SendJob> jobs,
             Result<std::vector<store::AppendResult>> results) {
        OnBatchDone(store, std::move(jobs), std::move(results));
      },
      [this](store::ChatStore& store, std::vector<SendJob>& jobs) { PrepareBatch(store, jobs); });
  readers_ = std::make_unique<ReaderPool>(std::move(reader_stores), options_.max_queue);
}

ChatService::~ChatService() { Stop(); }

void ChatService::Stop() {
  if (writer_) writer_->Stop();
  if (readers_) readers_->Stop();
}

bool ChatService::IsRequestTopic(std::string_view topic) {
  return topic.rfind("mqchat/v1/req/", 0) == 0 || topic.rfind("mqchat/v1/c/", 0) == 0;
}

ReplyTo ChatService::MakeReplyTo(const ClientSession& who, const protocol::ParsedRequest& parsed,
                                 std::string_view response_topic,
                                 std::string_view correlation_data) const {
  ReplyTo to;
  to.client_id = who.client_id;
  to.correlation_data = std::string(correlation_data);
  to.req_id = parsed.req_id;
  to.op_name = parsed.op ? std::string(protocol::OpName(*parsed.op)) : "unknown";
  // A v5 response topic is honoured only inside the requester's own namespace and without
  // wildcards; anything else falls back to the device's reply topic.
  auto owner = protocol::NamespaceOwner(response_topic);
  if (!response_topic.empty() && owner && *owner == who.username &&
      response_topic.find_first_of("+#") == std::string_view::npos) {
    to.topic = std::string(response_topic);
  } else {
    to.topic = protocol::ReplyTopic(who.username, who.device_id);
  }
  return to;
}

bool ChatService::Refuse(const ReplyTo& to, protocol::ErrorCode code, const std::string& message) {
  ++stats_.refused;
  if (code == protocol::ErrorCode::kOverloaded) ++stats_.overloaded;
  PublishReply(broker_, to, ErrorPayload(to, code, message));
  return false;
}

bool ChatService::Submit(StoreWorker& worker, const ReplyTo& to, StoreTask task) {
  Status s = worker.SubmitTask(std::move(task));
  if (s.ok()) return true;
  return Refuse(to, ErrorCodeFor(s, FailureSource::kQueue), s.message());
}

bool ChatService::OnRequest(const ClientSession& who, std::string_view topic,
                            std::string_view payload, std::string_view response_topic,
                            std::string_view correlation_data) {
  ++stats_.requests;
  protocol::RequestLimits limits;
  limits.max_message_chars = options_.max_message_chars;
  protocol::ParsedRequest parsed = protocol::ParseRequest(topic, payload, limits);
  ReplyTo to = MakeReplyTo(who, parsed, response_topic, correlation_data);
  if (parsed.error) return Refuse(to, parsed.error->code, parsed.error->message);
  protocol::Request& req = parsed.request;
  if (req.op == protocol::Op::kSend) return HandleSend(who, req, to);
  if (req.op == protocol::Op::kTyping) return HandleTyping(who, req, to);
  if (IsPushOp(req.op)) return HandlePush(who, req, to);
  if (IsManageOp(req.op)) return HandleManage(who, req, to);
  return HandleRead(who, req, to);
}

void ChatService::EnsureUser(const std::string& username) {
  {
    std::lock_guard<std::mutex> lock(new_users_mu_);
    if (!new_users_.emplace(username, clock_.NowMs()).second) return;  // already pending
    if (new_users_scheduled_) return;  // the queued task takes this one too
    new_users_scheduled_ = true;
  }
  // One task at a time records everyone pending, so a burst of first logins cannot fill the
  // writer's queue (and is never refused by it).
  Status s = writer_->SubmitInternal([this](store::ChatStore& store) { RecordNewUsers(store); });
  if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: EnsureUser: " + s.ToString());
}

void ChatService::RecordNewUsers(store::ChatStore& store) {
  std::map<std::string, int64_t> users;
  {
    std::lock_guard<std::mutex> lock(new_users_mu_);
    users.swap(new_users_);
    new_users_scheduled_ = false;
  }
  std::vector<store::ChatStore::NewUser> batch;
  for (const auto& [username, now] : users) batch.push_back({username, now});
  // One transaction for everyone pending: a burst of first logins is one commit, not one each.
  Status r = store.EnsureUsers(batch);
  if (!r.ok()) {
    tasks_.Post([this, count = batch.size(), first = batch.front().username, r] {
      broker_.Log(LogLevel::kWarning, "mqchat: recording " + std::to_string(count) +
                                          " token user(s) ('" + first + "'...): " + r.ToString());
    });
  }
}

void ChatService::LoadContacts(const std::string& username, std::function<void(Contacts)> done) {
  // On the user's own reader, queued before any of their requests (Plugin::OnBasicAuth): it
  // runs, and `done` reaches the broker thread, before their first read is answered.
  Status s = readers_->For(username).SubmitTask([this, username, done](store::ChatStore& store) {
    auto list = store.ListConversations(username);
    if (!list.ok()) {
      tasks_.Post([this, username, st = list.status()] {
        broker_.Log(LogLevel::kWarning,
                    "mqchat: loading contacts of " + username + ": " + st.ToString());
      });
      return;
    }
    Contacts contacts;
    for (const auto& c : *list) {
      for (const auto& m : c.members) {
        if (m != username) contacts.insert(m);
      }
    }
    tasks_.Post([done, contacts = std::move(contacts)]() mutable { done(std::move(contacts)); });
  });
  if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: LoadContacts: " + s.ToString());
}

Result<MembersPtr> ChatService::LoadMembers(store::ChatStore& store, store::ConversationId id,
                                            int64_t min_version) {
  MembersPtr cached = cache_.Get(id, clock_.MonotonicMs());
  if (cached && cached->version >= min_version) return cached;
  return ReloadMembers(store, id);
}

Result<MembersPtr> ChatService::ReloadMembers(store::ChatStore& store, store::ConversationId id) {
  MQCHAT_ASSIGN_OR_RETURN(auto conversation, store.GetConversation(id));
  return cache_.Put(conversation, clock_.MonotonicMs());
}

void ChatService::PostReply(const ReplyTo& to, std::string payload) {
  tasks_.Post([this, to, payload = std::move(payload)]() mutable {
    PublishReply(broker_, to, std::move(payload));
  });
}

void ChatService::PostMembersChanged(std::vector<std::string> members) {
  tasks_.Post([this, members = std::move(members)] {
    if (members_changed_) members_changed_(members);
  });
}

void ChatService::PostBroadcast(std::vector<std::string> users, std::string payload) {
  tasks_.Post([this, users = std::move(users), payload = std::move(payload)] {
    PublishToInboxes(users, payload);
  });
}

void ChatService::PublishToInboxes(const std::vector<std::string>& users,
                                   const std::string& payload, int qos, const std::string& sender,
                                   const std::string& origin_client_id) {
  OutgoingMessage msg;
  msg.payload = payload;
  msg.qos = qos;
  auto publish = [&](const std::string& to) {
    Status s = broker_.Publish(msg);
    if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: publish to " + to + ": " + s.ToString());
  };
  for (const auto& user : users) {
    msg.topic = protocol::InboxTopic(user);
    if (devices_ != nullptr && !sender.empty() && user == sender) {
      // The sending device has the message from its ack: saves a publish and its PUBACK.
      for (const auto& device : devices_->OtherDevices(user, origin_client_id)) {
        msg.target_client_id = device;
        publish(device);
      }
      msg.target_client_id.clear();
    } else {
      publish(user);
    }
    if (inbox_hook_) inbox_hook_(user, payload);  // devices on other brokers
  }
}

void ChatService::AfterMembershipChange(store::ChatStore& store, const ReplyTo& to,
                                        store::ConversationId id, const std::string& event,
                                        const std::string& actor, std::vector<std::string> users,
                                        nlohmann::json fields) {
  cache_.Forget(id);
  auto conversation = store.GetConversation(id);
  if (!conversation.ok()) {
    // The change is committed; only the notification is lost. Clients see it on next list.
    PostReply(to, OkPayload(to, std::move(fields)));
    return;
  }
  cache_.Put(*conversation, clock_.MonotonicMs());
  auto wire = ToWire(*conversation);
  // Members, plus anyone the change was about (removed users learn they are out).
  std::vector<std::string> recipients;
  for (const auto& m : conversation->members) recipients.push_back(m.username);
  for (const auto& u : users) {
    if (std::find(recipients.begin(), recipients.end(), u) == recipients.end()) {
      recipients.push_back(u);
    }
  }
  if (!fields.contains("conversation")) fields["conversation"] = protocol::EncodeConversation(wire);
  std::vector<std::string> members;
  for (const auto& m : conversation->members) members.push_back(m.username);
  PostMembersChanged(std::move(members));  // before the reply: contacts known when it arrives
  PostReply(to, OkPayload(to, std::move(fields)));
  PostBroadcast(std::move(recipients), protocol::ConversationEvent(event, wire, actor, users));
}

}  // namespace mqchat::chat
