#include "community_command.h"

#include "protocol/ids.h"

namespace mqchat::cli {
namespace {

template <typename T>
T Wait(std::future<T> f, const Settings& s) {
  return Await(f, s.timeout, T(Status::Unavailable("timed out")));
}

std::string ServerLine(const Server& s) {
  return "  " + std::to_string(s.id) + "  " + s.name + "  (owner " + s.owner + ", " +
         std::to_string(s.member_count) + " members)";
}

}  // namespace

bool CommunityCommand::Handle(const std::vector<std::string>& w, int64_t* open) {
  const std::string& cmd = w[0];
  const std::string arg = w.size() >= 2 ? w[1] : "";
  if (cmd == "/servers") {
    Servers();
  } else if (cmd == "/channels" || cmd == "/join" || cmd == "/invite" || cmd == "/channel") {
    if (arg.empty()) {
      PrintLine("! usage: " + cmd + (cmd == "/join" ? " CODE" : cmd == "/channel" ? " ID" : " SERVER"));
    } else if (cmd == "/channels") {
      Channels(arg);
    } else if (cmd == "/join") {
      Join(arg);
    } else if (cmd == "/invite") {
      Invite(arg);
    } else if (const int64_t id = Watch(arg); id > 0) {
      *open = id;
    }
  } else {
    return false;
  }
  return true;
}

void CommunityCommand::Servers() {
  auto list = Wait(client_.Servers(), s_);
  if (!list.ok()) return PrintLine("! " + Describe(list.status()));
  if (list->empty()) PrintLine("* no servers yet; /join CODE with an invite");
  for (const Server& s : *list) PrintLine(ServerLine(s));
}

void CommunityCommand::Channels(const std::string& server) {
  const auto id = protocol::ParseId(server);
  if (!id) return PrintLine("! a server id is a number (see /servers)");
  auto list = Wait(client_.Channels(*id), s_);
  if (!list.ok()) return PrintLine("! " + Describe(list.status()));
  for (const Channel& c : *list) {
    std::string line = "  " + std::to_string(c.id) + "  #" + c.name + "  (" + c.type + ")";
    if (!c.topic.empty()) line += "  " + c.topic;
    PrintLine(line);
  }
}

void CommunityCommand::Join(const std::string& code) {
  auto server = Wait(client_.JoinServer(code), s_);
  if (!server.ok()) return PrintLine("! " + Describe(server.status()));
  PrintLine("* joined server '" + server->name + "' (" + std::to_string(server->id) + ")");
}

void CommunityCommand::Invite(const std::string& server) {
  const auto id = protocol::ParseId(server);
  if (!id) return PrintLine("! a server id is a number (see /servers)");
  auto invite = Wait(client_.CreateInvite(*id), s_);
  if (!invite.ok()) return PrintLine("! " + Describe(invite.status()));
  PrintLine("* invite code: " + invite->code);
}

int64_t CommunityCommand::Watch(const std::string& channel) {
  const auto id = protocol::ParseId(channel);
  if (!id) {
    PrintLine("! a channel id is a number (see /channels SERVER)");
    return 0;
  }
  // The broker loads this user's channel access when asked for their servers.
  (void)Wait(client_.Servers(), s_);
  Status watched = Wait(client_.WatchChannel(*id), s_);
  if (!watched.ok()) {
    PrintLine("! cannot open channel " + channel + ": " + Describe(watched));
    return 0;
  }
  return *id;
}

}  // namespace mqchat::cli
