// RequestTracker: the SDK's requests in flight. Gives each request a fresh req_id, publishes it
// through a RequestTransport, and settles it exactly once: with the response of the same req_id,
// with kUnavailable when no response came within the request timeout, or with the status given
// to FailAll (the connection went away). Responses that match nothing in flight (answers to a
// request of an earlier connection, queued in the persistent session) go to `on_unmatched`.
// Engine thread only (EventLoop); it owns its timeout timers on that loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "engine_log.h"
#include "event_loop.h"
#include "ids.h"
#include "mqchat/status.h"
#include "protocol/call.h"
#include "protocol/community.h"
#include "protocol/requests.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

// Where requests go out: Connection in the engine, a fake in tests. Engine thread only.
class RequestTransport {
 public:
  virtual ~RequestTransport() = default;
  // Publishes one request; kUnavailable when not connected (and subscribed).
  virtual Status Publish(const std::string& topic, const std::string& payload) = 0;
};

class RequestTracker {
 public:
  using ResponseHandler = std::function<void(Result<protocol::Response>)>;
  using UnmatchedHandler = std::function<void(const protocol::Response&)>;

  // `loop` runs the timeout timers and must be the thread every method is called on.
  RequestTracker(EventLoop& loop, RequestTransport& transport, std::chrono::milliseconds timeout,
                 EngineLog log, UnmatchedHandler on_unmatched);
  ~RequestTracker();  // cancels the timers; handlers still pending are dropped uncalled
  RequestTracker(const RequestTracker&) = delete;
  RequestTracker& operator=(const RequestTracker&) = delete;

  // How an error response reaches the handler: as a Status (ErrorToStatus), or as the
  // Response itself (ok == false, `error` set) for callers that read more than the code, such
  // as the outbox reading RATE_LIMITED's retry_after_ms.
  enum class Errors { kAsStatus, kAsResponse };

  // Publishes `request` with a fresh req_id (returned); `handler` later gets the ok response,
  // the response's error (as `errors` says), a timeout (kUnavailable) or FailAll's status.
  // When the publish fails, returns its status and never calls `handler`.
  Result<std::string> Start(protocol::Request request, ResponseHandler handler,
                            Errors errors = Errors::kAsStatus);
  // The same for a community op (protocol/community_wire.h), errors as a Status.
  Result<std::string> Start(const protocol::CommunityRequest& request, ResponseHandler handler);
  // The same for a call op (protocol/call.h) of conversation `conversation_id`.
  Result<std::string> Start(const protocol::CallRequest& request, int64_t conversation_id,
                            ResponseHandler handler);
  // A payload that arrived on the reply topic. Malformed payloads are logged and dropped.
  void OnResponse(const std::string& payload);
  // Settles the request `req_id` with `status` if it is still in flight (its response, if one
  // comes, is then unmatched); false if it was settled already.
  bool Cancel(const std::string& req_id, const Status& status);
  // Settles every request in flight with `status` (in req_id order); they get no later answer.
  void FailAll(const Status& status);
  size_t in_flight() const { return pending_.size(); }

 private:
  struct Pending {
    std::string op;  // its wire name, for the timeout's message
    Errors errors = Errors::kAsStatus;
    ResponseHandler handler;
    EventLoop::TimerId timer = 0;
  };
  void OnTimeout(const std::string& req_id);
  // After a successful publish: waits for the response of `req_id`.
  void Track(const std::string& req_id, std::string op, ResponseHandler handler, Errors errors);

  EventLoop& loop_;
  RequestTransport& transport_;
  const std::chrono::milliseconds timeout_;
  EngineLog log_;
  UnmatchedHandler on_unmatched_;
  IdGenerator ids_;
  std::map<std::string, Pending> pending_;  // by req_id
};

}  // namespace mqchat::sdk
