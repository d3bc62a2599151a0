// FloodClient: runs the hostile-login tests' attack client, mqchat_flood_client
// (tests/tools/flood_client.cpp), as its own process for one flood window and reads back what it
// counted. Its own process because a real attacker's client runs on its own machines: as threads
// of the test process it starved at nice 19 on a loaded machine (the flood missed its rate), and
// at nice 0 it would take the CPU the measured clients need. One window per object; any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

namespace mqchat::test {

struct FloodClientOptions {
  std::string attack;  // http-wrong-password, mqtt-unknown or mqtt-wrong-password
  int port = 0;
  std::chrono::milliseconds duration{2000};
  double rate = 0;  // requests/s in total; 0: as fast as the threads go
  int threads = 8;
  int first_address = 0;  // request n comes from LoopbackAddress((first_address + n) % addresses)
  int addresses = 200;
  int users = 10;  // wrong passwords for user_prefix0 .. user_prefix<users - 1>
  std::string user_prefix = "victim";
  std::chrono::milliseconds timeout{5000};  // an answer later than this counts as none
  int nice = 0;
};

struct FloodResult {
  bool ok = false;  // the client ran and printed its counts; `error` says why not
  std::string error;
  int64_t requests = 0;
  int64_t in_window = 0;  // answered within `duration`
  double seconds = 0;     // the client's run, its last answers included
  // HTTP status (0: no answer in time) or CONNACK reason (-2 timeout, -3 closed without CONNACK).
  std::map<int, int64_t> answers;
  double p50_ms = 0, max_ms = 0;
  int64_t Count(int code) const {
    auto it = answers.find(code);
    return it == answers.end() ? 0 : it->second;
  }
  std::string Describe() const;
};

class FloodClient {
 public:
  explicit FloodClient(FloodClientOptions options);
  ~FloodClient();
  FloodClient(const FloodClient&) = delete;
  FloodClient& operator=(const FloodClient&) = delete;
  // Waits for the client to end (its duration plus its last answers' timeout) and parses its
  // counts.
  FloodResult Wait();

 private:
  FloodClientOptions options_;
  std::thread runner_;
  int exit_code_ = -1;
  std::string output_;
};

}  // namespace mqchat::test
