// ClientImpl: the app's requests. Each builds a protocol::Request, starts it on the engine thread
// through the RequestTracker, and decodes the response there (op_results.h; updating the cache)
// before completing it (the public Client turns completions into futures or callbacks).
#include <ctime>

#include "client_impl.h"
#include "ids.h"
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

RequestId ClientImpl::Start(protocol::Request request,
                            std::function<void(Result<protocol::Response>)> settle) {
  auto publish = [this, request = std::move(request)](RequestTracker::ResponseHandler h) mutable {
    return tracker_.Start(std::move(request), std::move(h));
  };
  return Launch(std::move(publish), std::move(settle));
}

RequestId ClientImpl::Launch(
    std::function<Result<std::string>(RequestTracker::ResponseHandler)> publish,
    std::function<void(Result<protocol::Response>)> settle) {
  const RequestId id = ++last_request_;
  auto task = [this, id, publish = std::move(publish), settle]() mutable {
    auto started = publish([this, id, settle](Result<protocol::Response> r) {
      requests_.erase(id);
      settle(std::move(r));
    });
    if (!started.ok()) return settle(started.status());
    requests_[id] = *started;
  };
  if (!loop_.Post(std::move(task))) settle(Status::Unavailable("the client is shutting down"));
  return id;
}

void ClientImpl::Cancel(RequestId id) {
  loop_.Post([this, id] {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;  // settled already (or never started)
    const std::string req_id = it->second;
    tracker_.Cancel(req_id, Status::Cancelled("the request was cancelled"));
  });
}

template <typename T>
RequestId ClientImpl::Call(protocol::Request request,
                           std::function<Result<T>(const protocol::Response&)> decode,
                           Done<Result<T>> done) {
  return Start(std::move(request),
               [decode = std::move(decode), done = std::move(done)](Result<protocol::Response> r) {
                 if (!r.ok()) return done(r.status());
                 done(decode(*r));
               });
}

RequestId ClientImpl::CallStatus(protocol::Request request,
                                 std::function<Status(const protocol::Response&)> after_ok,
                                 Done<Status> done) {
  return Start(std::move(request), [after_ok = std::move(after_ok),
                                    done = std::move(done)](Result<protocol::Response> r) {
    if (!r.ok()) return done(r.status());
    done(after_ok ? after_ok(*r) : Status::Ok());
  });
}

RequestId ClientImpl::OpenDirect(std::string user, Done<Result<Conversation>> done) {
  return Call<Conversation>(
      MakeRequest(protocol::Op::kOpenDirect, 0, protocol::OpenDirectRequest{std::move(user)}),
      [this](const protocol::Response& r) { return CacheNewConversation(r); }, std::move(done));
}

RequestId ClientImpl::CreateGroup(std::string name, std::vector<std::string> members,
                                  Done<Result<Conversation>> done) {
  return Call<Conversation>(
      MakeRequest(protocol::Op::kCreateGroup, 0,
                  protocol::CreateGroupRequest{std::move(name), std::move(members)}),
      [this](const protocol::Response& r) { return CacheNewConversation(r); }, std::move(done));
}

Result<Conversation> ClientImpl::CacheNewConversation(const protocol::Response& r) {
  MQCHAT_ASSIGN_OR_RETURN(Conversation c, DecodeNewConversation(r));
  (void)cache_->PutConversation(c);
  return c;
}

RequestId ClientImpl::AddMembers(int64_t id, std::vector<std::string> users,
                                 Done<Result<std::vector<std::string>>> done) {
  return Call<std::vector<std::string>>(
      MakeRequest(protocol::Op::kAddMembers, id, protocol::AddMembersRequest{std::move(users)}),
      [this](const protocol::Response& r) -> Result<std::vector<std::string>> {
        MQCHAT_ASSIGN_OR_RETURN(ChangeResult change, DecodeChangeResult(r));
        if (change.conversation) (void)cache_->PutConversation(*change.conversation);
        return std::move(change.added);
      },
      std::move(done));
}

Status ClientImpl::CacheChange(const protocol::Response& r) {
  // The change is made whatever the response carries: only the cache update depends on it.
  auto change = DecodeChangeResult(r);
  if (change.ok() && change->conversation) (void)cache_->PutConversation(*change->conversation);
  return Status::Ok();
}

RequestId ClientImpl::RemoveMember(int64_t id, std::string user, Done<Status> done) {
  return CallStatus(
      MakeRequest(protocol::Op::kRemoveMember, id, protocol::RemoveMemberRequest{std::move(user)}),
      [this](const protocol::Response& r) { return CacheChange(r); }, std::move(done));
}

RequestId ClientImpl::Leave(int64_t id, Done<Status> done) {
  return CallStatus(
      MakeRequest(protocol::Op::kLeave, id, protocol::LeaveRequest{}),
      [this, id](const protocol::Response&) {
        (void)cache_->DropConversation(id);
        return Status::Ok();
      },
      std::move(done));
}

RequestId ClientImpl::Rename(int64_t id, std::string name, Done<Status> done) {
  return CallStatus(
      MakeRequest(protocol::Op::kRename, id, protocol::RenameRequest{std::move(name)}),
      [this](const protocol::Response& r) { return CacheChange(r); }, std::move(done));
}

RequestId ClientImpl::Members(int64_t id, Done<Result<std::vector<Member>>> done) {
  return Call<std::vector<Member>>(
      MakeRequest(protocol::Op::kMembers, id, protocol::MembersRequest{}), DecodeMembersResult,
      std::move(done));
}

