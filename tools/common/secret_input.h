// Reading a secret (a password) typed on the terminal without echoing it. Main thread.
#pragma once

#include <string>

namespace mqchat::tools {

// True if standard input is a terminal (a person can be asked).
bool StdinIsTerminal();

// Writes `prompt` to stderr, reads one line from standard input with echo off (restored after,
// also on end of input), and moves to the next line. False at end of input.
bool ReadSecretLine(const char* prompt, std::string* line);

}  // namespace mqchat::tools
