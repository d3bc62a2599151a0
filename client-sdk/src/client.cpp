// mqchat::Client: the public pimpl shell over sdk::ClientImpl.
#include "mqchat/client.h"

#include "client_completion.h"
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

namespace {

// An outbox entry of any kind (Outbox::Submit refuses what no server accepts).
void Submit(sdk::ClientImpl& impl, int64_t conversation_id, std::string_view kind,
            int64_t target_seq, std::string text, sdk::Done<Result<Ack>> done) {
  if (kind.empty() && target_seq <= 0) {
    return done(Status::InvalidArgument("reply_to must be a positive seq"));
  }
  impl.Submit(conversation_id, kind, target_seq, std::move(text), std::move(done));
}

std::string_view ReactKind(bool remove) {
  return remove ? protocol::values::kEventUnreact : protocol::values::kEventReact;
}

}  // namespace

// --- Outbox entries: a future or a callback ---

std::future<Result<Ack>> Client::Send(int64_t conversation_id, std::string text) {
  return sdk::FutureOf<Result<Ack>>(
      [&](auto done) { impl_->Send(conversation_id, std::move(text), std::move(done)); });
}
void Client::Send(int64_t conversation_id, std::string text, Callback<Result<Ack>> done) {
  impl_->Send(conversation_id, std::move(text), sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<Ack>> Client::Send(int64_t conversation_id, std::string text,
                                      std::vector<std::string> attachments) {
  return sdk::FutureOf<Result<Ack>>([&](auto done) {
    impl_->Send(conversation_id, std::move(text), std::move(attachments), std::move(done));
  });
}
void Client::Send(int64_t conversation_id, std::string text, std::vector<std::string> attachments,
                  Callback<Result<Ack>> done) {
  impl_->Send(conversation_id, std::move(text), std::move(attachments),
              sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<Ack>> Client::Reply(int64_t conversation_id, int64_t reply_to,
                                       std::string text) {
  return sdk::FutureOf<Result<Ack>>([&](auto done) {
    Submit(*impl_, conversation_id, "", reply_to, std::move(text), std::move(done));
  });
}
void Client::Reply(int64_t conversation_id, int64_t reply_to, std::string text,
                   Callback<Result<Ack>> done) {
  Submit(*impl_, conversation_id, "", reply_to, std::move(text),
         sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<Ack>> Client::Edit(int64_t conversation_id, int64_t seq, std::string text) {
  return sdk::FutureOf<Result<Ack>>([&](auto done) {
    Submit(*impl_, conversation_id, protocol::values::kEventEdit, seq, std::move(text),
           std::move(done));
  });
}
void Client::Edit(int64_t conversation_id, int64_t seq, std::string text,
                  Callback<Result<Ack>> done) {
  Submit(*impl_, conversation_id, protocol::values::kEventEdit, seq, std::move(text),
         sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<Ack>> Client::Delete(int64_t conversation_id, int64_t seq) {
  return sdk::FutureOf<Result<Ack>>([&](auto done) {
    Submit(*impl_, conversation_id, protocol::values::kEventDelete, seq, "", std::move(done));
  });
}
void Client::Delete(int64_t conversation_id, int64_t seq, Callback<Result<Ack>> done) {
  Submit(*impl_, conversation_id, protocol::values::kEventDelete, seq, "",
         sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<Ack>> Client::React(int64_t conversation_id, int64_t seq, std::string emoji,
                                       bool remove) {
  return sdk::FutureOf<Result<Ack>>([&](auto done) {
    Submit(*impl_, conversation_id, ReactKind(remove), seq, std::move(emoji), std::move(done));
  });
}
void Client::React(int64_t conversation_id, int64_t seq, std::string emoji, bool remove,
                   Callback<Result<Ack>> done) {
  Submit(*impl_, conversation_id, ReactKind(remove), seq, std::move(emoji),
         sdk::OnCallbackThread(*impl_, std::move(done)));
}

Result<size_t> Client::PendingSends() const { return impl_->PendingSends(); }

// --- Requests: a future, or a callback with a RequestId for Cancel ---

void Client::Cancel(RequestId id) { impl_->Cancel(id); }

std::future<Result<Conversation>> Client::OpenDirect(std::string user) {
  return sdk::FutureOf<Result<Conversation>>(
      [&](auto done) { impl_->OpenDirect(std::move(user), std::move(done)); });
}
RequestId Client::OpenDirect(std::string user, Callback<Result<Conversation>> done) {
  return impl_->OpenDirect(std::move(user), sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<Conversation>> Client::CreateGroup(std::string name,
                                                      std::vector<std::string> members) {
  return sdk::FutureOf<Result<Conversation>>(
      [&](auto done) { impl_->CreateGroup(std::move(name), std::move(members), std::move(done)); });
}
RequestId Client::CreateGroup(std::string name, std::vector<std::string> members,
                              Callback<Result<Conversation>> done) {
  return impl_->CreateGroup(std::move(name), std::move(members),
                            sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<std::vector<std::string>>> Client::AddMembers(int64_t conversation_id,
                                                                 std::vector<std::string> users) {
  return sdk::FutureOf<Result<std::vector<std::string>>>(
      [&](auto done) { impl_->AddMembers(conversation_id, std::move(users), std::move(done)); });
}
RequestId Client::AddMembers(int64_t conversation_id, std::vector<std::string> users,
                             Callback<Result<std::vector<std::string>>> done) {
  return impl_->AddMembers(conversation_id, std::move(users),
                           sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::RemoveMember(int64_t conversation_id, std::string user) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->RemoveMember(conversation_id, std::move(user), std::move(done)); });
}
RequestId Client::RemoveMember(int64_t conversation_id, std::string user, Callback<Status> done) {
  return impl_->RemoveMember(conversation_id, std::move(user),
                             sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::Leave(int64_t conversation_id) {
  return sdk::FutureOf<Status>([&](auto done) { impl_->Leave(conversation_id, std::move(done)); });
}
RequestId Client::Leave(int64_t conversation_id, Callback<Status> done) {
  return impl_->Leave(conversation_id, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::Rename(int64_t conversation_id, std::string name) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->Rename(conversation_id, std::move(name), std::move(done)); });
}
RequestId Client::Rename(int64_t conversation_id, std::string name, Callback<Status> done) {
  return impl_->Rename(conversation_id, std::move(name),
                       sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<std::vector<Member>>> Client::Members(int64_t conversation_id) {
  return sdk::FutureOf<Result<std::vector<Member>>>(
      [&](auto done) { impl_->Members(conversation_id, std::move(done)); });
}
RequestId Client::Members(int64_t conversation_id, Callback<Result<std::vector<Member>>> done) {
  return impl_->Members(conversation_id, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<std::vector<ConversationSummary>>> Client::Conversations() {
  return sdk::FutureOf<Result<std::vector<ConversationSummary>>>(
      [&](auto done) { impl_->Conversations(std::move(done)); });
}
RequestId Client::Conversations(Callback<Result<std::vector<ConversationSummary>>> done) {
  return impl_->Conversations(sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<HistoryPage>> Client::History(int64_t conversation_id, HistoryQuery query) {
  return sdk::FutureOf<Result<HistoryPage>>(
      [&](auto done) { impl_->History(conversation_id, query, std::move(done)); });
}
RequestId Client::History(int64_t conversation_id, HistoryQuery query,
                          Callback<Result<HistoryPage>> done) {
  return impl_->History(conversation_id, query, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<SearchPage>> Client::Search(std::string query, SearchOptions options) {
  return sdk::FutureOf<Result<SearchPage>>(
      [&](auto done) { impl_->Search(std::move(query), std::move(options), std::move(done)); });
}
RequestId Client::Search(std::string query, SearchOptions options,
                         Callback<Result<SearchPage>> done) {
  return impl_->Search(std::move(query), std::move(options),
                       sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<int64_t>> Client::MarkRead(int64_t conversation_id, int64_t seq) {
  return sdk::FutureOf<Result<int64_t>>(
      [&](auto done) { impl_->MarkRead(conversation_id, seq, std::move(done)); });
}
RequestId Client::MarkRead(int64_t conversation_id, int64_t seq, Callback<Result<int64_t>> done) {
  return impl_->MarkRead(conversation_id, seq, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::Mute(int64_t conversation_id, int64_t until_ms) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->Mute(conversation_id, until_ms, std::move(done)); });
}
RequestId Client::Mute(int64_t conversation_id, int64_t until_ms, Callback<Status> done) {
  return impl_->Mute(conversation_id, until_ms, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::SetTyping(int64_t conversation_id, bool typing) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->SetTyping(conversation_id, typing, std::move(done)); });
}
RequestId Client::SetTyping(int64_t conversation_id, bool typing, Callback<Status> done) {
  return impl_->SetTyping(conversation_id, typing, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::SetSlowMode(int64_t conversation_id, int64_t seconds) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->SetSlowMode(conversation_id, seconds, std::move(done)); });
}
RequestId Client::SetSlowMode(int64_t conversation_id, int64_t seconds, Callback<Status> done) {
  return impl_->SetSlowMode(conversation_id, seconds,
                            sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::WatchPresence(std::string user) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->WatchPresence(std::move(user), std::move(done)); });
}
RequestId Client::WatchPresence(std::string user, Callback<Status> done) {
  return impl_->WatchPresence(std::move(user), sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<PrivacySettings>> Client::Block(std::string user) {
  return sdk::FutureOf<Result<PrivacySettings>>(
      [&](auto done) { impl_->Block(std::move(user), std::move(done)); });
}
RequestId Client::Block(std::string user, Callback<Result<PrivacySettings>> done) {
  return impl_->Block(std::move(user), sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<PrivacySettings>> Client::Unblock(std::string user) {
  return sdk::FutureOf<Result<PrivacySettings>>(
      [&](auto done) { impl_->Unblock(std::move(user), std::move(done)); });
}
RequestId Client::Unblock(std::string user, Callback<Result<PrivacySettings>> done) {
  return impl_->Unblock(std::move(user), sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<PrivacySettings>> Client::Blocks() {
  return sdk::FutureOf<Result<PrivacySettings>>([&](auto done) { impl_->Blocks(std::move(done)); });
}
RequestId Client::Blocks(Callback<Result<PrivacySettings>> done) {
  return impl_->Blocks(sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<PrivacySettings>> Client::SetDmPolicy(DmPolicy policy) {
  return sdk::FutureOf<Result<PrivacySettings>>(
      [&](auto done) { impl_->SetDmPolicy(policy, std::move(done)); });
}
RequestId Client::SetDmPolicy(DmPolicy policy, Callback<Result<PrivacySettings>> done) {
  return impl_->SetDmPolicy(policy, sdk::OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<ReportReceipt>> Client::Report(AbuseReport report) {
  return sdk::FutureOf<Result<ReportReceipt>>(
      [&](auto done) { impl_->Report(std::move(report), std::move(done)); });
}
RequestId Client::Report(AbuseReport report, Callback<Result<ReportReceipt>> done) {
  return impl_->Report(std::move(report), sdk::OnCallbackThread(*impl_, std::move(done)));
}

Result<std::vector<ConversationSummary>> Client::CachedConversations() const {
  return impl_->cache().Summaries();
}
Result<PrivacySettings> Client::CachedPrivacy() const { return sdk::CachedPrivacy(impl_->cache()); }
void Client::OnPrivacy(std::function<void(const PrivacySettings&)> handler) {
  impl_->dispatcher().SetPrivacyHandler(std::move(handler));
}
std::optional<Profile> Client::CachedProfile(const std::string& user) const {
  return impl_->profiles().Get(user);
}
void Client::OnProfile(std::function<void(const Profile&)> handler) {
  impl_->dispatcher().SetProfileHandler(std::move(handler));
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
