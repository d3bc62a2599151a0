// The interactive terminal: line editing with libedit, and lines printed by any thread (SDK
// callbacks) shown above the line being typed, which is then redrawn as it was, so incoming
// messages never mix with typed input. Without a terminal on stdin and stdout, plain lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "threads/mutex.h"

namespace mqchat::cli {

class Console {
 public:
  // While it exists, PrintLine and PrintError (cli.h) print through it. One at a time.
  Console();
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // The next line typed (no newline), showing `prompt`; nullopt at end of input (Ctrl-D).
  // Main thread. Lines other threads print meanwhile appear above the prompt.
  std::optional<std::string> ReadLine(const std::string& prompt);

  // Prints one line to stdout (or stderr): above the prompt while a line is being edited,
  // else at once. Any thread.
  void Print(const std::string& line, bool error);

  bool editing() const { return editing_; }

  // The console PrintLine/PrintError use, or null.
  static Console* Active();

 private:
  struct Pending {
    std::string line;
    bool error;
  };
  // Main thread, in ReadLine (other threads only queue meanwhile): prints what is pending
  // above the prompt and has libedit redraw prompt and input below it.
  void FlushPending();
  static void WriteNow(const std::string& line, bool error);

  const bool editing_;  // stdin and stdout are terminals: libedit is on
  int wake_[2] = {-1, -1};  // other threads' Print wakes ReadLine's poll through this pipe
  Mutex mu_;
  bool reading_ GUARDED_BY(mu_) = false;  // ReadLine is editing a line
  std::vector<Pending> pending_ GUARDED_BY(mu_);
  std::string prompt_;            // main thread
};

}  // namespace mqchat::cli
