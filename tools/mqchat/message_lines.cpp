// The terminal client's message lines (message_lines.h).
#include "message_lines.h"

#include <chrono>

#include "cli.h"

namespace mqchat::cli {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// "14:05 bob: hi  #3" (the date too for messages of another day), with what the message
// carries: the message it answers, an edited marker, a tombstone, reaction counts.
std::string Shown(const Message& m) {
  std::string line = FormatClock(m.sent_at_ms, NowMs()) + " " + m.sender + ": ";
  if (m.reply_to > 0) {
    line += "[re #" + std::to_string(m.reply_to);
    if (m.reply) {
      line += " " + m.reply->sender + ": " +
              (m.reply->deleted ? std::string("deleted message") : m.reply->snippet);
    }
    line += "] ";
  }
  line += m.deleted ? std::string("(message deleted)") : m.text;
  if (m.edited() && !m.deleted) line += " (edited)";
  if (!m.reactions.empty()) {
    line += "  ";
    for (const Reaction& r : m.reactions) {
      line += "[" + r.emoji + " " + std::to_string(r.count) + (r.mine ? "*" : "") + "]";
    }
  }
  return line + "  #" + std::to_string(m.seq);
}

// "* bob edited #3: 14:05 bob: hello (edited)  #3" and the like.
std::string ShownUpdate(const MessageUpdate& u) {
  switch (u.kind) {
    case MessageUpdate::Kind::kEdited: return "* " + u.actor + " edited: " + Shown(u.message);
    case MessageUpdate::Kind::kDeleted:
      return "* " + u.actor + " deleted #" + std::to_string(u.message.seq);
    case MessageUpdate::Kind::kReacted:
      return "* " + u.actor + " reacted " + u.emoji + ": " + Shown(u.message);
    case MessageUpdate::Kind::kUnreacted:
      return "* " + u.actor + " took back " + u.emoji + ": " + Shown(u.message);
  }
  return "";
}

}  // namespace mqchat::cli
