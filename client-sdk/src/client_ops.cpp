// ClientImpl: the app's requests. Each builds a protocol::Request, starts it on the engine thread
// through the RequestTracker, and decodes the response there (op_results.h; updating the cache)
// before completing the future.
#include "client_impl.h"
#include "op_results.h"
#include "privacy.h"
#include "protocol/identity.h"

namespace mqchat::sdk {
namespace {

protocol::Request MakeRequest(protocol::Op op, int64_t conversation_id,
                              protocol::RequestBody body) {
  protocol::Request r;
  r.op = op;
  r.conversation_id = conversation_id;
  r.body = std::move(body);
  return r;
}

}  // namespace

template <typename T>
std::future<Result<T>> ClientImpl::Call(
    protocol::Request request, std::function<Result<T>(const protocol::Response&)> decode) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  auto task = [this, request = std::move(request), decode = std::move(decode), promise]() mutable {
    auto started =
        tracker_.Start(std::move(request), [decode, promise](Result<protocol::Response> r) {
          if (!r.ok()) return promise->set_value(r.status());
          promise->set_value(decode(*r));
        });
    if (!started.ok()) promise->set_value(started.status());
  };
  if (!loop_.Post(std::move(task))) {
    promise->set_value(Status::Unavailable("the client is shutting down"));
  }
  return future;
}

std::future<Status> ClientImpl::CallStatus(
    protocol::Request request, std::function<Status(const protocol::Response&)> after_ok) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  auto task = [this, request = std::move(request), after_ok = std::move(after_ok),
               promise]() mutable {
    auto started =
        tracker_.Start(std::move(request), [after_ok, promise](Result<protocol::Response> r) {
          if (!r.ok()) return promise->set_value(r.status());
          promise->set_value(after_ok ? after_ok(*r) : Status::Ok());
        });
    if (!started.ok()) promise->set_value(started.status());
  };
  if (!loop_.Post(std::move(task))) {
    promise->set_value(Status::Unavailable("the client is shutting down"));
  }
  return future;
}

std::future<Result<Conversation>> ClientImpl::OpenDirect(std::string user) {
  return Call<Conversation>(
      MakeRequest(protocol::Op::kOpenDirect, 0, protocol::OpenDirectRequest{std::move(user)}),
      [this](const protocol::Response& r) { return CacheNewConversation(r); });
}

std::future<Result<Conversation>> ClientImpl::CreateGroup(std::string name,
                                                          std::vector<std::string> members) {
  return Call<Conversation>(
      MakeRequest(protocol::Op::kCreateGroup, 0,
                  protocol::CreateGroupRequest{std::move(name), std::move(members)}),
      [this](const protocol::Response& r) { return CacheNewConversation(r); });
}

Result<Conversation> ClientImpl::CacheNewConversation(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(Conversation c, DecodeNewConversation(r));
  (void)cache_->PutConversation(c);
  return c;
}

std::future<Result<std::vector<std::string>>> ClientImpl::AddMembers(
    int64_t id, std::vector<std::string> users) {
  return Call<std::vector<std::string>>(
      MakeRequest(protocol::Op::kAddMembers, id, protocol::AddMembersRequest{std::move(users)}),
      [this](const protocol::Response& r) -> Result<std::vector<std::string>> {
        MQCHAT_ASSIGN_OR_RETURN(ChangeResult change, DecodeChangeResult(r));
        if (change.conversation) (void)cache_->PutConversation(*change.conversation);
        return std::move(change.added);
      });
}

Status ClientImpl::CacheChange(const protocol::Response& r) {
  // The change is made whatever the response carries: only the cache update depends on it.
  auto change = DecodeChangeResult(r);
  if (change.ok() && change->conversation) (void)cache_->PutConversation(*change->conversation);
  return Status::Ok();
}

std::future<Status> ClientImpl::RemoveMember(int64_t id, std::string user) {
  return CallStatus(
      MakeRequest(protocol::Op::kRemoveMember, id, protocol::RemoveMemberRequest{std::move(user)}),
      [this](const protocol::Response& r) { return CacheChange(r); });
}

std::future<Status> ClientImpl::Leave(int64_t id) {
  return CallStatus(MakeRequest(protocol::Op::kLeave, id, protocol::LeaveRequest{}),
                    [this, id](const protocol::Response&) {
                      (void)cache_->DropConversation(id);
                      return Status::Ok();
                    });
}

std::future<Status> ClientImpl::Rename(int64_t id, std::string name) {
  return CallStatus(
      MakeRequest(protocol::Op::kRename, id, protocol::RenameRequest{std::move(name)}),
      [this](const protocol::Response& r) { return CacheChange(r); });
}

std::future<Result<std::vector<Member>>> ClientImpl::Members(int64_t id) {
  return Call<std::vector<Member>>(
      MakeRequest(protocol::Op::kMembers, id, protocol::MembersRequest{}), DecodeMembersResult);
}

