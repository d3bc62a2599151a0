// The interactive terminal client's communities (issue 18): `/servers` lists the user's
// servers, `/channels SERVER` a server's channels the user may view, `/join CODE` joins by an
// invite code, `/invite SERVER` makes an invite, and `/channel ID` watches a text channel's
// live topic and has the REPL open it like a conversation (history, sending, read markers).
// Main thread (the REPL's); waits on the SDK's futures up to the client's timeout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"
#include "mqchat/client.h"

namespace mqchat::cli {

inline constexpr char kCommunityHelp[] =
    R"(  /servers                   your servers (communities)
  /channels SERVER           the channels of server SERVER (an id) you may view
  /join CODE                 join a server with an invite code
  /invite SERVER             make an invite code for server SERVER
  /channel ID                open text channel ID: its messages, and any other line sent there)";

class CommunityCommand {
 public:
  CommunityCommand(const Settings& settings, Client& client) : s_(settings), client_(client) {}

  // Runs one of the commands above (`words` as split); false if the line is none of them.
  // For /channel, sets `*open` to the channel to open once it is watched (else leaves it).
  bool Handle(const std::vector<std::string>& words, int64_t* open);

 private:
  void Servers();
  void Channels(const std::string& server);
  void Join(const std::string& code);
  void Invite(const std::string& server);
  int64_t Watch(const std::string& channel);

  const Settings& s_;
  Client& client_;
};

}  // namespace mqchat::cli
