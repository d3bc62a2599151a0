// mqchat::Client's calls (issue 27; mqchat/call.h): each builds the protocol's CallRequest,
// starts it through ClientImpl::CallOp and decodes the answer (call_result.h) into a future.
#include <memory>
#include <utility>

#include "call_result.h"
#include "client_impl.h"
#include "mqchat/client.h"

namespace mqchat {
namespace {

using protocol::CallOp;
using protocol::CallRequest;

CallRequest Op(CallOp op, std::string call_id = "") {
  CallRequest r;
  r.op = op;
  r.call_id = std::move(call_id);
  return r;
}

template <typename T>
std::future<Result<T>> Ask(sdk::ClientImpl& impl, int64_t conversation_id, CallRequest request,
                           Result<T> (*decode)(const protocol::Response&)) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  impl.CallOp(conversation_id, std::move(request),
              [promise, decode](Result<protocol::Response> r) {
                promise->set_value(r.ok() ? decode(*r) : Result<T>(r.status()));
              });
  return future;
}

std::future<Status> AskStatus(sdk::ClientImpl& impl, int64_t conversation_id,
                              CallRequest request) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  impl.CallOp(conversation_id, std::move(request),
              [promise](Result<protocol::Response> r) { promise->set_value(r.status()); });
  return future;
}

}  // namespace

std::future<Result<CallSession>> Client::StartCall(int64_t conversation_id, bool video) {
  auto r = Op(CallOp::kInvite);
  r.video = video;
  return Ask(*impl_, conversation_id, std::move(r), sdk::CallSessionResult);
}

std::future<Result<CallSession>> Client::AcceptCall(int64_t conversation_id, std::string call_id) {
  return Ask(*impl_, conversation_id, Op(CallOp::kAccept, std::move(call_id)),
             sdk::CallSessionResult);
}

std::future<Result<CallSession>> Client::JoinCall(int64_t conversation_id, std::string call_id) {
  return Ask(*impl_, conversation_id, Op(CallOp::kJoin, std::move(call_id)),
             sdk::CallSessionResult);
}

std::future<Status> Client::DeclineCall(int64_t conversation_id, std::string call_id) {
  return AskStatus(*impl_, conversation_id, Op(CallOp::kDecline, std::move(call_id)));
}

std::future<Status> Client::HangUp(int64_t conversation_id, std::string call_id) {
  return AskStatus(*impl_, conversation_id, Op(CallOp::kHangup, std::move(call_id)));
}

std::future<Status> Client::SendCallSignal(int64_t conversation_id, std::string call_id,
                                           CallSignal signal) {
  return AskStatus(*impl_, conversation_id, sdk::CallSignalRequest(call_id, signal));
}

std::future<Result<std::vector<IceServer>>> Client::IceServers() {
  return Ask(*impl_, 0, Op(CallOp::kIceServers), sdk::IceServersResult);
}

void Client::OnCall(std::function<void(const CallEvent&)> handler) {
  impl_->SetCallHandler(std::move(handler));
}

}  // namespace mqchat