std::future<Result<std::vector<ConversationSummary>>> ClientImpl::Conversations() {
  return Call<std::vector<ConversationSummary>>(
      MakeRequest(protocol::Op::kConversations, 0, protocol::ConversationsRequest{}),
      [this](const protocol::Response& r) -> Result<std::vector<ConversationSummary>> {
        MQCHAT_ASSIGN_OR_RETURN(std::vector<ConversationSummary> out, DecodeConversationsResult(r));
        ingest_.ApplyConversationList(out);
        return out;
      });
}

std::future<Result<HistoryPage>> ClientImpl::History(int64_t id, HistoryQuery query) {
  protocol::HistoryRequest body;
  body.before_seq = query.before_seq;
  body.after_seq = query.before_seq > 0 ? 0 : query.after_seq;
  body.limit = query.limit;
  return Call<HistoryPage>(MakeRequest(protocol::Op::kHistory, id, body),
                           [this](const protocol::Response& r) -> Result<HistoryPage> {
                             MQCHAT_ASSIGN_OR_RETURN(HistoryPage page, DecodeHistoryResult(r));
                             // Cached for offline reading. The cursor does not move: OnMessage
                             // still delivers these when sync reaches them, so every message is
                             // delivered once whatever the app paged.
                             for (const auto& m : page.messages) (void)cache_->PutMessage(m);
                             return page;
                           });
}

std::future<Result<int64_t>> ClientImpl::MarkRead(int64_t id, int64_t seq) {
  return Call<int64_t>(MakeRequest(protocol::Op::kRead, id, protocol::ReadRequest{seq}),
                       [this, id](const protocol::Response& r) -> Result<int64_t> {
                         MQCHAT_ASSIGN_OR_RETURN(int64_t read_seq, DecodeReadResult(r));
                         (void)cache_->RaiseReadSeq(id, read_seq);
                         return read_seq;
                       });
}

std::future<Status> ClientImpl::Mute(int64_t id, int64_t until_ms) {
  return CallStatus(MakeRequest(protocol::Op::kMute, id, protocol::MuteRequest{until_ms}),
                    [this, id, until_ms](const protocol::Response&) {
                      (void)cache_->SetMute(id, until_ms);  // the next list corrects a failure
                      return Status::Ok();
                    });
}

std::future<Status> ClientImpl::SetTyping(int64_t id, bool typing) {
  return CallStatus(MakeRequest(protocol::Op::kTyping, id, protocol::TypingRequest{typing}),
                    nullptr);
}

std::future<Status> ClientImpl::WatchPresence(std::string user) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  if (Status valid = protocol::ValidateUsername(user); !valid.ok()) {
    promise->set_value(valid);
    return future;
  }
  auto task = [this, user, promise] {
    connection_.WatchPresence(user, [promise](Status s) { promise->set_value(s); });
  };
  if (!loop_.Post(std::move(task))) {
    promise->set_value(Status::Unavailable("the client is shutting down"));
  }
  return future;
}

// --- Blocking and who may message me ---

// Engine thread: the settings of a response, stored in the cache, and emitted if they changed.
Result<PrivacySettings> ClientImpl::TakePrivacy(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(protocol::WirePrivacy wire, protocol::DecodePrivacy(r.body));
  auto changed = StorePrivacy(*cache_, wire);
  if (!changed.ok()) log_("mqchat: " + changed.status().ToString());
  if (changed.ok() && *changed) dispatcher_.Emit(**changed);
  return PrivacyFromWire(wire);
}

std::future<Result<PrivacySettings>> ClientImpl::Block(std::string user) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kBlock, 0, protocol::BlockRequest{std::move(user)}),
      [this](const protocol::Response& r) { return TakePrivacy(r); });
}

std::future<Result<PrivacySettings>> ClientImpl::Unblock(std::string user) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kUnblock, 0, protocol::UnblockRequest{std::move(user)}),
      [this](const protocol::Response& r) { return TakePrivacy(r); });
}

std::future<Result<PrivacySettings>> ClientImpl::Blocks() {
  return Call<PrivacySettings>(MakeRequest(protocol::Op::kBlocks, 0, protocol::BlocksRequest{}),
                               [this](const protocol::Response& r) { return TakePrivacy(r); });
}

std::future<Result<PrivacySettings>> ClientImpl::SetDmPolicy(DmPolicy policy) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kSetDmPolicy, 0,
                  protocol::SetDmPolicyRequest{DmPolicyToWire(policy)}),
      [this](const protocol::Response& r) { return TakePrivacy(r); });
}

void ClientImpl::FetchPrivacy() {
  auto started = tracker_.Start(MakeRequest(protocol::Op::kBlocks, 0, protocol::BlocksRequest{}),
                                [this](Result<protocol::Response> r) {
                                  Status s = r.ok() ? TakePrivacy(*r).status() : r.status();
                                  if (!s.ok()) log_("mqchat: blocks: " + s.ToString());
                                });
  if (!started.ok()) log_("mqchat: blocks: " + started.status().ToString());
}

}  // namespace mqchat::sdk
