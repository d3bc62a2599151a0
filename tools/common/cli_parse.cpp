#include "cli_parse.h"

#include <iostream>

namespace mqchat::tools {
namespace {

// The reason for a missing or unknown (sub)command, option or argument, in words: CLI11 says
// only "A subcommand is required" also when the word given was simply not a command, and "The
// following argument was not expected" for an unknown option. The words it did not take are
// left in remaining().
std::string LeftoverReason(CLI::App& app) {
  CLI::App* deepest = &app;
  std::string path;
  while (true) {
    auto parsed = deepest->get_subcommands();
    if (parsed.empty()) break;
    deepest = parsed.front();
    path += (path.empty() ? "" : " ") + deepest->get_name();
  }
  std::string choices;
  for (const CLI::App* sub : deepest->get_subcommands({})) {
    choices += (choices.empty() ? "" : ", ") + sub->get_name();
  }
  const std::vector<std::string> left = app.remaining(/*recurse=*/true);
  const std::string where = path.empty() ? "" : " after '" + path + "'";
  for (const auto& word : left) {
    if (word.rfind("-", 0) == 0) return "unknown option '" + word + "'" + where;
  }
  if (!left.empty() && choices.empty()) return "unexpected argument '" + left.front() + "'" + where;
  if (!left.empty()) {
    return "unknown command '" + left.front() + "'" + where + " (commands: " + choices + ")";
  }
  return "missing command" + where + " (commands: " + choices + ")";
}

}  // namespace

std::string VersionLine(const std::string& program) { return program + " " + MQCHAT_VERSION; }

void AddHelpAndVersion(CLI::App& app, const std::string& program) {
  app.set_help_flag("-h,--help", "print the help and exit");
  app.set_version_flag("--version", VersionLine(program), "print the version and exit");
}

std::optional<int> ParseOrExit(CLI::App& app, int argc, char** argv, const std::string& program,
                               const std::string& help_text) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    std::cout << help_text;
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << help_text;
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::RequiredError& e) {
    const std::string what = e.what();
    return UsageError(program, what.find("subcommand") != std::string::npos
                                   ? LeftoverReason(app)
                                   : what);
  } catch (const CLI::ExtrasError& e) {
    return UsageError(program, app.remaining(/*recurse=*/true).empty() ? std::string(e.what())
                                                                       : LeftoverReason(app));
  } catch (const CLI::ParseError& e) {
    return UsageError(program, e.what());
  }
}

int UsageError(const std::string& program, const std::string& reason) {
  std::cerr << program << ": " << reason << "\nRun '" << program << " --help' for usage.\n";
  return kExitUsage;
}

}  // namespace mqchat::tools
