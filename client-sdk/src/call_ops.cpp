// ClientImpl's calls (issue 27): a call op started like the community ops (through
// RequestTracker's call form), and call events from the inbox handed to the app's call handler
// on the callback thread. Decoding into the public types is call_result.h's; Client's calls
// (client_call.cpp) put the two together.
#include "call_result.h"
#include "client_impl.h"

namespace mqchat::sdk {

RequestId ClientImpl::CallOp(int64_t conversation_id, protocol::CallRequest request,
                             Done<Result<protocol::Response>> done) {
  auto publish = [this, conversation_id,
                  request = std::move(request)](RequestTracker::ResponseHandler h) {
    return tracker_.Start(request, conversation_id, std::move(h));
  };
  return Launch(std::move(publish), std::move(done));
}

void ClientImpl::SetCallHandler(std::function<void(const CallEvent&)> handler) {
  MutexLock lock(call_mu_);
  on_call_ = std::move(handler);
}

void ClientImpl::EmitCall(const nlohmann::json& event) {
  auto decoded = CallEventFromJson(event);
  if (!decoded) return log_("mqchat: ignoring a malformed call event");
  std::function<void(const CallEvent&)> handler;
  {
    MutexLock lock(call_mu_);
    handler = on_call_;
  }
  if (!handler) return;  // nobody listens: a call nobody can answer rings out on the server
  dispatcher_.Run([handler, e = std::move(*decoded)] { handler(e); });
}

}  // namespace mqchat::sdk
