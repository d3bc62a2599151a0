// mqchat::Client: the public pimpl shell over sdk::ClientImpl.
#include "mqchat/client.h"

#include "client_impl.h"
#include "privacy.h"
#include "protocol/fields.h"

namespace mqchat {

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  auto impl = sdk::ClientImpl::Create(std::move(options));
  if (!impl.ok()) return impl.status();
  return std::unique_ptr<Client>(new Client(std::move(*impl)));
}

Client::Client(std::unique_ptr<sdk::ClientImpl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Status Client::Connect() { return impl_->Connect(); }
void Client::Disconnect() { impl_->Disconnect(); }
ConnectionState Client::state() const { return impl_->state(); }
void Client::SetPassword(std::string password) { impl_->SetPassword(std::move(password)); }
const std::string& Client::user() const { return impl_->user(); }
const std::string& Client::device_id() const { return impl_->device_id(); }

std::future<Result<Ack>> Client::Send(int64_t conversation_id, std::string text) {
  auto promise = std::make_shared<std::promise<Result<Ack>>>();
  auto future = promise->get_future();
  impl_->Send(conversation_id, std::move(text),
              [promise](Result<Ack> r) { promise->set_value(std::move(r)); });
  return future;
}

void Client::Send(int64_t conversation_id, std::string text,
                  std::function<void(Result<Ack>)> done) {
  sdk::EventDispatcher* dispatcher = &impl_->dispatcher();
  impl_->Send(conversation_id, std::move(text),
              [dispatcher, done = std::move(done)](Result<Ack> r) {
                if (done) dispatcher->Run([done, r = std::move(r)] { done(r); });
              });
}

namespace {

// An outbox entry of any kind, its ack as a future.
std::future<Result<Ack>> SubmitForFuture(sdk::ClientImpl& impl, int64_t conversation_id,
                                         std::string_view kind, int64_t target_seq,
                                         std::string text) {
  auto promise = std::make_shared<std::promise<Result<Ack>>>();
  auto future = promise->get_future();
  impl.Submit(conversation_id, kind, target_seq, std::move(text),
              [promise](Result<Ack> r) { promise->set_value(std::move(r)); });
  return future;
}

}  // namespace

std::future<Result<Ack>> Client::Reply(int64_t conversation_id, int64_t reply_to,
                                       std::string text) {
  if (reply_to <= 0) {
    std::promise<Result<Ack>> refused;
    refused.set_value(Status::InvalidArgument("reply_to must be a positive seq"));
    return refused.get_future();
  }
  return SubmitForFuture(*impl_, conversation_id, "", reply_to, std::move(text));
}

std::future<Result<Ack>> Client::Edit(int64_t conversation_id, int64_t seq, std::string text) {
  return SubmitForFuture(*impl_, conversation_id, protocol::values::kEventEdit, seq,
                         std::move(text));
}

std::future<Result<Ack>> Client::Delete(int64_t conversation_id, int64_t seq) {
  return SubmitForFuture(*impl_, conversation_id, protocol::values::kEventDelete, seq, "");
}

std::future<Result<Ack>> Client::React(int64_t conversation_id, int64_t seq, std::string emoji,
                                       bool remove) {
  return SubmitForFuture(*impl_, conversation_id,
                         remove ? protocol::values::kEventUnreact : protocol::values::kEventReact,
                         seq, std::move(emoji));
}

Result<size_t> Client::PendingSends() const { return impl_->PendingSends(); }

std::future<Result<Conversation>> Client::OpenDirect(std::string user) {
  return impl_->OpenDirect(std::move(user));
}
std::future<Result<Conversation>> Client::CreateGroup(std::string name,
                                                      std::vector<std::string> members) {
  return impl_->CreateGroup(std::move(name), std::move(members));
}
std::future<Result<std::vector<std::string>>> Client::AddMembers(int64_t conversation_id,
                                                                 std::vector<std::string> users) {
  return impl_->AddMembers(conversation_id, std::move(users));
}
std::future<Status> Client::RemoveMember(int64_t conversation_id, std::string user) {
  return impl_->RemoveMember(conversation_id, std::move(user));
}
std::future<Status> Client::Leave(int64_t conversation_id) { return impl_->Leave(conversation_id); }
std::future<Status> Client::Rename(int64_t conversation_id, std::string name) {
  return impl_->Rename(conversation_id, std::move(name));
}
std::future<Result<std::vector<Member>>> Client::Members(int64_t conversation_id) {
  return impl_->Members(conversation_id);
}
std::future<Result<std::vector<ConversationSummary>>> Client::Conversations() {
  return impl_->Conversations();
}
std::future<Result<HistoryPage>> Client::History(int64_t conversation_id, HistoryQuery query) {
  return impl_->History(conversation_id, query);
}
std::future<Result<int64_t>> Client::MarkRead(int64_t conversation_id, int64_t seq) {
  return impl_->MarkRead(conversation_id, seq);
}
std::future<Status> Client::SetTyping(int64_t conversation_id, bool typing) {
  return impl_->SetTyping(conversation_id, typing);
}
std::future<Status> Client::WatchPresence(std::string user) {
  return impl_->WatchPresence(std::move(user));
}

Result<std::vector<ConversationSummary>> Client::CachedConversations() const {
  return impl_->cache().Summaries();
}
std::future<Result<PrivacySettings>> Client::Block(std::string user) {
  return impl_->Block(std::move(user));
}
std::future<Result<PrivacySettings>> Client::Unblock(std::string user) {
  return impl_->Unblock(std::move(user));
}
std::future<Result<PrivacySettings>> Client::Blocks() { return impl_->Blocks(); }
std::future<Result<PrivacySettings>> Client::SetDmPolicy(DmPolicy policy) {
  return impl_->SetDmPolicy(policy);
}
Result<PrivacySettings> Client::CachedPrivacy() const { return sdk::CachedPrivacy(impl_->cache()); }
void Client::OnPrivacy(std::function<void(const PrivacySettings&)> handler) {
  impl_->dispatcher().SetPrivacyHandler(std::move(handler));
}

std::future<Status> Client::Mute(int64_t conversation_id, int64_t until_ms) {
  return impl_->Mute(conversation_id, until_ms);
}

Result<int64_t> Client::TotalUnread() const { return impl_->cache().TotalUnread(); }
Result<std::vector<Message>> Client::CachedMessages(int64_t conversation_id, int64_t after_seq,
                                                    int limit) const {
  return impl_->cache().Messages(conversation_id, after_seq, INT64_MAX, limit);
}

void Client::OnMessage(std::function<void(const Message&)> handler) {
  impl_->dispatcher().SetMessageHandler(std::move(handler));
}
void Client::OnMessageUpdated(std::function<void(const MessageUpdate&)> handler) {
  impl_->dispatcher().SetMessageUpdateHandler(std::move(handler));
}
void Client::OnConversationEvent(std::function<void(const ConversationEvent&)> handler) {
  impl_->dispatcher().SetConversationHandler(std::move(handler));
}
void Client::OnRead(std::function<void(const ReadEvent&)> handler) {
  impl_->dispatcher().SetReadHandler(std::move(handler));
}
void Client::OnTyping(std::function<void(const TypingEvent&)> handler) {
  impl_->dispatcher().SetTypingHandler(std::move(handler));
}
void Client::OnPresence(std::function<void(const PresenceEvent&)> handler) {
  impl_->dispatcher().SetPresenceHandler(std::move(handler));
}
void Client::OnConnectionChange(std::function<void(const ConnectionEvent&)> handler) {
  impl_->dispatcher().SetConnectionHandler(std::move(handler));
}
std::optional<Event> Client::NextEvent(std::chrono::milliseconds timeout) {
  return impl_->dispatcher().Next(timeout);
}

}  // namespace mqchat
