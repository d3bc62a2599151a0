// Driver: runs one benchmark scenario end to end: builds the connections, connects and
// subscribes them, opens the conversations (chat scenarios), runs the send phase on 1-2 event
// loop threads, drains, disconnects and returns the measurements. Main thread; the run phase
// hands each connection to exactly one loop thread until they are joined.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connection.h"
#include "event_loop.h"
#include "mqchat/status.h"
#include "options.h"
#include "protocol/ops.h"
#include "tracker.h"

namespace mqchat::bench {

struct RunResult {
  TrackerTotals totals;
  std::vector<std::string> error_samples;
  int connections = 0;
  int connected = 0;                     // accepted by CONNACK
  int disconnected = 0;                  // lost during the run
  double send_phase_s = 0;               // first send to last send
  double run_s = 0;                      // start of sending to end of drain
  double cpu_user_s = 0, cpu_sys_s = 0;  // this process, over run_s
  std::string setup_error;               // non-empty: the run never started
};

class Driver {
 public:
  explicit Driver(Options options);
  ~Driver();

  // Runs the scenario. Never throws; problems end up in the result.
  RunResult Run();

 private:
  struct Sender {
    Connection* conn = nullptr;
    int slot = 0;          // tracker sender index
    int conversation = 0;  // tracker conversation index
    int thread = 0;
    std::string topic;                            // where its messages go
    std::string peer;                             // pairs: the receiver's username
    int64_t conversation_id = 0;                  // chat: the store's id
    int64_t quota = -1;                           // messages left; -1: unlimited
    std::vector<uint64_t> retries;                // ids to resend (retryable errors)
    std::unordered_map<int, uint64_t> mid_to_id;  // baseline: PUBACK mid -> message id
    // --mixed (chat only; the sender's thread): requests made so far, the seq of its newest
    // acked message, the last seq it edited and reacted to, and the requests that are not
    // sends (id -> op and target seq), so a resend repeats the same request.
    int64_t made = 0;
    int64_t acked_seq = 0, edited_seq = 0, reacted_seq = 0;
    std::unordered_map<uint64_t, std::pair<protocol::Op, int64_t>> events;
  };
  struct ThreadState {
    std::unique_ptr<EventLoop> loop;
    std::vector<int> senders;  // indices into senders_
    int64_t sent = 0;          // this thread's sends (rate pacing)
    double rate = 0;           // this thread's share of --rate
    size_t next_rr = 0;        // round robin position (rate pacing)
  };

  // driver_setup.cpp
  Status BuildConnections();
  Status ConnectAll();
  Status SubscribeAll();
  Status OpenConversations();
  void SendSetupRequest(int conn);
  Status Pump(const char* what, double timeout_s, const std::function<bool()>& done);
  void DisconnectAll();

  // driver_traffic.cpp
  Connection::Handlers MakeHandlers();
  void OnMessage(Connection& c, const mosquitto_message& m);
  void OnChatResponse(Connection& c, std::string_view payload);
  void OnDelivery(Connection& c, std::string_view payload);
  void OnPuback(Connection& c, int mid, int reason_code);
  void Completed(int sender);
  bool SendOne(Sender& s);
  void Resend(Sender& s, uint64_t id);
  std::string Payload(uint64_t id) const;
  // The request for `id`: a send, or with --mixed an edit or reaction (Sender::events); sets
  // *topic to where it goes.
  std::string RequestFor(const Sender& s, uint64_t id, std::string* topic) const;
  // --mixed: what request `s` makes next (kSend, kEdit or kReact) and on which seq.
  std::pair<protocol::Op, int64_t> NextKind(Sender& s) const;

  // driver_run.cpp
  Status RunPhase(RunResult* result);
  void RunThread(int t);
  void SendWindow(ThreadState& ts);
  void SendRate(ThreadState& ts, int64_t now);

  Options options_;
  bool chat_;
  std::string text_;
  std::unique_ptr<Tracker> tracker_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<RecipientRole> roles_;       // by connection index
  std::vector<std::string> inbox_topics_;  // by connection index
  std::vector<std::string> reply_topics_;  // by connection index
  std::vector<int> sender_of_;             // by connection index: index into senders_, or -1
  std::vector<int> thread_of_;             // by connection index
  std::vector<Sender> senders_;
  // Setup requests, by connection: 0 pending, -1 retry due, > 0 the conversation id.
  std::vector<int64_t> setup_conversation_;
  std::vector<int> setup_attempts_;
  std::vector<std::string> setup_error_;
  std::string group_topic_;  // baseline-group
  std::unique_ptr<EventLoop> setup_loop_;
  std::vector<ThreadState> threads_;

  // The loop thread running on this OS thread; -1 on the main thread.
  static thread_local int current_thread_;

  // Run phase timing, shared by the loop threads.
  int64_t t0_ns_ = 0;
  int64_t send_deadline_ns_ = 0;  // 0: none
  std::atomic<int> threads_sending_{0};
  std::atomic<int64_t> last_send_stop_ns_{0};
};

}  // namespace mqchat::bench
