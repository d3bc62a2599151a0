// The interactive terminal client's calls (issue 27): it has no media, so it shows calls and
// can turn them away. An incoming call prints "* incoming call from alice (video) in team:
// /decline to turn it down"; a ring that ends unanswered prints "* missed call from alice in
// team"; `/decline` declines the newest ringing call (or `/decline CALL_ID` a given one).
// Events arrive on the SDK's callback thread, commands on the REPL's thread: a mutex guards the
// calls ringing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "mqchat/call.h"

namespace mqchat::cli {

inline constexpr char kCallHelp[] =
    "  /decline [CALL_ID]         turn down the newest incoming call (or CALL_ID)";

class CallCommand {
 public:
  // `label` names a conversation for people (a group's name, the other user of a direct one).
  CallCommand(const Settings& settings, Client& client,
              std::function<std::string(int64_t)> label)
      : s_(settings), client_(client), label_(std::move(label)) {}

  // Callback thread: the line a call event shows, if any (and the calls ringing kept current).
  std::optional<std::string> OnEvent(const CallEvent& e);
  // REPL thread: runs /decline; false if the line is not a call command.
  bool Handle(const std::vector<std::string>& words);

 private:
  struct Ringing {
    int64_t conversation_id = 0;
    std::string caller;
    uint64_t order = 0;
  };

  const Settings& s_;
  Client& client_;
  std::function<std::string(int64_t)> label_;
  std::mutex mu_;
  std::map<std::string, Ringing> ringing_;  // by call id
  uint64_t next_order_ = 0;
};

}  // namespace mqchat::cli
