// How the interactive terminal client shows messages and their changes (edits, tombstones,
// replies, reactions). Pure functions; any thread (SDK callbacks print these).
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/events.h"
#include "mqchat/types.h"

namespace mqchat::cli {

// "14:05 bob: hi  #3" (the date too for messages of another day), with what the message
// carries: "[re #1 alice: snippet] " before the text of a reply, "(message deleted)" for a
// tombstone, " (edited)", each attachment (ShownAttachment), reaction counts ("[👍 2*]", * when
// this user is among them).
std::string Shown(const Message& m);
// A call entry (m.call set): "missed call from bob", "declined video call from bob",
// "call, 3 min, alice bob".
std::string ShownCall(const Message& m);
// "[beach.png, 48.2 KB, 640x400 /download ID]" (the dimensions for pictures only).
std::string ShownAttachment(const Attachment& a);
// A change to a message in one line: "* bob edited: " + Shown(message), "* bob deleted #3", ...
std::string ShownUpdate(const MessageUpdate& u);

}  // namespace mqchat::cli
