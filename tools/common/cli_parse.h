// Argument parsing shared by mqchat and mqchatctl (both use CLI11): one way to print --help and
// --version, and one way to report a bad command line: a one-line reason and where the usage
// is, on stderr, exit code 2 (never the whole help). Main thread.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace mqchat::tools {

inline constexpr int kExitUsage = 2;

// "mqchat 0.1.0" for `program` "mqchat".
std::string VersionLine(const std::string& program);

// Sets `app`'s -h/--help and --version flags the same way for both tools.
void AddHelpAndVersion(CLI::App& app, const std::string& program);

// Parses argv. nullopt: go on. Otherwise the exit code to return: 0 after printing
// `help_text` (for -h/--help, at any level) or the version line; kExitUsage after printing
// "PROGRAM: REASON" and "Run 'PROGRAM --help' for usage." on stderr.
std::optional<int> ParseOrExit(CLI::App& app, int argc, char** argv, const std::string& program,
                               const std::string& help_text);

// Prints the same two lines as a parse error, for errors found after parsing (a missing
// store option, say), and returns kExitUsage.
int UsageError(const std::string& program, const std::string& reason);

}  // namespace mqchat::tools
