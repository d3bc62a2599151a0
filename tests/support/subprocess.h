// Subprocess: runs a server or tool as a child process, stdout+stderr to a log file, and
// stops it (SIGTERM, then SIGKILL after a deadline) when destroyed. Used by every fixture.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace mqchat::test {

struct RunResult {
  int exit_code = -1;  // -1 if killed by a signal or not started
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv to completion with `input` on stdin; kills it after `timeout`.
RunResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                     std::chrono::milliseconds timeout = std::chrono::seconds(60));

class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts argv with output appended to `log_path`. Throws if fork/exec fails.
  void Start(const std::vector<std::string>& argv, const std::string& log_path);
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit code (-1 if signalled). Idempotent.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  void Kill();                   // SIGKILL and reap
  void Signal(int sig);          // e.g. SIGSTOP / SIGCONT
  // True while the child has not exited. Reaps it if it has; exit_code() then tells how.
  bool Running();
  // Waits up to `timeout` for the child to exit on its own; returns its exit code, or -2 on timeout.
  int WaitExit(std::chrono::milliseconds timeout);
  int exit_code() const { return exit_code_; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

}  // namespace mqchat::test
