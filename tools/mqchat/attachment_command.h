// The terminal client's attachments (issue 16; docs/PROTOCOL.md "Attachments"):
// "/attach PATH [TEXT]" uploads the file through the API service (with the login the terminal
// keeps: the stored login or --api with the password) and sends it to the open conversation,
// TEXT as the message's text; "/download ID [PATH]" saves an attachment of a message the user
// can see (default: its own name in the current directory, never overwriting a file). Main
// thread (the REPL's); waits up to the client's timeout for the broker, longer for the upload.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"

namespace mqchat::cli {

inline constexpr char kAttachmentHelp[] =
    "  /attach PATH [TEXT]        send the file PATH (a picture or any file) to the open\n"
    "                             conversation, with TEXT if given\n"
    "  /download ID [PATH]        save attachment ID (shown after a file's name) to PATH\n"
    "                             (default: its name in the current directory)";

// Runs /attach or /download (`w` the words of `line`; `conversation` the open one, 0: none);
// false if the line is neither. Prints its outcome.
bool AttachmentCommand(const Settings& settings, Client& client, int64_t conversation,
                       const std::vector<std::string>& w, const std::string& line);

}  // namespace mqchat::cli
