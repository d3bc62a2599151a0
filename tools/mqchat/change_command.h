// The terminal client's changes to messages of the open conversation (issue 16): "/reply SEQ
// TEXT", "/edit SEQ TEXT", "/delete SEQ", "/react SEQ EMOJI" and "/unreact SEQ EMOJI". Each
// goes through the SDK's outbox; what it changes shows up through the REPL's message callbacks
// once stored, so only refusals (and a change queued while offline) are printed here. Main
// thread (the REPL's); waits up to the client's timeout for the answer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"

namespace mqchat::cli {

inline constexpr char kChangeHelp[] =
    "  /reply SEQ TEXT            answer message #SEQ of the open conversation (quoted)\n"
    "  /edit SEQ TEXT             replace the text of your message #SEQ\n"
    "  /delete SEQ                delete message #SEQ for everyone\n"
    "  /react SEQ EMOJI           react to message #SEQ (/unreact SEQ EMOJI takes it back)";

// Runs one of the commands above (`w` the words of `line`, which is kept as typed for the
// text; `conversation` the open one, 0: none); false if the line is none of them.
bool ChangeCommand(const Settings& settings, Client& client, int64_t conversation,
                   const std::vector<std::string>& w, const std::string& line);

}  // namespace mqchat::cli
