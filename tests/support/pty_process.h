// PtyProcess: a program (the mqchat terminal client) on a pseudo-terminal with echo off, for
// integration tests that type lines into it and wait, bounded, for what it prints. Header-only
// (forkpty needs libutil, which only the integration binary links). Test thread only.
#pragma once

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace mqchat::test {

inline constexpr std::chrono::milliseconds kPtyWait{20000};

// The mqchat binary on a pseudo-terminal (echo off), with bounded waits on its output.
class PtyProcess {
 public:
  ~PtyProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }

  void Start(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
    // Everything the child needs is built before fork: only exec-safe calls run after it.
    std::vector<std::string> env_strings(extra_env);
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy(argv);
    for (auto& a : argv_copy) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::forkpty(&fd_, nullptr, nullptr, nullptr);
    ASSERT_GE(pid_, 0) << "forkpty: " << std::strerror(errno);
    if (pid_ == 0) {
      struct termios t;
      if (::tcgetattr(STDIN_FILENO, &t) == 0) {
        t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
      }
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
  }

  void SendLine(const std::string& line) {
    const std::string data = line + "\n";
    ASSERT_EQ(::write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }

  // Waits until `text` appears after the previous match. False (and a failure) on timeout.
  bool Expect(const std::string& text, std::chrono::milliseconds timeout = kPtyWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const size_t at = output_.find(text, consumed_);
      if (at != std::string::npos) {
        consumed_ = at + text.size();
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Pump(static_cast<int>(left.count()))) {
        ADD_FAILURE() << "no '" << text << "' in the terminal output:\n" << output_;
        return false;
      }
    }
  }

  // The exit code once the process exits (-1 if signalled), or -2 after `timeout`.
  int WaitExit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      Pump(20);  // waits for output (or the hang-up) at most 20 ms
    }
    return -2;
  }

  const std::string& output() const { return output_; }

 private:
  // Reads what is available within `timeout_ms`; false once the terminal is closed.
  bool Pump(int timeout_ms) {
    struct pollfd p = {fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return r == 0;
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  size_t consumed_ = 0;
};

}  // namespace mqchat::test
