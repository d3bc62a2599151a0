#include "support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

std::vector<char*> ToArgv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int DecodeStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// Polls waitpid until the child exits or the deadline passes. Returns true if reaped.
bool ReapWithin(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

RunResult RunCommand(const std::vector<std::string>& argv, const std::string& input,
                     std::chrono::milliseconds timeout) {
  TempDir dir("mqchat-run", 0700);
  const std::string in_path = dir.File("stdin");
  const std::string out_path = dir.File("out");
  WriteFile(in_path, input);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::setpgid(0, 0);
    auto args = ToArgv(argv);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  RunResult result;
  int status = 0;
  if (!ReapWithin(pid, timeout, &status)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    result.exit_code = -1;
  } else {
    result.exit_code = DecodeStatus(status);
  }
  result.output = ReadFile(out_path);
  return result;
}

Subprocess::~Subprocess() { Stop(std::chrono::seconds(5)); }

void Subprocess::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  if (pid_ > 0) throw std::runtime_error("Subprocess already started");
  log_path_ = log_path;
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::setpgid(0, 0);  // own process group: a test's Ctrl-C does not reach servers twice
    auto args = ToArgv(argv);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  pid_ = pid;
  exit_code_ = -1;
}

bool Subprocess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = r == pid_ ? DecodeStatus(status) : -1;
  pid_ = -1;
  return false;
}

int Subprocess::WaitExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_code_;
  int status = 0;
  if (!ReapWithin(pid_, timeout, &status)) return -2;
  exit_code_ = DecodeStatus(status);
  pid_ = -1;
  return exit_code_;
}

int Subprocess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return exit_code_;
  ::kill(pid_, SIGCONT);  // a stopped child cannot handle SIGTERM
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (ReapWithin(pid_, grace, &status)) {
    exit_code_ = DecodeStatus(status);
  } else {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    exit_code_ = -1;
  }
  pid_ = -1;
  return exit_code_;
}

void Subprocess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_code_ = -1;
  pid_ = -1;
}

void Subprocess::Signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

}  // namespace mqchat::test
