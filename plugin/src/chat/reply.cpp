#include "chat/reply.h"

#include "metrics/instruments.h"
#include "protocol/wire.h"

namespace mqchat::chat {

protocol::ErrorCode ErrorCodeFor(const Status& status, FailureSource source) {
  using protocol::ErrorCode;
  switch (status.code()) {
    case Code::kUnavailable: return ErrorCode::kUnavailable;
    case Code::kResourceExhausted:
      return source == FailureSource::kQueue ? ErrorCode::kOverloaded : ErrorCode::kGroupFull;
    case Code::kNotFound: return ErrorCode::kNotFound;
    case Code::kPermissionDenied: return ErrorCode::kForbidden;
    case Code::kInvalidArgument:
    case Code::kFailedPrecondition:
    case Code::kAlreadyExists: return ErrorCode::kInvalid;
    default: return ErrorCode::kInternal;
  }
}

std::string OkPayload(const ReplyTo& to, nlohmann::json fields) {
  metrics::Get().replies.CountOk(to.op);
  // Strings were validated as UTF-8 on the way in; OkResponse replaces rather than throws if
  // one was not.
  return protocol::OkResponse(to.op_name, to.req_id, std::move(fields));
}

std::string ErrorPayload(const ReplyTo& to, protocol::ErrorCode code, const std::string& message,
                         int64_t retry_after_ms) {
  metrics::Get().replies.CountError(to.op, code);
  return protocol::ErrorResponse(to.op_name, to.req_id,
                                 protocol::ProtocolError{code, message, retry_after_ms});
}

void PublishReply(BrokerApi& broker, const ReplyTo& to, std::string payload) {
  OutgoingMessage msg;
  msg.topic = to.topic;
  msg.payload = std::move(payload);
  // QoS 0: the response is itself the acknowledgement, and every request is safe to repeat
  // (a send by its client_msg_id), so a client that misses one asks again. A QoS 1 response
  // would cost the client a PUBACK and the broker an in-flight entry per request.
  msg.qos = 0;
  msg.target_client_id = to.client_id;
  msg.correlation_data = to.correlation_data;
  Status s = broker.Publish(msg);
  if (!s.ok()) broker.Log(LogLevel::kWarning, "mqchat: reply to " + to.client_id + ": " + s.ToString());
}

}  // namespace mqchat::chat
