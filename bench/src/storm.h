// Reconnect storm: --devices devices (one user each, client id <prefix>u<i>/bench) miss
// --missed messages while offline, then all reconnect at once and catch up.
//
// Chat (reconnect-storm), as the SDK does it: a device keeps a persistent session
// (clean_start=false, session expiry; --clean-session: none), resubscribes to
// mqchat/v1/u/<user>/# after CONNACK and, on SUBACK, sends `sync` with its per-conversation
// cursor, repeating while has_more. It is caught up when a sync says nothing more and it holds
// every missed message, whichever way each came (the session queue or sync; clients key
// messages by (conversation, seq), so a message coming both ways is no duplicate).
// Baseline (baseline-reconnect-storm): plain Mosquitto, anonymous, persistent sessions
// subscribed to the device's inbox topic; the missed messages are QoS 1 publishes queued in the
// session, and a device is caught up when the broker has delivered them all.
//
// storm_setup.cpp builds the offline state (each device logs in once, subscribes and leaves;
// then a few sender connections fill a 1:1 conversation per device, or the sessions, with
// windowed sending); scenario_storm.cpp runs the storm and reports. Main thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fleet.h"
#include "options.h"

namespace mqchat::bench {

class Storm {
 public:
  // Counts over the storm phase.
  struct Counts {
    int64_t via_session = 0;  // messages first held from the inbox (session queue or live)
    int64_t via_sync = 0;     // messages first held from a sync response
    int64_t both_ways = 0;    // held, then also received the other way (expected, not a dup)
    int64_t duplicated = 0;   // the same message twice the same way
    int64_t unexpected = 0;   // a message of another conversation or seq
    int64_t sync_requests = 0;
    int64_t sync_retries = 0;    // after a retryable error
    int64_t sessions_found = 0;  // CONNACKs with session present
  };

  Storm(const Options& options, Fleet& fleet);

  // storm_setup.cpp: adds the devices and senders to the fleet, logs every device in once
  // (subscribed), fills the conversations (or sessions) while the devices are offline.
  Status Setup();
  int64_t messages_stored() const { return acked_; }
  // Devices that had to log in again during set-up (see storm_setup.cpp).
  int relogins() const { return relogins_; }

  // scenario_storm.cpp: connects every device at once (--connect-window CONNECTs in flight)
  // and waits until all are caught up or `timeout_s` passes. Failures end up in the fleet's
  // error count, losses in Missing().
  Status Run(double timeout_s);
  const Counts& counts() const { return counts_; }
  int64_t Missing() const;
  int finished() const { return finished_; }
  int64_t first_connect_ns() const { return first_connect_ns_; }
  int64_t last_connack_ns() const { return last_connack_ns_; }
  int64_t last_finished_ns() const { return last_finished_ns_; }
  // Per device: its CONNECT to its CONNACK, and to being caught up (ns).
  std::vector<int64_t>& connack_latency_ns() { return connack_latency_ns_; }
  std::vector<int64_t>& catch_up_latency_ns() { return catch_up_latency_ns_; }
  std::vector<Connection*> DeviceConnections() const;

 private:
  enum class Phase { kSetup, kStorm };
  struct Device {
    Connection* conn = nullptr;
    int64_t conversation_id = 0;  // chat: its 1:1 with its sender; baseline: index + 1
    std::vector<uint8_t> held;    // by seq - 1: kViaSession | kViaSync bits
    int held_count = 0;
    int64_t cursor = 0;  // every seq up to this one is held
    bool sync_done = false;
    bool finished = false;
    int64_t retry_at_ns = 0;  // a sync to resend after a retryable error
    // Set-up: open_direct has said NOT_FOUND since then (0: it has not).
    int64_t not_found_since_ns = 0;
    bool relogin = false;  // set-up: log in again (and leave at once)
  };
  struct Job {
    int device = 0;
    int k = 0;  // 0: open the conversation (chat); 1..missed: message k
  };
  struct Sender {
    Connection* conn = nullptr;
    std::deque<Job> jobs;
    std::vector<std::pair<int64_t, Job>> retries;  // (due ns, job)
    std::unordered_map<int, Job> by_mid;           // baseline: PUBACK mid -> job
    int in_flight = 0;
  };

  // storm_setup.cpp
  Status AddConnections();
  Status FillConversations();
  void SendJobs(Sender& s);
  bool SendJob(Sender& s, const Job& job);
  void OnSenderMessage(Connection& c, const mosquitto_message& m);
  void OnSenderPuback(Connection& c, int mid, int reason_code);
  void OnNotFound(Device& d);

  // scenario_storm.cpp
  void OnDeviceConnect(Connection& c, int rc);
  void OnDeviceSubscribed(Connection& c);
  void OnDeviceMessage(Connection& c, const mosquitto_message& m);
  void OnSyncResponse(Device& d, std::string_view payload);
  void Hold(Device& d, int64_t conversation_id, int64_t seq, uint8_t way);
  void SendSync(Device& d);
  void MaybeFinish(Device& d);

  const Options& options_;
  Fleet& fleet_;
  const bool chat_;
  Phase phase_ = Phase::kSetup;
  std::string text_;
  std::vector<Device> devices_;  // device i is the fleet's connection i
  std::vector<Sender> senders_;  // sender j is connection devices_.size() + j
  int64_t acked_ = 0;            // setup: missed messages stored (or queued)
  int relogins_ = 0;

  Counts counts_;
  int finished_ = 0;
  int64_t first_connect_ns_ = 0, last_connack_ns_ = 0, last_finished_ns_ = 0;
  std::vector<int64_t> connack_latency_ns_, catch_up_latency_ns_;
};

}  // namespace mqchat::bench
