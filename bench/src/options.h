// Command-line options of mqchat-bench and their parser. Main thread only.
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"

namespace mqchat::bench {

enum class Scenario {
  kPairs,
  kRate,
  kGroup,
  kBaselinePairs,
  kBaselineGroup,
  kIdle,
  kBaselineIdle,
  kStorm,
  kBaselineStorm,
  kPresence,
  kChannel,
};

struct Options {
  Scenario scenario = Scenario::kPairs;
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string jwt_secret;      // chat scenarios only (or $MQCHAT_BENCH_JWT_SECRET)
  int pairs = 10;              // pairs, rate, baseline-pairs
  int window = 64;             // requests in flight per sender (window pacing)
  double duration_s = 10;      // send phase; 0 = until --messages are sent
  int64_t messages = 0;        // total messages to send; 0 = until --duration ends
  double rate = 0;             // offered msgs/s over all senders; 0 = window pacing
  int group_size = 100;        // members of the group, senders included
  int senders = 1;             // group senders (members 0..senders-1)
  int payload_bytes = 100;     // message text length in bytes
  int threads = 1;             // event-loop threads in the run phase (1 or 2)
  bool mixed = false;          // chat pairs/rate/group: 1 in 10 requests an edit, 1 a reaction
  int send_qos = 1;            // QoS of each send request (chat) or publish (plain): 0 or 1
  double drain_s = 10;         // after sending stops: wait this long for acks and deliveries
  int connections = 10000;     // idle: connections held open (one user each)
  int devices = 10000;         // reconnect-storm: offline devices (one user each)
  int missed = 10;             // reconnect-storm: messages each device missed
  bool clean_session = false;  // reconnect-storm: devices without a persistent session
  int connect_window = 100;    // CONNECTs awaiting their CONNACK at once (idle, storm)
  int watchers = 99;           // presence: contacts watching the target
  int transitions = 2000;      // presence: online/offline changes of the target
  int members = 100000;        // channel: members of the server (added by --bulk-members)
  int online = 2000;           // channel: members online, subscribed to the channel
  std::string bulk_cmd;        // channel: shell command adding the members to the store
  int broker_pid = 0;          // read the broker's RSS and CPU time from /proc; 0: don't
  bool json = false;
  std::string prefix;  // username prefix; default derived from time and pid
};

// True for the scenarios that go through the plugin (JWT login, JSON requests).
bool IsChat(Scenario s);
// True for the message traffic scenarios run by Driver (pairs, rate, group and baselines).
bool IsMessaging(Scenario s);
// True for the one-group scenarios.
bool IsGroup(Scenario s);
const char* ScenarioName(Scenario s);

struct ParsedOptions {
  Options options;
  bool help = false;  // --help: print Usage() and exit 0
};

// Parses argv. Fails with kInvalidArgument naming the bad option (exit code 2).
Result<ParsedOptions> ParseOptions(int argc, char** argv);
const char* Usage();

}  // namespace mqchat::bench
