#include "request_tracker.h"

#include <utility>

#include "protocol/community_wire.h"
#include "protocol/fields.h"
#include "protocol/topics.h"

namespace mqchat::sdk {

RequestTracker::RequestTracker(EventLoop& loop, RequestTransport& transport,
                               std::chrono::milliseconds timeout, EngineLog log,
                               UnmatchedHandler on_unmatched)
    : loop_(loop),
      transport_(transport),
      timeout_(timeout),
      log_(std::move(log)),
      on_unmatched_(std::move(on_unmatched)) {}

RequestTracker::~RequestTracker() {
  for (auto& [id, p] : pending_) loop_.Cancel(p.timer);
}

Result<std::string> RequestTracker::Start(protocol::Request request, ResponseHandler handler,
                                          Errors errors) {
  request.req_id = ids_.ReqId();
  const std::string topic = protocol::RequestTopic(request.op, request.conversation_id);
  MQCHAT_RETURN_IF_ERROR(transport_.Publish(topic, protocol::EncodeRequest(request)));
  Track(request.req_id, std::string(protocol::OpName(request.op)), std::move(handler), errors);
  return request.req_id;
}

Result<std::string> RequestTracker::Start(const protocol::CommunityRequest& request,
                                          ResponseHandler handler) {
  const std::string req_id = ids_.ReqId();
  MQCHAT_RETURN_IF_ERROR(transport_.Publish(protocol::CommunityRequestTopic(request.op),
                                            protocol::EncodeCommunityRequest(request, req_id)));
  Track(req_id, std::string(protocol::CommunityOpName(request.op)), std::move(handler),
        Errors::kAsStatus);
  return req_id;
}

Result<std::string> RequestTracker::Start(const protocol::CallRequest& request,
                                          int64_t conversation_id, ResponseHandler handler) {
  const std::string req_id = ids_.ReqId();
  nlohmann::json payload = protocol::EncodeCallRequest(request);
  payload[std::string(protocol::fields::kReqId)] = req_id;
  MQCHAT_RETURN_IF_ERROR(transport_.Publish(
      protocol::CallRequestTopic(request.op, conversation_id), payload.dump()));
  Track(req_id, std::string(protocol::CallOpName(request.op)), std::move(handler),
        Errors::kAsStatus);
  return req_id;
}

void RequestTracker::Track(const std::string& req_id, std::string op, ResponseHandler handler,
                           Errors errors) {
  Pending pending;
  pending.op = std::move(op);
  pending.errors = errors;
  pending.handler = std::move(handler);
  pending.timer = loop_.PostAfter(timeout_, [this, req_id] { OnTimeout(req_id); });
  pending_.emplace(req_id, std::move(pending));
}

void RequestTracker::OnTimeout(const std::string& req_id) {
  auto it = pending_.find(req_id);
  if (it == pending_.end()) return;
  auto handler = std::move(it->second.handler);
  const std::string op = std::move(it->second.op);
  pending_.erase(it);
  handler(Status::Unavailable("no response to " + op + " within " +
                              std::to_string(timeout_.count()) + " ms"));
}

void RequestTracker::OnResponse(const std::string& payload) {
  auto response = protocol::DecodeResponse(payload);
  if (!response.ok()) {
    log_("mqchat: ignoring a malformed response: " + response.status().ToString());
    return;
  }
  auto it = pending_.find(response->req_id);
  if (it == pending_.end()) {
    if (on_unmatched_) on_unmatched_(*response);
    return;
  }
  Pending pending = std::move(it->second);
  pending_.erase(it);
  loop_.Cancel(pending.timer);
  if (!response->ok && pending.errors == Errors::kAsStatus) {
    pending.handler(protocol::ErrorToStatus(*response->error));
  } else {
    pending.handler(std::move(*response));
  }
}

bool RequestTracker::Cancel(const std::string& req_id, const Status& status) {
  auto it = pending_.find(req_id);
  if (it == pending_.end()) return false;
  auto handler = std::move(it->second.handler);
  loop_.Cancel(it->second.timer);
  pending_.erase(it);
  handler(status);
  return true;
}

void RequestTracker::FailAll(const Status& status) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) {
    loop_.Cancel(p.timer);
    p.handler(status);
  }
}

}  // namespace mqchat::sdk
