// CallOps: the call requests (issue 27; docs/PROTOCOL.md section 8) on the broker thread. Checks
// that the requester is a member of the conversation (from the membership cache, else on the
// user's reader, as typing does), applies the request to the CallRegistry, answers it and
// publishes the call events it produced: to one device (a signal, an event for the devices in
// a call) or to a user's devices (ringing). Signals are rate-limited per device. The clock
// (OnTick, the plugin's tick) ends rings at their timeout; a disconnected device leaves its
// call (DeviceGone). A call lives on its caller's broker; with a cluster bus, requests about it
// made through other brokers and events for devices there cross the bus (call_relay.h:
// Forward, OnRelayed, and Publish's remote deliveries). A call that ends is recorded in
// its conversation's log: an entry of kind call (store::EventKind::kCall; protocol/call_record.h)
// handed to the writer as a send of the caller's, so it is stored, numbered, fanned out and
// synced as a message is (RecordEnded). Broker thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/broker_api.h"
#include "call/call_registry.h"
#include "call/call_relay.h"
#include "call/ice_servers.h"
#include "chat/fan_out.h"
#include "chat/op_table.h"
#include "chat/store_worker.h"
#include "ids/snowflake.h"
#include "protocol/call.h"
#include "push/call_push.h"
#include "session/client_session.h"
#include "session/device_index.h"
#include "session/hidden_users.h"
#include "util/rate_limiter.h"

namespace mqchat::call {

struct CallOptions {
  CallLimits limits;
  int signals_per_minute = 600;  // call_signal requests per device and minute (and burst)
  IceConfig ice;
};

// Push for callees with no device online (push/call_push.h): set when a push gateway is.
struct CallPushLink {
  std::function<bool(const std::string& user)> online;  // a device connected anywhere
  std::function<void(push::CallNotice notice)> push;    // to the push worker
};

// Hands a call entry to the writer (never refused for a full queue: calls are few).
using CallLogSubmit = std::function<Status(chat::SendJob job)>;

class CallOps {
 public:
  // Everything referenced outlives this; `devices` and `hidden` may be null; `log` empty: no
  // entries are recorded.
  CallOps(CallOptions options, const chat::ChatTools& tools, chat::FanOut& fan_out,
          BrokerApi& broker, const session::DeviceIndex* devices,
          const session::HiddenUsers* hidden, SnowflakeGenerator& ids, CallLogSubmit log);

  // A parsed call request: answered at once (Answered), refused, or a task for the user's
  // reader that checks membership in the store and comes back to the broker thread.
  chat::Plan Plan(const session::ClientSession& who, int64_t conversation_id,
                  protocol::CallRequest req, const chat::ReplyTo& to);
  // The device `client_id` disconnected (or was taken over): it leaves its call.
  void DeviceGone(const std::string& client_id);
  // The plugin's tick: rings past their timeout end.
  void OnTick();
  // Calls across brokers: set once, before any client connects (call_relay.h).
  void SetRelay(CallRelayLink link) { relay_ = std::move(link); }
  // An envelope another broker's CallOps sent here (call_relay.h).
  void OnRelayed(const std::string& envelope);
  // Push for offline callees: set once, before any client connects.
  void SetPush(CallPushLink link) { push_ = std::move(link); }

  const CallRegistry& registry() const { return registry_; }

 private:
  // Applies `req` of a member (through broker `origin`: -1 here), then answers `to` and
  // publishes the events. `members` may be null for any op but an invite.
  void Apply(const DeviceRef& who, int64_t conversation_id, const protocol::CallRequest& req,
             const chat::ReplyTo& to, const chat::MembersPtr& members, int origin = -1);
  // Sends `req` to its call's home if that is another broker (true), else false.
  bool Forward(const DeviceRef& who, int64_t conversation_id, const protocol::CallRequest& req,
               const chat::ReplyTo& to);
  // Answers `to`, on this broker (`origin` -1) or through broker `origin`.
  void Answer(const chat::ReplyTo& to, std::string payload, int origin);
  void Publish(const std::vector<Delivery>& deliveries);
  // `payload` to device `client_id` of `user` on this broker.
  void PublishTo(const std::string& user, const std::string& client_id, const std::string& payload);
  void Send(int broker, const RelayEnvelope& envelope);
  // The calls that ended: their entries to the writer (idempotent: client_msg_id "call/<id>"),
  // and the withdrawal of the pushes that rang for them.
  void RecordEnded();
  // The callees `deliveries` ring who have no device online: a call notification each.
  void PushRings(const DeviceRef& caller, int64_t conversation_id, bool video,
                 const std::vector<Delivery>& deliveries);
  std::string NewCallId();

  const CallOptions options_;
  const chat::ChatTools tools_;
  chat::FanOut& fan_out_;
  BrokerApi& broker_;
  const session::DeviceIndex* const devices_;
  const session::HiddenUsers* const hidden_;
  SnowflakeGenerator& ids_;
  const CallLogSubmit log_;
  CallRegistry registry_;
  RateLimiter signal_limiter_;
  std::mt19937_64 random_;
  std::optional<CallRelayLink> relay_;
  // Devices on other brokers that made requests about calls homed here: client id -> broker.
  std::unordered_map<std::string, int> remote_devices_;
  // Devices here whose requests went to calls homed elsewhere: client id -> that home.
  std::unordered_map<std::string, int> forwarded_;
  std::optional<CallPushLink> push_;
  // Calls that rang someone by push: call id -> those users (withdrawn when the call ends).
  std::unordered_map<std::string, std::vector<std::string>> pushed_;
};

}  // namespace mqchat::call
