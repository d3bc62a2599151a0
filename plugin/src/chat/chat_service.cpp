#include "chat/chat_service.h"

#include <variant>

#include "protocol/call.h"
#include "protocol/fields.h"
#include "protocol/topics.h"

namespace mqchat::chat {

ChatService::ChatService(ChatOptions options, ChatDeps deps, store::ChatStorePtr writer_store,
                         std::vector<store::ChatStorePtr> reader_stores)
    : options_(options),
      broker_(deps.broker),
      tasks_(deps.tasks),
      clock_(deps.clock),
      ids_(options.node_id, deps.clock),
      cache_(options.membership_ttl_ms, options.membership_cache_entries),
      members_(cache_, deps.clock),
      fan_out_(deps.broker, deps.devices, std::move(deps.inbox_hook)),
      replies_(deps.tasks, fan_out_, std::move(deps.members_changed)),
      channel_delivery_(MakeChannelDelivery(deps)),
      tools_{deps.clock, members_, replies_, channel_delivery_.get()},
      push_(std::move(deps.push)),
      send_limits_(options.send_limits),
      send_(tools_, ids_, push_.get(), send_limits_),
      events_(tools_, ids_, send_, options.edit_window_ms),
      conversations_(tools_, ids_, options.max_group_members, push_.get()),
      reads_(tools_),
      typing_(tools_, fan_out_, options.typing_per_minute, deps.hidden),
      blocks_(tools_, std::move(deps.block_changed)),
      reports_(tools_, std::move(deps.reports), options.reports_per_minute),
      search_(deps.search ? std::make_unique<search::SearchOps>(tools_, std::move(deps.search),
                                                                options.max_queue)
                          : nullptr),
      indexer_(std::move(deps.indexer)),
      retention_(tools_, std::move(deps.retention)),
      communities_(replies_, deps.clock, std::move(deps.communities)),
      routes_(MakeOpTable({send_, conversations_, reads_, typing_, push_.get(), &events_, &blocks_,
                           &reports_, search_.get(), &retention_},
                          tools_)) {
  writer_ = std::make_unique<StoreWorker>(
      std::move(writer_store), options_.max_queue, options_.max_batch,
      [this](store::ChatStore& store, std::vector<SendJob> jobs) {
        // The conversations of the batch, for the indexer once it is committed (off the send
        // path: the indexer reads the new events on its own thread).
        std::vector<int64_t> touched;
        if (indexer_) {
          for (const SendJob& job : jobs) touched.push_back(job.request.conversation_id);
        }
        send_.Commit(store, std::move(jobs));
        if (indexer_) indexer_->Notify(touched);
      });
  readers_ = std::make_unique<ReaderPool>(std::move(reader_stores), options_.max_queue);
  calls_ = std::make_unique<call::CallOps>(
      options_.calls, tools_, fan_out_, broker_, deps.devices, deps.hidden, ids_,
      [this](SendJob job) { return writer_->SubmitInternal(std::move(job)); });
  if (channel_delivery_) {
    communities_.SetChannelDelivery(channel_delivery_.get());
    fan_out_.SetChannelPublisher([this](int64_t channel, const std::string& payload) {
      channel_delivery_->Publish(channel, payload);
    });
  }
}

std::unique_ptr<community::ChannelDelivery> ChatService::MakeChannelDelivery(ChatDeps& deps) {
  if (deps.communities == nullptr) return nullptr;
  const session::DeviceIndex* devices = deps.devices;
  community::ChannelDeliveryDeps d{deps.broker, deps.tasks, nullptr, deps.communities.get(),
                                   nullptr};
  // The writer is made in the constructor's body, before any client can connect.
  d.submit_writer = [this](StoreTask task) { return writer_->SubmitInternal(std::move(task)); };
  d.connected = [devices](const std::string& user) {
    return devices == nullptr || devices->Connections(user) > 0;
  };
  return std::make_unique<community::ChannelDelivery>(std::move(d));
}

ChatService::~ChatService() { Stop(); }

void ChatService::Stop() {
  if (writer_) writer_->Stop();
  if (readers_) readers_->Stop();
  if (search_) search_->Stop();
  if (indexer_) indexer_->Stop();
}

bool ChatService::IsRequestTopic(std::string_view topic) {
  return protocol::HasRequestTopicPrefix(topic);
}

ReplyTo ChatService::MakeReplyTo(const session::ClientSession& who,
                                 const protocol::ParsedRequest& parsed,
                                 std::string_view response_topic,
                                 std::string_view correlation_data) const {
  ReplyTo to;
  to.client_id = who.client_id;
  to.correlation_data = std::string(correlation_data);
  to.req_id = parsed.req_id;
  to.op_name = std::string(protocol::ResponseOpName(parsed));  // an unknown op by its own name
  to.op.op = parsed.op;
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

bool ChatService::Refuse(const ReplyTo& to, protocol::ErrorCode code, const std::string& message,
                         int64_t retry_after_ms) {
  ++stats_.refused;
  if (code == protocol::ErrorCode::kOverloaded) ++stats_.overloaded;
  if (code == protocol::ErrorCode::kRateLimited) ++stats_.rate_limited;
  fan_out_.Reply(to, ErrorPayload(to, code, message, retry_after_ms));
  return false;
}

bool ChatService::OnRequest(const session::ClientSession& who, std::string_view topic,
                            std::string_view payload, std::string_view response_topic,
                            std::string_view correlation_data) {
  ++stats_.requests;
  if (auto op = protocol::CommunityOpOfTopic(topic)) {
    return OnCommunityRequest(who, *op, payload, response_topic, correlation_data);
  }
  if (auto call = protocol::CallOpOfTopic(topic)) {
    return OnCallRequest(who, *call, payload, response_topic, correlation_data);
  }
  protocol::RequestLimits limits;
  limits.max_message_chars = options_.max_message_chars;
  protocol::ParsedRequest parsed = protocol::ParseRequest(topic, payload, limits);
  ReplyTo to = MakeReplyTo(who, parsed, response_topic, correlation_data);
  if (parsed.error) return Refuse(to, parsed.error->code, parsed.error->message);
  return Route(who, parsed.request, to);
}

bool ChatService::Route(const session::ClientSession& who, protocol::Request& req,
                        const ReplyTo& to) {
  const OpRoute* route = routes_.Find(req.op);
  if (route == nullptr) {
    return Refuse(to, protocol::ErrorCode::kUnknownOp,
                  "op " + to.op_name + " is not available yet");
  }
  Plan plan = route->handler(OpRequest{who, req, to});
  if (auto* refusal = std::get_if<Refusal>(&plan)) {
    return Refuse(to, refusal->code, refusal->message, refusal->retry_after_ms);
  }
  if (std::holds_alternative<Answered>(plan)) return true;
  StoreWorker& worker =
      route->worker == WorkerKind::kWriter ? *writer_ : readers_->For(who.username);
  Status s = std::holds_alternative<SendJob>(plan)
                 ? worker.SubmitSend(std::get<SendJob>(std::move(plan)))
                 : worker.SubmitTask(std::get<StoreTask>(std::move(plan)));
  if (!s.ok()) return Refuse(to, ErrorCodeFor(s, FailureSource::kQueue), s.message());
  return true;
}

bool ChatService::OnCommunityRequest(const session::ClientSession& who, protocol::CommunityOp op,
                                     std::string_view payload, std::string_view response_topic,
                                     std::string_view correlation_data) {
  protocol::ParsedCommunityRequest parsed = protocol::ParseCommunityRequest(op, payload);
  protocol::ParsedRequest shell;  // what MakeReplyTo reads: the op's name and the req_id
  shell.op_name = parsed.op_name;
  shell.req_id = parsed.req_id;
  ReplyTo to = MakeReplyTo(who, shell, response_topic, correlation_data);
  to.op.community = op;
  if (parsed.error) return Refuse(to, parsed.error->code, parsed.error->message);
  Plan plan = communities_.Plan(who.username, std::move(parsed.request), to);
  if (auto* refusal = std::get_if<Refusal>(&plan)) {
    return Refuse(to, refusal->code, refusal->message, refusal->retry_after_ms);
  }
  Status s = writer_->SubmitTask(std::get<StoreTask>(std::move(plan)));
  if (!s.ok()) return Refuse(to, ErrorCodeFor(s, FailureSource::kQueue), s.message());
  return true;
}

bool ChatService::OnCallRequest(const session::ClientSession& who, const protocol::CallTopic& topic,
                                std::string_view payload, std::string_view response_topic,
                                std::string_view correlation_data) {
  protocol::ParsedCallRequest parsed = protocol::ParseCallRequest(topic.op, payload);
  protocol::ParsedRequest shell;  // what MakeReplyTo reads: the op's name and the req_id
  shell.op_name = parsed.op_name;
  shell.req_id = parsed.req_id;
  ReplyTo to = MakeReplyTo(who, shell, response_topic, correlation_data);
  if (topic.error) return Refuse(to, topic.error->code, topic.error->message);
  if (parsed.error) return Refuse(to, parsed.error->code, parsed.error->message);
  Plan plan = calls_->Plan(who, topic.conversation_id, std::move(parsed.request), to);
  if (auto* refusal = std::get_if<Refusal>(&plan)) {
    return Refuse(to, refusal->code, refusal->message, refusal->retry_after_ms);
  }
  if (std::holds_alternative<Answered>(plan)) return true;
  Status s = readers_->For(who.username).SubmitTask(std::get<StoreTask>(std::move(plan)));
  if (!s.ok()) return Refuse(to, ErrorCodeFor(s, FailureSource::kQueue), s.message());
  return true;
}

void ChatService::EnsureUser(const std::string& username) {
  {
    MutexLock lock(new_users_mu_);
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
    MutexLock lock(new_users_mu_);
    users.swap(new_users_);
    new_users_scheduled_ = false;
  }
  std::vector<store::ChatStore::NewUser> batch;
  for (const auto& [username, now] : users) batch.push_back({username, now});
  // One transaction for everyone pending: a burst of first logins is one commit, not one each.
  Status r = store.EnsureUsers(batch);
  if (!r.ok()) {
    replies_.Log(LogLevel::kWarning, "mqchat: recording " + std::to_string(batch.size()) +
                                         " token user(s) ('" + batch.front().username +
                                         "'...): " + r.ToString());
  }
}

namespace {

// Writer or reader thread: what LoadContacts reports for `username`.
Result<ChatService::LoadedContacts> ReadContacts(store::ChatStore& store,
                                                 const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(auto list, store.ListConversations(username));
  MQCHAT_ASSIGN_OR_RETURN(auto privacy, store.GetPrivacy(username));
  MQCHAT_ASSIGN_OR_RETURN(auto blocked_by, store.BlockedBy(username));
  ChatService::LoadedContacts out;
  for (const auto& b : privacy.blocked) out.hidden.insert(b.username);
  out.hidden.insert(blocked_by.begin(), blocked_by.end());
  for (const auto& c : list) {
    for (const auto& m : c.members) {
      if (m != username && out.hidden.count(m) == 0) out.contacts.insert(m);
    }
  }
  return out;
}

}  // namespace

void ChatService::LoadContacts(const std::string& username,
                               std::function<void(Result<LoadedContacts>)> done) {
  // On the user's own reader, queued before any of their requests (Plugin::OnBasicAuth): it
  // runs, and `done` reaches the broker thread, before their first read is answered.
  Status s = readers_->For(username).SubmitTask([this, username, done](store::ChatStore& store) {
    auto loaded = ReadContacts(store, username);
    if (!loaded.ok()) {
      replies_.Log(LogLevel::kWarning, "mqchat: loading contacts of " + username +
                                           " (retried): " + loaded.status().ToString());
      replies_.OnBrokerThread([done, status = loaded.status()] { done(status); });
      return;
    }
    replies_.OnBrokerThread(
        [done, loaded = std::move(*loaded)]() mutable { done(std::move(loaded)); });
  });
  if (!s.ok()) {
    broker_.Log(LogLevel::kWarning, "mqchat: LoadContacts: " + s.ToString());
    done(s);
  }
}

}  // namespace mqchat::chat
