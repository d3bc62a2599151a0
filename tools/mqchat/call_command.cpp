// The terminal client's calls (call_command.h).
#include "call_command.h"

namespace mqchat::cli {

std::optional<std::string> CallCommand::OnEvent(const CallEvent& e) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string where = label_(e.conversation_id);
  switch (e.kind) {
    case CallEvent::Kind::kRinging:
      ringing_[e.call_id] = Ringing{e.conversation_id, e.caller, ++next_order_};
      return "* incoming call from " + e.caller + (e.video ? " (video)" : "") + " in " + where +
             ": /decline to turn it down";
    case CallEvent::Kind::kRingEnded: {
      auto it = ringing_.find(e.call_id);
      const std::string caller = it == ringing_.end() ? std::string("someone") : it->second.caller;
      if (it != ringing_.end()) ringing_.erase(it);
      if (e.reason == "timeout" || e.reason == "cancelled") {
        return "* missed call from " + caller + " in " + where;
      }
      if (e.reason == "answered_elsewhere") return "* call from " + caller + " taken on another device";
      if (e.reason == "declined") return "* call from " + caller + " declined";
      return "* call from " + caller + " ended";
    }
    case CallEvent::Kind::kEnded:
      return "* call in " + where + " ended (" + e.reason + ")";
    case CallEvent::Kind::kBusy:
      return "* " + e.user + " is busy";
    default:
      return std::nullopt;  // signalling and membership of calls this client cannot take part in
  }
}

bool CallCommand::Handle(const std::vector<std::string>& words) {
  if (words[0] != "/decline") return false;
  std::string call_id;
  int64_t conversation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t newest = 0;
    for (const auto& [id, r] : ringing_) {
      if (words.size() >= 2 ? id == words[1] : r.order > newest) {
        newest = r.order;
        call_id = id;
        conversation = r.conversation_id;
      }
    }
  }
  if (call_id.empty()) {
    PrintLine(words.size() >= 2 ? "! no incoming call " + words[1] : "! no incoming call");
    return true;
  }
  auto declined = client_.DeclineCall(conversation, call_id);
  Status s = Await(declined, s_.timeout, Status::Unavailable("timed out"));
  PrintLine(s.ok() ? "* declined" : "! decline refused: " + Describe(s));
  return true;
}

}  // namespace mqchat::cli