RequestId ClientImpl::Conversations(Done<Result<std::vector<ConversationSummary>>> done) {
  return Call<std::vector<ConversationSummary>>(
      MakeRequest(protocol::Op::kConversations, 0, protocol::ConversationsRequest{}),
      [this](const protocol::Response& r) -> Result<std::vector<ConversationSummary>> {
        MQCHAT_ASSIGN_OR_RETURN(std::vector<ConversationSummary> out, DecodeConversationsResult(r));
        ingest_.ApplyConversationList(out);
        return out;
      },
      std::move(done));
}

RequestId ClientImpl::History(int64_t id, HistoryQuery query, Done<Result<HistoryPage>> done) {
  protocol::HistoryRequest body;
  body.before_seq = query.before_seq;
  body.after_seq = query.before_seq > 0 ? 0 : query.after_seq;
  body.limit = query.limit;
  return Call<HistoryPage>(
      MakeRequest(protocol::Op::kHistory, id, body),
      [this](const protocol::Response& r) -> Result<HistoryPage> {
        MQCHAT_ASSIGN_OR_RETURN(HistoryPage page, DecodeHistoryResult(r));
        // Cached for offline reading. The cursor does not move: OnMessage
        // still delivers these when sync reaches them, so every message is
        // delivered once whatever the app paged.
        for (const auto& m : page.messages) (void)cache_->PutMessage(m);
        return page;
      },
      std::move(done));
}

RequestId ClientImpl::MarkRead(int64_t id, int64_t seq, Done<Result<int64_t>> done) {
  return Call<int64_t>(
      MakeRequest(protocol::Op::kRead, id, protocol::ReadRequest{seq}),
      [this, id](const protocol::Response& r) -> Result<int64_t> {
        MQCHAT_ASSIGN_OR_RETURN(int64_t read_seq, DecodeReadResult(r));
        (void)cache_->RaiseReadSeq(id, read_seq);
        return read_seq;
      },
      std::move(done));
}

RequestId ClientImpl::Mute(int64_t id, int64_t until_ms, Done<Status> done) {
  return CallStatus(
      MakeRequest(protocol::Op::kMute, id, protocol::MuteRequest{until_ms}),
      [this, id, until_ms](const protocol::Response&) {
        (void)cache_->SetMute(id, until_ms);  // the next list corrects a failure
        return Status::Ok();
      },
      std::move(done));
}

RequestId ClientImpl::SetTyping(int64_t id, bool typing, Done<Status> done) {
  NoteTyping(id, typing);  // EnterBackground() turns it off
  return CallStatus(MakeRequest(protocol::Op::kTyping, id, protocol::TypingRequest{typing}),
                    nullptr, std::move(done));
}

RequestId ClientImpl::SetSlowMode(int64_t id, int64_t seconds, Done<Status> done) {
  return CallStatus(MakeRequest(protocol::Op::kSetSlowMode, 0,
                                protocol::SetSlowModeRequest{id, seconds}),
                    nullptr, std::move(done));
}

RequestId ClientImpl::WatchPresence(std::string user, Done<Status> done) {
  // A subscription, not a request: it cannot be cancelled (RequestId 0).
  if (Status valid = protocol::ValidateUsername(user); !valid.ok()) {
    done(valid);
    return 0;
  }
  auto task = [this, user, done] { connection_.WatchPresence(user, done); };
  if (!loop_.Post(std::move(task))) done(Status::Unavailable("the client is shutting down"));
  return 0;
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

RequestId ClientImpl::Block(std::string user, Done<Result<PrivacySettings>> done) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kBlock, 0, protocol::BlockRequest{std::move(user)}),
      [this](const protocol::Response& r) { return TakePrivacy(r); }, std::move(done));
}

RequestId ClientImpl::Unblock(std::string user, Done<Result<PrivacySettings>> done) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kUnblock, 0, protocol::UnblockRequest{std::move(user)}),
      [this](const protocol::Response& r) { return TakePrivacy(r); }, std::move(done));
}

RequestId ClientImpl::Blocks(Done<Result<PrivacySettings>> done) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kBlocks, 0, protocol::BlocksRequest{}),
      [this](const protocol::Response& r) { return TakePrivacy(r); }, std::move(done));
}

RequestId ClientImpl::SetDmPolicy(DmPolicy policy, Done<Result<PrivacySettings>> done) {
  return Call<PrivacySettings>(
      MakeRequest(protocol::Op::kSetDmPolicy, 0,
                  protocol::SetDmPolicyRequest{DmPolicyToWire(policy)}),
      [this](const protocol::Response& r) { return TakePrivacy(r); }, std::move(done));
}

void ClientImpl::FetchPrivacy() {
  auto started = tracker_.Start(MakeRequest(protocol::Op::kBlocks, 0, protocol::BlocksRequest{}),
                                [this](Result<protocol::Response> r) {
                                  Status s = r.ok() ? TakePrivacy(*r).status() : r.status();
                                  if (!s.ok()) log_("mqchat: blocks: " + s.ToString());
                                });
  if (!started.ok()) log_("mqchat: blocks: " + started.status().ToString());
}

// --- Reporting abuse ---

RequestId ClientImpl::Report(AbuseReport report, Done<Result<ReportReceipt>> done) {
  if (report.client_msg_id.empty()) {
    static IdGenerator ids;  // thread-safe; client_msg_ids of reports only
    report.client_msg_id = ids.ClientMsgId(static_cast<int64_t>(std::time(nullptr)) * 1000);
  }
  protocol::ReportRequest body;
  body.client_msg_id = std::move(report.client_msg_id);
  body.user = std::move(report.user);
  body.conversation_id = report.seq > 0 ? report.conversation_id : 0;
  body.seq = report.seq;
  body.reason = std::move(report.reason);
  body.details = std::move(report.details);
  return Call<ReportReceipt>(MakeRequest(protocol::Op::kReport, 0, std::move(body)),
                             DecodeReportResult, std::move(done));
}

}  // namespace mqchat::sdk
