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

// "12 bytes", "48.2 KB", "3.1 MB".
std::string Size(int64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  const bool mega = bytes >= 1000 * 1000;
  const int64_t tenths = (bytes * 10 + (mega ? 500000 : 500)) / (mega ? 1000000 : 1000);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + (mega ? " MB" : " KB");
}

}  // namespace

std::string ShownCall(const Message& m) {
  const CallOutcome& c = *m.call;
  const std::string what = c.video ? "video call" : "call";
  if (c.outcome == "answered") {
    const int64_t s = (c.duration_ms + 500) / 1000;
    std::string line =
        what + ", " + (s < 60 ? std::to_string(s) + " s" : std::to_string((s + 30) / 60) + " min") +
        ",";
    for (const auto& user : c.participants) line += " " + user;
    return line;
  }
  if (c.outcome == "declined") return "declined " + what + " from " + m.sender;
  if (c.outcome == "busy") return what + " from " + m.sender + ", busy";
  return "missed " + what + " from " + m.sender;  // missed or cancelled while ringing
}

std::string ShownAttachment(const Attachment& a) {
  std::string out = "[" + a.name + ", " + Size(a.size);
  if (a.width > 0 && a.height > 0) {
    out += ", " + std::to_string(a.width) + "x" + std::to_string(a.height);
  }
  return out + " /download " + a.id + "]";
}

// "14:05 bob: hi  #3" (the date too for messages of another day), with what the message
// carries: the message it answers, an edited marker, a tombstone, its attachments ("[name,
// size /download ID]"), reaction counts.
std::string Shown(const Message& m) {
  if (m.call) {  // a call's entry: "14:05 missed call from bob  #3"
    return FormatClock(m.sent_at_ms, NowMs()) + " " + ShownCall(m) + "  #" + std::to_string(m.seq);
  }
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
  for (const Attachment& a : m.attachments) line += " " + ShownAttachment(a);
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
