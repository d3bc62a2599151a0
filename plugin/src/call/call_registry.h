// CallRegistry: the state of every live call of this broker (issue 27; docs/PROTOCOL.md section
// 8), in memory: calls are ephemeral. A pure state machine: each input (invite, accept, decline,
// join, hang up, signal, a device gone, the clock) checks its preconditions, changes the state
// and returns the events to deliver, so it is unit-tested without a broker. CallOps
// (call_ops.h) checks membership and publishes what it returns. Broker thread only.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/call.h"
#include "protocol/call_record.h"
#include "protocol/errors.h"

namespace mqchat::call {

// One event for one user's devices: `client_id` set: that device only; otherwise every
// connected device of `user` except `except_client_id` (if set).
struct Delivery {
  std::string user;
  std::string client_id;
  std::string except_client_id;
  nlohmann::json event;
};

// A call that ended: what its conversation's log records of it (CallOps appends the entry).
struct EndedCall {
  int64_t conversation_id = 0;
  std::string caller;  // the user who started it: the entry's sender
  protocol::CallRecord record;
};

struct CallLimits {
  int64_t ring_timeout_ms = 45000;
  int max_participants = 4;
};

// A device: its user and its device id (its client id is "<user>/<device>").
struct DeviceRef {
  std::string user;
  std::string device;
  std::string client_id() const { return user + "/" + device; }
};

class CallRegistry {
 public:
  explicit CallRegistry(CallLimits limits) : limits_(limits) {}

  // What an input did: an error (nothing changed), or the response's fields and the events.
  struct Outcome {
    std::optional<protocol::ProtocolError> error;
    nlohmann::json response = nlohmann::json::object();
    std::vector<Delivery> deliveries;
  };

  // `caller` starts call `call_id` in conversation `conversation_id` (`direct`: a direct
  // conversation), ringing every user of `callees` (the other members) who is not busy.
  Outcome Invite(const DeviceRef& caller, int64_t conversation_id, bool direct,
                 const std::vector<std::string>& callees, bool video, const std::string& call_id,
                 int64_t now_ms);
  Outcome Accept(const DeviceRef& who, int64_t conversation_id, const std::string& call_id,
                 int64_t now_ms);
  Outcome Decline(const DeviceRef& who, int64_t conversation_id, const std::string& call_id,
                  int64_t now_ms);
  Outcome Join(const DeviceRef& who, int64_t conversation_id, const std::string& call_id,
               int64_t now_ms);
  Outcome Hangup(const DeviceRef& who, int64_t conversation_id, const std::string& call_id,
                 int64_t now_ms);
  // Relays `req` (a call_signal) from `who` to its target device (media: every other device).
  Outcome Signal(const DeviceRef& who, int64_t conversation_id, const protocol::CallRequest& req);
  // The device disconnected: it leaves its call ("dropped").
  std::vector<Delivery> DeviceGone(const std::string& client_id, int64_t now_ms);
  // Ends the rings whose timeout passed, and the calls that leaves with nobody.
  std::vector<Delivery> Tick(int64_t now_ms);

  // The call `client_id` takes part in ("" if none), and how many calls are live.
  std::string CallOf(const std::string& client_id) const;
  size_t size() const { return calls_.size(); }
  // The live call of a conversation ("" if none).
  std::string CallIn(int64_t conversation_id) const;
  // The calls that ended since the last call, in the order they ended.
  std::vector<EndedCall> TakeEnded() { return std::move(ended_); }

 private:
  struct Call {
    std::string id;
    int64_t conversation_id = 0;
    bool direct = false;
    bool video = false;
    DeviceRef caller;
    std::map<std::string, DeviceRef> participants;  // by client id
    std::set<std::string> rung;                     // users being rung
    std::set<std::string> declined;
    std::set<std::string> took_part;  // users who were in the call at some point
    bool answered = false;
    bool busy = false;         // a callee was busy at the invite
    bool rang_anyone = false;  // a callee was rung at the invite
    int64_t started_ms = 0;
    int64_t answered_ms = 0;
    int64_t ring_deadline_ms = 0;
    int64_t sig_seq = 0;
  };

  // The call `call_id` of `conversation_id`, or the error for an unknown one.
  Call* Find(int64_t conversation_id, const std::string& call_id,
             std::optional<protocol::ProtocolError>* error);
  bool UserBusy(const std::string& user) const;
  std::optional<protocol::ProtocolError> DeviceFree(const std::string& client_id) const;
  // `who` enters `call` (accept or join).
  Outcome Enter(Call& call, const DeviceRef& who, int64_t now_ms);
  // `client_id` leaves `call` for `reason` ("hangup", "dropped").
  void Leave(Call& call, const std::string& client_id, const std::string& reason, int64_t now_ms,
             std::vector<Delivery>& out);
  // Ends `call` if nothing keeps it going; true if it ended (then it is erased).
  bool MaybeEnd(Call& call, int64_t now_ms, std::vector<Delivery>& out,
                const std::string& also_tell = "");
  void End(Call& call, const std::string& reason, int64_t now_ms, std::vector<Delivery>& out,
           const std::string& also_tell);
  // `event` to every device in `call` (and `also` if not in it).
  void ToParticipants(const Call& call, const nlohmann::json& event, std::vector<Delivery>& out,
                      const std::string& except = "") const;
  void RingEnded(const Call& call, const std::string& user, const std::string& reason,
                 std::vector<Delivery>& out, const std::string& except_client_id = "") const;
  nlohmann::json ParticipantList(const Call& call) const;

  const CallLimits limits_;
  std::unordered_map<std::string, Call> calls_;            // by call id
  std::unordered_map<int64_t, std::string> by_conversation_;  // conversation -> call id
  std::unordered_map<std::string, std::string> by_device_;    // client id -> call id
  std::unordered_map<std::string, int> user_devices_in_calls_;  // user -> devices in calls
  std::multimap<int64_t, std::string> deadlines_;  // ring deadline -> call id (may be stale)
  std::vector<EndedCall> ended_;                   // since the last TakeEnded
};

}  // namespace mqchat::call
