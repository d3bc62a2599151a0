#include "change_command.h"

#include <future>

#include "command_words.h"

namespace mqchat::cli {

bool ChangeCommand(const Settings& settings, Client& client, int64_t conversation,
                   const std::vector<std::string>& w, const std::string& line) {
  const std::string& cmd = w[0];
  const bool with_text = cmd == "/reply" || cmd == "/edit";
  const bool with_emoji = cmd == "/react" || cmd == "/unreact";
  if (!with_text && !with_emoji && cmd != "/delete") return false;
  const size_t needed = cmd == "/delete" ? 2 : 3;
  const int64_t seq = w.size() >= 2 ? ParseSeq(w[1]) : 0;
  if (w.size() < needed || seq <= 0) {
    PrintLine("! usage: " + cmd + " SEQ" +
              (with_text    ? " TEXT"
               : with_emoji ? " EMOJI"
                            : "") +
              " (SEQ: the #number after a message)");
    return true;
  }
  if (conversation == 0) {
    PrintLine("! open a conversation first (/open NAME|@USER|ID)");
    return true;
  }
  std::future<Result<Ack>> done;
  if (cmd == "/reply") {
    done = client.Reply(conversation, seq, RestAfter(line, 2));
  } else if (cmd == "/edit") {
    done = client.Edit(conversation, seq, RestAfter(line, 2));
  } else if (cmd == "/delete") {
    done = client.Delete(conversation, seq);
  } else {
    done = client.React(conversation, seq, w[2], cmd == "/unreact");
  }
  // Offline the change waits in the outbox (sent once back online): do not block for it.
  if (client.state() != ConnectionState::kOnline) {
    PrintLine("* offline: " + cmd.substr(1) + " queued, sent when back online");
    return true;
  }
  auto ack = Await(done, settings.timeout, Result<Ack>(Status::Unavailable("timed out")));
  if (!ack.ok()) PrintLine("! " + cmd.substr(1) + " refused: " + Describe(ack.status()));
  return true;
}

}  // namespace mqchat::cli
