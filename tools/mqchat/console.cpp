#include "console.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <editline/readline.h>

namespace mqchat::cli {
namespace {

std::atomic<Console*> g_active{nullptr};

// libedit's line callback has no context argument: the line of the ReadLine in progress.
struct LineSlot {
  bool done = false;
  std::optional<std::string> line;
};
LineSlot* g_slot = nullptr;

void OnLine(char* line) {
  if (g_slot == nullptr) return;
  g_slot->done = true;
  if (line != nullptr) {
    g_slot->line = std::string(line);
    std::free(line);
  }
  rl_callback_handler_remove();  // back to the terminal's normal mode until the next ReadLine
}

int TerminalColumns() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

Console::Console() : editing_(isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) {
  if (editing_) {
    if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
    rl_initialize();
  }
  g_active.store(this);
}

Console::~Console() {
  g_active.store(nullptr);
  if (editing_) rl_callback_handler_remove();
  for (int fd : wake_) {
    if (fd >= 0) close(fd);
  }
}

Console* Console::Active() { return g_active.load(); }

void Console::WriteNow(const std::string& line, bool error) {
  FILE* out = error ? stderr : stdout;
  std::fwrite(line.data(), 1, line.size(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

void Console::Print(const std::string& line, bool error) {
  MutexLock lock(mu_);
  if (!reading_) return WriteNow(line, error);
  pending_.push_back({line, error});
  if (pending_.size() == 1 && wake_[1] >= 0) {
    const char byte = 1;
    (void)!write(wake_[1], &byte, 1);
  }
}

// Clears the prompt and the input (all the rows it wraps to), prints the pending lines where it
// was, and has libedit draw prompt and input again below them, the cursor where it was.
void Console::FlushPending() {
  std::vector<Pending> lines;
  {
    MutexLock lock(mu_);
    lines.swap(pending_);
    char drain[64];
    while (wake_[0] >= 0 && read(wake_[0], drain, sizeof drain) > 0) {
    }
  }
  if (lines.empty()) return;
  const int columns = TerminalColumns();
  const int rows_above = static_cast<int>(prompt_.size() + static_cast<size_t>(rl_point)) / columns;
  std::string clear = "\r";
  if (rows_above > 0) clear += "\x1b[" + std::to_string(rows_above) + "A";
  clear += "\x1b[J";
  std::fwrite(clear.data(), 1, clear.size(), stdout);
  std::fflush(stdout);
  for (const auto& p : lines) WriteNow(p.line, p.error);
  rl_forced_update_display();
}

std::optional<std::string> Console::ReadLine(const std::string& prompt) {
  if (!editing_) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  prompt_ = prompt;
  LineSlot slot;
  g_slot = &slot;
  {
    MutexLock lock(mu_);
    reading_ = true;
  }
  rl_callback_handler_install(prompt_.c_str(), OnLine);
  FlushPending();  // what was printed while the prompt was being drawn
  while (!slot.done) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    const int n = poll(fds, wake_[0] >= 0 ? 2 : 1, -1);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (fds[1].revents != 0) FlushPending();
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      rl_callback_read_char();
      if ((fds[0].revents & POLLIN) == 0 && !slot.done) break;  // hung up
    }
  }
  g_slot = nullptr;
  if (!slot.done) rl_callback_handler_remove();
  {
    // The line is done (no prompt to keep): what is still queued prints as it is, before
    // anything printed from now on.
    MutexLock lock(mu_);
    reading_ = false;
    for (const auto& p : pending_) WriteNow(p.line, p.error);
    pending_.clear();
  }
  if (slot.line && !slot.line->empty()) add_history(slot.line->c_str());
  return slot.line;
}

}  // namespace mqchat::cli
